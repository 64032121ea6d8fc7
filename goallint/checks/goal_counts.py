"""Check kind `goal_counts`: a count written in the goal text that the form's quantity indicators contradict.

The 年度目标 (and 实施周期总目标) often state the project's size: `该3名工作人员`, `开展各类党员培训活动21期`.
For each counting unit (名≡人, 期, 场, 次 …) the largest count the goal text gives is the project's total (a goal
that lists `增加2名 … 增加1名 … 该3名` means 3); a quantity indicator in the same unit, about the same
subject (its name shares two characters with the words around the count), whose target cannot hold that count
(`人员聘用数 2人`, `≥100期/年`) contradicts the goal. Counts after 第 (`第22次党委会`) are ordinals, not sizes.

`report: unmeasured` computes the other fact: the goal's counts in a unit that no indicator of the form
measures at all (no value, in any column, counts in that unit), so nothing in the table says whether the
size the goal promises was reached. A count after 每 (`每年1次`) is a frequency, and one after 人口/常住/户籍 (`户籍人口76户174人`)
describes the area: neither is a size the project delivers, and both are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import field as dc_field
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from goallint.arith.cells import money_of
from goallint.arith.readings import Amount, countable_in, unit_key
from goallint.checks.support.base import (
    Finding,
    FormContext,
    Placeholders,
    ResolvedIndicator,
    Selector,
    check_messages,
)
from goallint.model import Cell
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT
from goallint.values.units import is_money

QUANTITY_LEVEL = Selector(level2=["quantity_level"])
ANY_LEVEL = Selector()
COST_LEVEL = Selector(level2=["cost_level"])
_POPULATION = re.compile(r"人口|常住|户籍")
_BARE_UNIT = re.compile(r"^[≥≤<>=]*\s*万?(人次|人|名|期|场次|场|次|户|个)$")
GoalField = Literal["annual_goal", "period_goal"]
_COUNT = re.compile(r"(?<![第\d.])(\d{1,6})\s*(名|人次|人|期|场次|场|次|户|个村|个社区)(?![\d年月日号%％])")
_CONTEXT = 8


PLACEHOLDERS: dict[str, Placeholders] = {"contradicted": {"message": ("goal", "count", "name", "value")},
                "unmeasured": {"message": ("goal", "counts")}}
"""Per report, the message's placeholders."""
_FREQUENCY = re.compile(r"每[^\d]{0,2}$")


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["goal_counts"] = "goal_counts"
    report: Literal["contradicted", "unmeasured"] = "contradicted"
    """`contradicted`: a quantity indicator of the same unit and subject cannot hold the goal's count;
    `unmeasured`: no indicator counts in the unit of the goal's count."""
    skip_denominators: bool = True
    """`unmeasured`: leave out a unit that a cost standard divides by (`≤400元/人`): the budget arithmetic
    already asks for that quantity indicator, and uses the goal's count meanwhile."""
    goals: list[GoalField] = dc_field(default_factory=lambda: list[GoalField](["annual_goal", "period_goal"]))
    message: str
    """Chinese. `contradicted`: `{goal}` (the goal's label), `{count}` (as written, `3名`), `{name}` (the
    indicator), `{value}` (its target); `unmeasured`: `{goal}` and `{counts}` (the counts as written, joined)."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS[self.report])


@record(frozen=True, slots=True)
class GoalCount:
    """A count in the goal text: its number, its unit key (名 → 人), as written, and the words around it."""

    number: Decimal
    unit: str
    text: str
    around: str
    before: str = ""
    """The words just before the number (`每年` in `每年1次`, `户籍人口76户` before `174人`)."""


@lru_cache(maxsize=CACHE_ENTRIES)
def goal_counts(text: str) -> tuple[GoalCount, ...]:
    """Every count of a goal text (not ordinals, years or document numbers); remembered by the text (three
    rules of every project form ask it of the same goal)."""
    out = []
    for found in _COUNT.finditer(text):
        around = text[max(0, found.start() - _CONTEXT):found.end() + _CONTEXT]
        unit = unit_key(found.group(2).removeprefix("个"))
        before = text[max(0, found.start() - 12):found.start()]
        out.append(GoalCount(Decimal(found.group(1)), unit, found.group(0), around, before))
    return tuple(out)


def _bigrams(text: str) -> set[str]:
    # compared, not matched: a character class of the whole CJK block is slow to compile for a few short texts
    han = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _about(item: ResolvedIndicator, count: GoalCount) -> bool:
    """The indicator's name shares two characters with the words around the goal's count (not the unit)."""
    name = _bigrams(item.name) - {count.unit * 2}
    return bool(name & _bigrams(count.around))


@lru_cache(maxsize=CACHE_ENTRIES)
def _targets_in(raw: str) -> tuple[tuple[str, Amount], ...]:
    """The counts a quantity value offers as a target (a plain count or one per year), each with the unit key
    it counts in, remembered by the cell's raw text."""
    return tuple((unit_key(amount.unit.base), amount) for amount in countable_in(raw)
                 if amount.unit.per in ((), ("年",)))


def _targets(ctx: FormContext) -> Iterator[tuple[ResolvedIndicator, Cell, str, Amount]]:
    """Each count target of a quantity indicator (its annual value, else its period one): the indicator, the
    cell, the unit key and the amount."""
    for item in ctx.indicators(QUANTITY_LEVEL):
        filled = item.filled_values  # the non-empty ones, period then annual
        if filled:
            cell = filled[-1][1]
            for base, amount in _targets_in(cell.raw):
                yield item, cell, base, amount


def _goal_cells(params: Params, ctx: FormContext) -> tuple[tuple[str, Cell, Sequence[GoalCount]], ...]:
    """The goal whose counts speak for the form: the annual goal's, or the period goal's when the annual goal
    has none (label, cell, its counts); nothing when no goal has a count. Worked out once per form for the
    rules that read the same goals."""
    goals = tuple(params.goals)
    memo: dict[tuple[str, ...], tuple[tuple[str, Cell, Sequence[GoalCount]], ...]]
    memo = ctx.memo.setdefault("goal_counts", {})
    known = memo.get(goals)
    if known is None:
        known = memo[goals] = _first_counted(goals, ctx)
    return known


def _first_counted(goals: tuple[str, ...], ctx: FormContext) -> tuple[tuple[str, Cell, Sequence[GoalCount]], ...]:
    for goal in goals:
        cell = getattr(ctx.form, goal, None)
        if not isinstance(cell, Cell) or cell.is_empty:
            continue
        counts = goal_counts(cell.text)
        if counts:
            return ((("年度目标" if goal == "annual_goal" else "实施周期总目标"), cell, counts),)
    return ()


def _largest(counts: Sequence[GoalCount]) -> list[GoalCount]:
    """The largest count per unit (a goal that lists `增加2名 … 增加1名 … 该3名` means 3), in text order."""
    largest: dict[str, GoalCount] = {}
    for count in counts:
        if count.unit not in largest or count.number > largest[count.unit].number:
            largest[count.unit] = count
    return list(largest.values())


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    if params.report == "unmeasured":
        yield from _unmeasured(params, ctx)
        return
    for label, _cell, counts in _goal_cells(params, ctx):
        targets = list(_targets(ctx))  # asked only of a form whose goal states a count
        if not targets:
            return
        for count in _largest(counts):
            same = [(item, value, target) for item, value, base, target in targets
                    if base == count.unit and _about(item, count)]
            if not same or any(target.interval.side(count.number, Decimal(0)) == "inside"
                               for _item, _value, target in same):
                continue
            item, value, _target = same[0]
            yield Finding(params.message.format(goal=label, count=count.text, name=item.name, value=value.text),
                          value, item.field)


def _measured_units(ctx: FormContext) -> set[str]:
    """Every unit some indicator value of the form counts in (any level, either column). A value that is only
    its unit (`万人`, the number left blank) names what it measures: the blank is reported on its own."""
    units: set[str] = set()
    for item in ctx.indicators(ANY_LEVEL):
        for _column, cell in item.filled_values:
            units.update(_units_measured(cell.raw))
    return units


@lru_cache(maxsize=CACHE_ENTRIES)
def _units_measured(raw: str) -> frozenset[str]:
    """The units one value cell counts in (`_measured_units`), remembered by its raw text."""
    units = {unit_key(amount.unit.base) for amount in countable_in(raw)}
    bare = _BARE_UNIT.match(Cell(raw).text.strip())
    if bare is not None:
        units.add(unit_key(bare.group(1)))
    return frozenset(units)


def _denominators(ctx: FormContext) -> set[str]:
    """Every unit a cost standard of the form divides by (`≤400元/人` → 人)."""
    units: set[str] = set()
    for item in ctx.indicators(COST_LEVEL):
        for _column, cell in item.filled_values:
            units.update(_divided_by(cell.raw))
    return units


@lru_cache(maxsize=CACHE_ENTRIES)
def _divided_by(raw: str) -> frozenset[str]:
    """The units the money amounts of one value cell divide by, remembered by its raw text (its money read as
    budget arithmetic reads it: once for this and `reconcile`)."""
    return frozenset(unit_key(part) for amount in money_of(raw).amounts if is_money(amount.unit)
                     for part in amount.unit.per)


def _unmeasured(params: Params, ctx: FormContext) -> Iterator[Finding]:
    if not ctx.form.indicators:
        return  # no indicator table at all is reported on its own
    for label, cell, counts in _goal_cells(params, ctx):
        sizes = [count for count in counts if not _FREQUENCY.search(count.before)
                 and not _POPULATION.search(count.before)]
        if not sizes:
            return
        measured = _measured_units(ctx)
        if params.skip_denominators:
            measured |= _denominators(ctx)
        unmeasured = [count for count in _largest(sizes) if count.unit not in measured]
        if unmeasured:
            shown = "、".join(f"“{count.text}”" for count in unmeasured)
            yield Finding(params.message.format(goal=label, counts=shown), cell, label)
