"""Check kind `names`: what a 三级 name says: a generic word (`generic`), a listed name (`listed`), misplacement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from goallint.checks.support.base import (
    Finding,
    FormContext,
    Placeholders,
    ResolvedIndicator,
    check_messages,
    name_key,
)
from goallint.checks.support.patterns import SafePattern, search
from goallint.model import cell_text
from goallint.plumbing.validation import STRICT

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


@dataclass(kw_only=True)
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


def _misplaced(params: Params, ctx: FormContext, item: ResolvedIndicator, words: list[str]) -> Iterator[Finding]:
    level1_label = cell_text(item.indicator.level1)
    level2_label = cell_text(item.indicator.level2)
    said = {"name": item.name, "level": level1_label or level2_label, "level1": level1_label, "level2": level2_label}
    own = ctx.profile.level1_key(level1_label) if level1_label else item.level1
    if level2_label and own is not None:
        found = ctx.profile.level2_key(level2_label, own)
        if found is not None and found[0] != own:
            yield Finding(str(params.message_level2).format_map(said), item.indicator.level2, item.field, facts=said)
            return
    name = name_key(item.name)
    if _label_lost(params, ctx, item):
        return
    if item.level1 != params.satisfaction_level and item.level1 is not None:
        word = next((w for w in words if name.endswith(w)), None)
        if word is not None:
            yield Finding(params.message.format_map(said), item.indicator.name, item.field, facts=said)


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


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    if params.test == "misplaced":
        for item in _named(params, ctx):
            yield from _misplaced(params, ctx, item, ctx.vocabulary(params.vocabulary))
        return
    for item, word in _hits(params, ctx):
        said = {"name": item.name, "word": word}
        yield Finding(params.message.format_map(said), item.indicator.name, item.field, facts=said)


def _named(params: Params, ctx: FormContext) -> Iterator[ResolvedIndicator]:
    """The selected indicators with a name the rule's `exempt` pattern does not spare."""
    exempt = params.exempt
    for item in ctx.selected():
        if name_key(item.name) and not (exempt and search(re.compile(exempt), item.name)):
            yield item


def _hits(params: Params, ctx: FormContext) -> Iterator[tuple[ResolvedIndicator, str]]:
    """Each indicator whose name is a generic word (`generic`) or holds a listed one (`listed`), with the word."""
    words = ctx.vocabulary(params.vocabulary)
    keys = {name_key(word) for word in words}
    for item in _named(params, ctx):
        name = name_key(item.name)
        word = name if params.test == "generic" and name in keys else None
        if params.test == "listed":
            word = next((w for w in words if w in name), None)
        if word is not None:
            yield item, word
