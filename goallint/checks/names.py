"""Check kind `names`: what a 三级 name says: a generic word (`generic`), a listed name (`listed`), misplacement."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from goallint.checks.support.base import (
    Finding,
    FormContext,
    Placeholders,
    ResolvedIndicator,
    check_messages,
    name_key,
)
from goallint.checks.support.labels import Quiet
from goallint.checks.support.patterns import SafePattern, search
from goallint.model import Cell, cell_text
from goallint.plumbing.memo import Memo, make_room
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT
from goallint.profiles import Profile

_FOUND = {"message": ("name", "word")}
PLACEHOLDERS: dict[str, Placeholders] = {
    "generic": _FOUND, "listed": _FOUND,
    "misplaced": {"message": ("name", "level"), "message_level2": ("level1", "level2")},
}
"""Per test, the messages and their placeholders. `generic`/`listed`: `{name}` the 三级 name, `{word}` the
vocabulary word found. `misplaced`: `message` (a satisfaction `{name}` under the `{level}` printed above it),
`message_level2` (the printed 二级 `{level2}` belongs to another 一级 than the printed `{level1}`)."""
FACTS_BY_TEST = {"generic": ("name", "word"), "listed": ("name", "word"), "misplaced": ("name", "level", "level1", "level2")}


def facts(params: Params) -> tuple[str, ...]:
    """What each finding of a rule gives its `group.item`: the placeholders of its test's messages."""
    return FACTS_BY_TEST[params.test]


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["names"] = "names"
    test: Literal["generic", "listed", "misplaced"]
    vocabulary: str
    """`generic`: names equal to one of these words; `listed`: names containing one; `misplaced`: the
    satisfaction words a name ends with (outside the `satisfaction_level`)."""
    satisfaction_level: str = "satisfaction"
    message: str
    message_level2: str | None = None
    exempt: SafePattern | None = None

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS[self.test])


class _Words(NamedTuple):
    """A vocabulary as the tests use it: its words (in order), their name keys, one search for any of them,
    and the first of its words each name key contains (`listed`), remembered per key."""

    words: tuple[str, ...]
    keys: frozenset[str]
    any_word: re.Pattern[str]
    listed: Memo[str, str | None]


_VOCABULARIES: dict[tuple[str, ...], _Words] = {}
_OF_LIST: dict[int, tuple[list[str], _Words]] = {}
"""A vocabulary's prepared words by the identity of the packs' list (kept alive here, so its id is not reused
while this is here): found without hashing its words on every form."""


def _words(ctx: FormContext, name: str) -> _Words:
    """A named vocabulary of the packs, prepared once per run (the packs name a handful)."""
    vocabulary = ctx.vocabulary(name)
    known = _OF_LIST.get(id(vocabulary))
    if known is not None and known[0] is vocabulary:
        return known[1]
    words = tuple(vocabulary)
    prepared = _VOCABULARIES.get(words)
    if prepared is None:
        if len(_VOCABULARIES) >= 64:
            _VOCABULARIES.clear()
        any_word = re.compile("|".join(re.escape(word) for word in words) or "(?!)")
        prepared = _VOCABULARIES[words] = _Words(
            words, frozenset(name_key(word) for word in words), any_word,
            Memo(lambda key: None if any_word.search(key) is None else next(w for w in words if w in key)))
    if len(_OF_LIST) >= 64:
        _OF_LIST.clear()
    _OF_LIST[id(vocabulary)] = (vocabulary, prepared)
    return prepared


def _keyed(params: Params, ctx: FormContext) -> list[tuple[ResolvedIndicator, str]]:
    """The selected indicators with a name (and its key) the rule's `exempt` pattern does not spare; those of
    every indicator made once per form for the three tests."""
    if ctx.where.picks_all:
        keyed: list[tuple[ResolvedIndicator, str]] | None = ctx.memo.get("name-keys")
        if keyed is None:
            keyed = ctx.memo["name-keys"] = [(item, key) for item in ctx.resolved if (key := name_key(item.name))]
    else:
        keyed = [(item, key) for item in ctx.selected() if (key := name_key(item.name))]
    exempt = params.exempt
    if exempt:
        pattern = re.compile(exempt)
        keyed = [(item, key) for item, key in keyed if not search(pattern, item.name)]
    return keyed


def run(params: Params, ctx: FormContext) -> list[Finding]:
    key = _QUIET.key(params, ctx)
    if _QUIET.said(key, params, ctx):
        return []
    out = _found(params, ctx)
    if not out:
        _QUIET.note(key, params, ctx)
    return out


_QUIET = Quiet()
"""The labels a rule found nothing on: what it finds depends on the form's labels alone (with the rule, the
profile and the vocabularies), and forms of one template repeat them."""


def _found(params: Params, ctx: FormContext) -> list[Finding]:
    keyed = _keyed(params, ctx)
    words = _words(ctx, params.vocabulary)
    if params.test == "misplaced":
        return _misplaced(params, ctx, keyed, words.words)
    if params.test == "generic":
        generic = words.keys
        found = [(item, key) for item, key in keyed if key in generic]
    else:
        listed = words.listed
        found = [(item, word) for item, key in keyed if (word := listed[key]) is not None]
    out = []
    for item, word in found:
        said = {"name": item.name, "word": word}
        out.append(Finding(params.message.format_map(said), item.indicator.name, item.field, facts=said))
    return out


def _misplaced(params: Params, ctx: FormContext, keyed: list[tuple[ResolvedIndicator, str]],
               words: tuple[str, ...]) -> list[Finding]:
    """A printed 二级 that belongs to another 一级 than the printed one; else a name that ends with a
    satisfaction word outside the satisfaction level. Rows that carry their levels down share the first
    answer (the same cells)."""
    out = []
    profile = ctx.profile
    known_answers, profile_id = _ELSEWHERE, id(profile)
    satisfaction = params.satisfaction_level
    above: tuple[Cell | None, Cell | None, str | None] | None = None
    clash = False
    for item, key in keyed:
        indicator = item.indicator
        level1, level2 = indicator.level1, indicator.level2
        if above is None or level1 is not above[0] or level2 is not above[1] or item.level1 != above[2]:
            above = (level1, level2, item.level1)
            known = known_answers.get((profile_id, None if level1 is None else level1.raw,  # `_level2_elsewhere`'s
                                       None if level2 is None else level2.raw, item.level1))  # memo, asked here
            clash = known[1] if known is not None and known[0] is profile else _level2_elsewhere(profile, item)
        if clash:
            said = _said(item)
            out.append(Finding(str(params.message_level2).format_map(said), level2, item.field, facts=said))
            continue
        if key.endswith(words) and item.level1 != satisfaction and item.level1 is not None \
                and not _label_lost(params, ctx, item):
            said = _said(item)
            out.append(Finding(params.message.format_map(said), indicator.name, item.field, facts=said))
    return out


def _said(item: ResolvedIndicator) -> dict[str, str]:
    level1_label = cell_text(item.indicator.level1)
    level2_label = cell_text(item.indicator.level2)
    return {"name": item.name, "level": level1_label or level2_label, "level1": level1_label, "level2": level2_label}


_ELSEWHERE: dict[tuple[object, ...], tuple[Profile, bool]] = {}


def _level2_elsewhere(profile: Profile, item: ResolvedIndicator) -> bool:
    """Whether the row's printed 二级 belongs to another 一级 than its printed (or resolved) one: a function of
    the profile, the two labels' texts and the resolved 一级, remembered across forms (a template's labels
    recur). Bounded."""
    indicator = item.indicator
    level1, level2 = indicator.level1, indicator.level2
    key = (id(profile), None if level1 is None else level1.raw, None if level2 is None else level2.raw, item.level1)
    known = _ELSEWHERE.get(key)
    if known is not None and known[0] is profile:
        return known[1]
    level1_label, level2_label = cell_text(level1), cell_text(level2)
    own = profile.level1_key(level1_label) if level1_label else item.level1
    answer = False
    if level2_label and own is not None:
        found = profile.level2_key(level2_label, own)
        answer = found is not None and found[0] != own
    if len(_ELSEWHERE) >= CACHE_ENTRIES:
        make_room(_ELSEWHERE)
    _ELSEWHERE[key] = (profile, answer)  # the profile kept alive: its id is not reused while this is here
    return answer


def _label_lost(params: Params, ctx: FormContext, item: ResolvedIndicator) -> bool:
    """A row that only carries on the levels of the row before, right before a row that prints a satisfaction
    level: its own label was lost to a page break (it belongs to the level that follows), so it is not misplaced."""
    if item.index == 0 or item.index + 1 >= len(ctx.resolved):
        return False
    before, row, after = (ctx.resolved[item.index + step].indicator for step in (-1, 0, 1))
    if row.level1 is not before.level1 or row.level2 is not before.level2:
        return False  # the row has labels of its own
    printed = [name_key(cell.text) for cell, above in ((after.level1, row.level1), (after.level2, row.level2))
               if cell is not None and cell is not above]
    words = [name_key(word) for word in ctx.vocabulary(params.vocabulary)]
    return any(word in label for label in printed for word in words)
