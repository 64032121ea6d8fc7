"""Check kind `value`: predicates on the typed value of each indicator value cell .

A rule lists `cases`; each case narrows the indicators (a selector, name vocabularies) and states a `when`
predicate (see `value_when`). The first case that holds for a cell reports it, once.

A form's value rules share one pass over its indicators (`_form_pass`, made by the first of them that runs):
per indicator, which rules look at it; per value cell, which of those report it, remembered per value text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import field as dc_field
from dataclasses import fields
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from goallint.checks.support.base import (
    COLUMN_NAMES,
    Column,
    Finding,
    FormContext,
    ResolvedIndicator,
    Selector,
    check_messages,
    made_finding,
    name_key,
)
from goallint.checks.support.patterns import check_pattern
from goallint.checks.support.value_when import Subject, When
from goallint.model import Cell, cell_text
from goallint.plumbing.memo import make_room
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


class _Judged:
    """A value cell's subject, and what holds for it: which case of a case list first holds (by the list's
    identity), and which rules of a `Row` report it, with which case (by the row's identity)."""

    __slots__ = ("vocabularies", "subject", "verdicts", "fired")

    def __init__(self, vocabularies: dict[str, list[str]], subject: Subject) -> None:
        self.vocabularies = vocabularies
        self.subject = subject
        self.verdicts: dict[int, tuple[tuple[Case, ...], Case | None]] = {}
        self.fired: dict[int, tuple[Row, Fired]] = {}

    def first(self, cases: tuple[Case, ...]) -> Case | None:
        """The first of `cases` whose predicate holds; remembered in `verdicts` by the list's id (`_run_alone`
        looks there first), the entry keeping the list alive so that its id is not reused while the answer is
        here. The lists are a rule's, interned by `_Plan`."""
        known = self.verdicts.get(id(cases))
        if known is not None and known[0] is cases:
            return known[1]
        subject = self.subject
        found = next((case for case in cases if case.when.predicate(subject)), None)
        self.verdicts[id(cases)] = (cases, found)
        return found

    def fire(self, row: Row) -> Fired:
        """The rules of `row` that report this value, each with its case and columns; remembered in `fired` by
        the row's id (the entry keeping the row alive). The rows are interned by `_Roster`."""
        verdicts, subject = self.verdicts, self.subject
        fired = []
        for slot, cases, columns in row:
            known = verdicts.get(id(cases))
            if known is not None and known[0] is cases:
                case = known[1]
            else:  # `first`, inline: a new value meets every case list of its row
                case = None
                for candidate in cases:
                    if candidate.when.predicate(subject):
                        case = candidate
                        break
                verdicts[id(cases)] = (cases, case)
            if case is not None:
                fired.append((slot, case, columns))
        found = tuple(fired)
        self.fired[id(row)] = (row, found)
        return found


_JUDGED: dict[str, _Judged] = {}


def _judged(raw: str, ctx: FormContext) -> _Judged:
    """The subject of a value cell, shared by every value rule and form of a run with the same vocabularies
    (values repeat: a template's standard targets recur on form after form). Bounded."""
    vocabularies = ctx.vocabularies
    judged = _JUDGED.get(raw)
    if judged is not None and judged.vocabularies is vocabularies:
        return judged
    if len(_JUDGED) >= CACHE_ENTRIES:
        make_room(_JUDGED)
    subject = Subject(parse_value(raw), normalize(raw).text, lambda name: vocabularies.get(name, []))
    judged = _JUDGED[raw] = _Judged(vocabularies, subject)
    return judged


ItemKey = tuple[str | None, str | None, str]
"""What decides which cases of a rule look at an indicator, under one profile: its resolved levels and name."""


class _Plan:
    """One rule's cases under one profile and vocabularies: which of them look at an indicator, by its `ItemKey`
    (rows recur across forms), the rule's `where` included. Equal case lists are one tuple, so that a value's
    verdict on them (`_Judged.first`) is shared by every indicator they apply to."""

    __slots__ = ("params", "where", "profile", "vocabularies", "by_item", "interned")

    def __init__(self, params: Params, where: Selector, ctx: FormContext) -> None:
        self.params = params
        self.where = where
        self.profile = ctx.profile
        self.vocabularies = ctx.vocabularies
        self.by_item: dict[ItemKey, tuple[Case, ...]] = {}
        self.interned: dict[tuple[int, ...], tuple[Case, ...]] = {}

    def cases(self, key: ItemKey, item: ResolvedIndicator, ctx: FormContext) -> tuple[Case, ...]:
        known = self.by_item.get(key)
        if known is not None:
            return known
        if len(self.by_item) >= CACHE_ENTRIES:
            make_room(self.by_item)
        where = self.where
        if where.picks_all or ctx.picks(where, item):
            name = _TRAILING.sub("", name_key(item.name))
            chosen = tuple(i for i, case in enumerate(self.params.cases) if _applies(case, ctx, item, name))
        else:
            chosen = ()
        cases = self.interned.get(chosen)
        if cases is None:
            cases = self.interned[chosen] = tuple(self.params.cases[i] for i in chosen)
        self.by_item[key] = cases
        return cases


_PLANS: dict[tuple[int, int, int, int], _Plan] = {}
"""By the ids of the rule's params and `where`, the profile and the vocabularies (each kept in the plan, so
that no id is reused while its plan is here): a few per rule."""


def _plan(params: Params, where: Selector, ctx: FormContext) -> _Plan:
    key = (id(params), id(where), id(ctx.profile), id(ctx.vocabularies))
    plan = _PLANS.get(key)
    if plan is not None and plan.params is params and plan.where is where and plan.profile is ctx.profile \
            and plan.vocabularies is ctx.vocabularies:
        return plan
    if len(_PLANS) >= CACHE_ENTRIES:
        make_room(_PLANS)
    plan = _PLANS[key] = _Plan(params, where, ctx)
    return plan


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


Row = tuple[tuple[int, tuple[Case, ...], list[Column]], ...]
"""The rules of a `_Roster` that look at an indicator: (the rule's slot, its cases for it, its columns)."""
Fired = tuple[tuple[int, Case, list[Column]], ...]
"""The rules of a `Row` that report a value: (slot, the first case that holds, the rule's columns)."""
SaidKey = tuple[str | None, str | None, str, str | None, Column, str]
"""An indicator's `ItemKey`, its 二级 cell's raw text, a value cell's column and raw text."""
Said = tuple[tuple[int, str, dict[str, str]], ...]
"""The rules that report a value cell: (slot, the finding's message, its facts)."""


class _Roster:
    """The value rules that forms of one kind run under one profile and vocabularies, learnt as the engine runs
    them, each in a slot; and by `ItemKey`, the `Row` of those that look at an indicator (rows recur across
    forms; equal rows are one tuple, so that a value's `_Judged.fire` on it is shared by every such row)."""

    __slots__ = ("profile", "vocabularies", "plans", "slots", "rows", "interned", "said")

    def __init__(self, profile: object, vocabularies: dict[str, list[str]]) -> None:
        self.profile = profile
        self.vocabularies = vocabularies
        self.plans: list[_Plan] = []
        self.slots: dict[tuple[int, int], int] = {}
        """By the ids of a rule's params and `where` (both kept alive by its plan)."""
        self.rows: dict[ItemKey, Row] = {}
        self.interned: dict[tuple[tuple[int, int], ...], Row] = {}
        self.said: dict[SaidKey, Said] = {}
        """What the rules report of one value cell, by all it depends on (`SaidKey`): see `reports`."""

    def learn(self, params: Params, where: Selector, ctx: FormContext) -> None:
        if len(self.plans) >= _ROSTER_RULES:
            self.plans.clear()
            self.slots.clear()
        self.slots[(id(params), id(where))] = len(self.plans)
        self.plans.append(_plan(params, where, ctx))
        self.rows.clear()  # every row, and what it reports, is over the rules known when it was made
        self.said.clear()

    def reports(self, key: SaidKey, row: Row, item: ResolvedIndicator, column: Column, cell: Cell,
                ctx: FormContext) -> Said:
        """The rules of `row` (the indicator's) that report this value cell, each with its message and facts:
        a function of the indicator's `ItemKey` (which decides its row), its 二级 label as written, the column
        and the cell's raw text, under this roster's rules, profile and vocabularies. Remembered by those."""
        judged = _judged(cell.raw, ctx)
        known = judged.fired.get(id(row))
        fired = known[1] if known is not None and known[0] is row else judged.fire(row)
        said: Said = ()
        for slot, case, columns in fired:  # most values fire no rule
            if column in columns:
                message, facts = _said(case, item, column, cell)
                said = (*said, (slot, message, facts))
        if len(self.said) >= CACHE_ENTRIES:
            make_room(self.said)
        self.said[key] = said
        return said

    def row(self, key: ItemKey, item: ResolvedIndicator, ctx: FormContext) -> Row:
        if len(self.rows) >= CACHE_ENTRIES:
            make_room(self.rows)
        entries = []
        for slot, plan in enumerate(self.plans):
            cases = plan.cases(key, item, ctx)
            if cases:
                entries.append((slot, cases, plan.where.columns))
        identity = tuple((slot, id(cases)) for slot, cases, _ in entries)
        row = self.interned.get(identity)
        if row is None:
            if len(self.interned) >= CACHE_ENTRIES:
                make_room(self.interned)
            row = self.interned[identity] = tuple(entries)
        self.rows[key] = row
        return row


_ROSTER_RULES = 1024
"""A roster forgets its rules beyond this many (engines of other rule packs in one process) and learns anew."""
_ROSTERS: dict[tuple[str, int, int], _Roster] = {}
"""By form kind and the ids of the profile and the vocabularies (kept in the roster). Bounded."""


def _roster(ctx: FormContext) -> _Roster:
    profile, vocabularies = ctx.profile, ctx.vocabularies
    key = (ctx.form.kind, id(profile), id(vocabularies))
    roster = _ROSTERS.get(key)
    if roster is None or roster.profile is not profile or roster.vocabularies is not vocabularies:
        if len(_ROSTERS) >= CACHE_ENTRIES:
            make_room(_ROSTERS)
        roster = _ROSTERS[key] = _Roster(profile, vocabularies)
    return roster


class _FormFindings(NamedTuple):
    """What one pass over a form found for every rule its roster knew then, by slot."""

    roster: _Roster
    found: list[list[Finding]]


_NOTHING: list[Finding] = []
"""The findings of a rule that found nothing in a form (shared: never appended to)."""


def _form_pass(ctx: FormContext) -> _FormFindings:
    """Every known value rule's findings in the form, in one pass over its indicators: per indicator, its row
    (which rules look at it, with which cases) and per value cell, which of them report it (`_Judged.fire`)."""
    roster = _roster(ctx)
    found = [_NOTHING] * len(roster.plans)
    rows, said = roster.rows, roster.said
    for item in ctx.resolved:
        filled = item.filled_values
        if not filled:
            continue
        level1, level2, name = key = (item.level1, item.level2, item.name)
        row = rows.get(key)
        if row is None:
            row = roster.row(key, item, ctx)
        if not row:  # an indicator no value rule looks at: its cells are not judged
            continue
        label = item.indicator.level2
        label_raw = None if label is None else label.raw
        field = None
        for column, cell in filled:
            reports = said.get((level1, level2, name, label_raw, column, cell.raw))
            if reports is None:
                reports = roster.reports((level1, level2, name, label_raw, column, cell.raw), row, item, column,
                                         cell, ctx)
            if not reports:
                continue
            if field is None:  # the indicator's path, asked once for its findings
                field = item.field
            for slot, message, facts in reports:
                finding = made_finding(message, cell, field, None, (), (), facts)
                if found[slot] is _NOTHING:
                    found[slot] = [finding]
                else:
                    found[slot].append(finding)
    return _FormFindings(roster, found)


_SAID: dict[tuple[int, str, str, str | None, str], tuple[Case, str, dict[str, str]]] = {}
"""A finding's message and facts, by the case's id (the case kept in the entry), the column, the 三级 name,
the 二级 cell's and the value cell's raw texts: all they are said from. Shared by the findings that say the
same (nothing changes a finding's facts: a merged finding gets new ones). Bounded."""


def _said(case: Case, item: ResolvedIndicator, column: Column, cell: Cell) -> tuple[str, dict[str, str]]:
    level2 = item.indicator.level2
    key = (id(case), column, item.name, None if level2 is None else level2.raw, cell.raw)
    known = _SAID.get(key)
    if known is not None and known[0] is case:
        return known[1], known[2]
    if len(_SAID) >= CACHE_ENTRIES:
        make_room(_SAID)
    facts = facts_of(case, item, column, cell)
    message = case.message.format_map(facts)
    _SAID[key] = (case, message, facts)
    return message, facts


def run(params: Params, ctx: FormContext) -> Iterable[Finding]:
    """The rule's findings in the form: from the form's one pass for all value rules (made by the first value
    rule the form runs); a rule the pass did not know yet, or every rule when the pass failed (a rule's
    error is then raised by that rule), runs alone, and the roster learns it for the next forms."""
    where = ctx.where
    memo: _FormFindings | None = ctx.memo.get("value")
    if memo is None:
        try:
            memo = _form_pass(ctx)
        except Exception:  # noqa: BLE001 - each rule runs alone instead, and reports its own error
            memo = _FormFindings(_roster(ctx), [])
        ctx.memo["value"] = memo
    roster = memo.roster
    slot = roster.slots.get((id(params), id(where)))
    if slot is not None and slot < len(memo.found):
        return memo.found[slot]
    if slot is None:
        roster.learn(params, where, ctx)
    return _run_alone(params, ctx)


ValueCells = tuple[tuple[Column, Cell, _Judged], ...]


def _value_cells(ctx: FormContext) -> list[tuple[ResolvedIndicator, ItemKey, ValueCells]]:
    """Each indicator with a non-empty value cell, its `ItemKey` and those cells (column, cell, subject): worked
    out once per form for the rules that run alone."""
    cells: list[tuple[ResolvedIndicator, ItemKey, ValueCells]] | None = ctx.memo.get("value alone")
    if cells is None:
        cells = ctx.memo["value alone"] = [
            (item, (item.level1, item.level2, item.name),
             tuple((column, cell, _judged(cell.raw, ctx)) for column, cell in filled))
            for item in ctx.resolved if (filled := item.value_cells())]
    return cells


def _run_alone(params: Params, ctx: FormContext) -> Iterator[Finding]:
    """One rule's findings in the form, by itself: what `_form_pass` gives each rule it knows."""
    columns = ctx.where.columns
    plan = _plan(params, ctx.where, ctx)
    for item, key, cells in _value_cells(ctx):
        cases = plan.cases(key, item, ctx)
        if not cases:
            continue
        for column, cell, judged in cells:
            if column in columns:
                case = judged.first(cases)
                if case is not None:
                    facts = facts_of(case, item, column, cell)
                    yield Finding(case.message.format_map(facts), cell, item.field, facts=facts)
