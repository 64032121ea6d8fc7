"""Check kind `goal_counts`: a count written in the goal text that the form's quantity indicators contradict.

The 年度目标 (and 实施周期总目标) often state the project's size: `该3名工作人员`, `开展各类党员培训活动21期`.
For each counting unit (名≡人, 期, 场, 次 …) the largest count the goal text gives is the project's total (a goal
that lists `增加2名 … 增加1名 … 该3名` means 3); a quantity indicator in the same unit, about the same
subject (its name shares two characters with the words around the count), whose target cannot hold that count
(`人员聘用数 2人`, `≥100期/年`) contradicts the goal. Counts after 第 (`第22次党委会`) are ordinals, not sizes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Literal

from goallint.arith.readings import Count, count_of, unit_key
from goallint.checks.support.base import Finding, FormContext, ResolvedIndicator, Selector, check_messages
from goallint.model import Cell
from goallint.plumbing.validation import STRICT
from goallint.values import parse_value

QUANTITY_LEVEL = Selector(level2=["quantity_level"])
GoalField = Literal["annual_goal", "period_goal"]
_COUNT = re.compile(r"(?<![第\d.])(\d{1,6})\s*(名|人次|人|期|场次|场|次|户|个村|个社区)(?![\d年月日号%％])")
_CONTEXT = 8
_HAN = re.compile(r"[\u4e00-\u9fff]")


PLACEHOLDERS = {"message": ("goal", "count", "name", "value")}


@dataclass(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["goal_counts"] = "goal_counts"
    goals: list[GoalField] = dc_field(default_factory=lambda: list[GoalField](["annual_goal", "period_goal"]))
    message: str
    """Chinese, with `{goal}` (the goal's label), `{count}` (as written, `3名`), `{name}` (the indicator),
    `{value}` (its target)."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


@dataclass(frozen=True, slots=True)
class GoalCount:
    """A count in the goal text: its number, its unit key (名 → 人), as written, and the words around it."""

    number: Decimal
    unit: str
    text: str
    around: str


def goal_counts(text: str) -> list[GoalCount]:
    """Every count of a goal text (not ordinals, years or document numbers)."""
    out = []
    for found in _COUNT.finditer(text):
        around = text[max(0, found.start() - _CONTEXT):found.end() + _CONTEXT]
        unit = unit_key(found.group(2).removeprefix("个"))
        out.append(GoalCount(Decimal(found.group(1)), unit, found.group(0), around))
    return out


def _bigrams(text: str) -> set[str]:
    han = "".join(_HAN.findall(text))
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _about(item: ResolvedIndicator, count: GoalCount) -> bool:
    """The indicator's name shares two characters with the words around the goal's count (not the unit)."""
    name = _bigrams(item.name) - {count.unit * 2}
    return bool(name & _bigrams(count.around))


def _targets(ctx: FormContext) -> Iterator[tuple[ResolvedIndicator, Cell, Count]]:
    for item in ctx.indicators(QUANTITY_LEVEL):
        filled = dict(item.value_cells())
        cell = filled.get("annual") or filled.get("period")
        if cell is None:
            continue
        for count in count_of(parse_value(cell.raw), item.name):
            if count.amount.unit.per in ((), ("年",)):
                yield item, cell, count


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    targets = list(_targets(ctx))
    if not targets:
        return
    for goal in params.goals:
        cell = getattr(ctx.form, goal, None)
        if not isinstance(cell, Cell) or cell.is_empty:
            continue
        counts = goal_counts(cell.text)
        if not counts:
            continue  # the annual goal speaks for the year; the period goal only when the annual one has no count
        largest: dict[str, GoalCount] = {}
        for count in counts:
            if count.unit not in largest or count.number > largest[count.unit].number:
                largest[count.unit] = count
        for count in largest.values():
            same = [(item, value, target) for item, value, target in targets
                    if target.base == count.unit and _about(item, count)]
            if not same or any(target.amount.interval.side(count.number, Decimal(0)) == "inside"
                               for _item, _value, target in same):
                continue
            item, value, _target = same[0]
            label = "年度目标" if goal == "annual_goal" else "实施周期总目标"
            yield Finding(params.message.format(goal=label, count=count.text, name=item.name, value=value.text),
                          value, item.field)
        return
