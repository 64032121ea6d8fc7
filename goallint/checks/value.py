"""Check kind `value`: predicates on the typed value of each indicator value cell .

A rule lists `cases`; each case narrows the indicators (a selector, name vocabularies) and states a `when`
predicate (see `value_when`). The first case that holds for a cell reports it, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import field as dc_field
from dataclasses import fields
from functools import lru_cache
from typing import Any, Literal

from goallint.checks.support.base import (
    COLUMN_NAMES,
    Column,
    Finding,
    FormContext,
    ResolvedIndicator,
    Selector,
    check_messages,
    name_key,
)
from goallint.checks.support.patterns import check_pattern
from goallint.checks.support.value_when import Subject, When, holds
from goallint.model import Cell, cell_text
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT, before
from goallint.values import normalize, parse_value
from goallint.values.bounds import excerpt

PLACEHOLDERS = {"message": ("name", "value", "column", "level2")}
FACTS = (*PLACEHOLDERS["message"], "note")
"""What each finding gives a rule's `group.item`: its message's placeholders and its case's `note`."""
_TRAILING = re.compile(r"[.。，,、；;:：\s]+$")


@record(kw_only=True)
class Case:
    """Which indicators (beyond the rule's `where`) and which values make a finding, and its message."""

    __pydantic_config__ = STRICT

    where_any: list[Selector] | None = None
    """The indicator must match one of these selectors (levels are canonical keys, `name` a regex)."""
    name_vocabulary: str | None = None
    """The 三级 name must end with (`name_at: end`) or contain (`anywhere`) a word of this vocabulary."""
    name_not_vocabulary: str | None = None
    name_at: Literal["end", "anywhere"] = "end"
    when: When
    message: str
    """Chinese, with `{name}` (三级 name), `{value}` (the cell's text), `{column}` (实施周期/年度), `{level2}`."""
    note: str = ""
    """A few words on what this case found (`只设上限`), for a rule whose cases say different things: the
    `{note}` a grouped finding's item can name (`group.item`)."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)
        for selector in self.where_any or []:
            for pattern in (selector.name, selector.name_not):
                if pattern:
                    check_pattern(pattern)


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["value"] = "value"
    cases: list[Case] = dc_field(metadata={"min_length": 1})
    used_vocabulary: list[str] = dc_field(default_factory=list)
    """Filled from the cases: every vocabulary they name (so that the pack loader checks them)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return before(cls._single_case, handler, source)

    @staticmethod
    def _single_case(data: Any) -> Any:
        """`when`/`message` (and name keys) at the top stand for a single case."""
        if isinstance(data, dict) and "cases" not in data and "when" in data:
            keys = {item.name for item in fields(Case)}
            case = {k: v for k, v in data.items() if k in keys}
            return {**{k: v for k, v in data.items() if k not in keys}, "cases": [case]}
        return data

    def __post_init__(self) -> None:
        names = {n for case in self.cases for n in (case.name_vocabulary, case.name_not_vocabulary) if n}
        names.update(n for case in self.cases for n in case.when.vocabulary_names())
        self.used_vocabulary = sorted(names)


def _name_hits(key: str, words: list[str], at: str) -> bool:
    return _hits(key, tuple(words), at)


@lru_cache(maxsize=CACHE_ENTRIES)
def _hits(key: str, words: tuple[str, ...], at: str) -> bool:
    return any(key.endswith(word) if at == "end" else word in key for word in words)


_WHENS: dict[int, When] = {}
"""Every `When` an answer was remembered for, kept alive so that its id is never reused while answers
keyed by it exist (a few hundred at most: the predicates of the loaded packs)."""


class _Judged:
    """A value cell's subject and the answers of the predicates asked about it so far (by `When` id)."""

    __slots__ = ("vocabularies", "subject", "answers")

    def __init__(self, vocabularies: dict[str, list[str]], subject: Subject) -> None:
        self.vocabularies = vocabularies
        self.subject = subject
        self.answers: dict[int, bool] = {}

    def holds(self, when: When) -> bool:
        key = id(when)
        answer = self.answers.get(key)
        if answer is None or _WHENS.get(key) is not when:
            answer = self.answers[key] = holds(when, self.subject)
            _WHENS[key] = when
        return answer


_JUDGED: dict[str, _Judged] = {}


def _judged(raw: str, ctx: FormContext) -> _Judged:
    """The subject of a value cell, shared by every value rule and form of a run with the same vocabularies
    (values repeat: the 20,158 value cells of 1,189 synthetic forms hold 3,724 distinct texts). Bounded."""
    vocabularies = ctx.vocabularies
    judged = _JUDGED.get(raw)
    if judged is not None and judged.vocabularies is vocabularies:
        return judged
    if len(_JUDGED) >= CACHE_ENTRIES:
        _JUDGED.clear()
        _WHENS.clear()
    subject = Subject(parse_value(raw), normalize(raw).text, lambda name: vocabularies.get(name, []))
    judged = _JUDGED[raw] = _Judged(vocabularies, subject)
    return judged


_CASES: dict[tuple[int, int, int, str | None, str | None, str], tuple[Any, ...]] = {}
"""The cases of a rule that apply to an indicator, by the ids of the rule's params, the profile and the
vocabularies (each kept in the entry) and the indicator's resolved levels and name: rows recur across forms."""


def _cases(params: Params, ctx: FormContext, item: ResolvedIndicator) -> tuple[Case, ...]:
    key = (id(params), id(ctx.profile), id(ctx.vocabularies), item.level1, item.level2, item.name)
    known = _CASES.get(key)
    if known is not None and known[0] is params and known[1] is ctx.profile and known[2] is ctx.vocabularies:
        cases: tuple[Case, ...] = known[3]
        return cases
    if len(_CASES) >= CACHE_ENTRIES:
        _CASES.clear()
    name = _TRAILING.sub("", name_key(item.name))
    cases = tuple(case for case in params.cases if _applies(case, ctx, item, name))
    _CASES[key] = (params, ctx.profile, ctx.vocabularies, cases)
    return cases


def _applies(case: Case, ctx: FormContext, item: ResolvedIndicator, name: str) -> bool:
    """Whether a case looks at an indicator (beyond the rule's `where`): its selectors and name vocabularies."""
    if case.where_any is not None and not any(ctx.picks(selector, item) for selector in case.where_any):
        return False
    if case.name_vocabulary and not _name_hits(name, ctx.vocabulary(case.name_vocabulary), case.name_at):
        return False
    return not (case.name_not_vocabulary
                and _name_hits(name, ctx.vocabulary(case.name_not_vocabulary), "anywhere"))


def facts_of(case: Case, item: ResolvedIndicator, column: Column, cell: Cell) -> dict[str, str]:
    """What a finding of `case` on a value cell is said from (`FACTS`)."""
    return {
        "note": case.note,
        "name": item.name or cell_text(item.indicator.level2),
        "value": excerpt(cell.text, 200),  # a million-digit value is not echoed whole
        "column": COLUMN_NAMES[column],
        "level2": cell_text(item.indicator.level2),
    }


ValueCells = tuple[tuple[Column, Cell, _Judged], ...]


def _value_cells(ctx: FormContext) -> list[tuple[ResolvedIndicator, ValueCells]]:
    """Each indicator with a non-empty value cell, with those cells (column, cell, subject): worked out once per
    form for all value rules, each of which then only asks its predicates."""
    cells: list[tuple[ResolvedIndicator, ValueCells]] | None = ctx.memo.get("value")
    if cells is None:
        cells = ctx.memo["value"] = [
            (item, tuple((column, cell, _judged(cell.raw, ctx)) for column, cell in filled))
            for item in ctx.resolved if (filled := item.value_cells())]
    return cells


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    columns = ctx.where.columns
    chosen = None if ctx.where.picks_all else {id(item) for item in ctx.selected()}
    for item, cells in _value_cells(ctx):
        if chosen is not None and id(item) not in chosen:
            continue
        cases = _cases(params, ctx, item)
        if not cases:  # most rules look at some kinds of indicator only: the others' cells are not visited
            continue
        for column, cell, judged in cells:
            if column in columns:
                for case in cases:
                    if judged.holds(case.when):
                        facts = facts_of(case, item, column, cell)
                        yield Finding(case.message.format_map(facts), cell, item.field, facts=facts)
                        break
