"""Check kind `pair`: the 实施周期 and 年度 values of one indicator must agree.

Two tests: the two values carry incompatible units (percent against a count, money per year against money
per person …), and, on a multi-year project, an annual cumulative count above the period's target.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from goallint.checks.support import value_facts as facts
from goallint.checks.support.base import Finding, FormContext, ResolvedIndicator, check_messages
from goallint.checks.support.fields import parse_year
from goallint.model import Cell, cell_text
from goallint.plumbing.validation import STRICT
from goallint.values.types import Bound, Quantity

PERSONS = frozenset({"人", "名"})


_CELLS = ("name", "period", "annual")
PLACEHOLDERS = {"message_units": (*_CELLS, "period_unit", "annual_unit"), "message_cumulative": _CELLS}
"""`{name}` the 三级 name, `{period}` / `{annual}` the two values as written; `message_units` (with `units`):
their units differ, `{period_unit}` / `{annual_unit}` (or `no_unit` when a value has none);
`message_cumulative` (with `cumulative`): the annual target is above the period's."""


@dataclass(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["pair"] = "pair"
    units: bool = True
    """Report two values whose units are of different dimensions."""
    cumulative: bool = True
    """Report, on a multi-year project, an annual count target above the period target."""
    message_units: str | None = None
    message_cumulative: str | None = None
    no_unit: str = ""
    """How `{period_unit}` / `{annual_unit}` name a value without a unit."""

    def __post_init__(self) -> None:
        off = [key for key in PLACEHOLDERS if not getattr(self, key.removeprefix("message_"))]
        check_messages(self, PLACEHOLDERS, optional=off)  # a test turned off needs no message


def incompatible(period: str, annual: str) -> bool:
    """Units of different dimensions; two counts are never compared (次 and 场 may count the same events)."""
    left, right = facts.unit_class(period), facts.unit_class(annual)
    if not left or not right:
        return False
    if left != right:
        return True
    return left == "money" and sorted(facts.unit_per(period)) != sorted(facts.unit_per(annual))


def _same_count(period: str, annual: str) -> bool:
    if facts.unit_class(period) != "count" or facts.unit_per(period) or facts.unit_per(annual):
        return False
    left, right = facts.unit_base(period), facts.unit_base(annual)
    return left == right or {left, right} <= PERSONS


def _target(leaf: facts.Numeric) -> Decimal | None:
    """The number an exact or at-least target asks for (None for caps and ranges)."""
    if isinstance(leaf, Quantity | Bound) and leaf.op in ("=", ">="):
        return leaf.value
    return None


def _multi_year(ctx: FormContext) -> bool:
    form = ctx.form
    if form.kind != "project":
        return False
    start = parse_year(cell_text(form.period_start))
    end = parse_year(cell_text(form.period_end))
    return start is not None and end is not None and end > start


def _findings(params: Params, item: ResolvedIndicator, period: Cell, annual: Cell, multi_year: bool) -> Iterator[str]:
    left, right = list(facts.numeric_leaves(period.value)), list(facts.numeric_leaves(annual.value))
    every = len(list(facts.leaves(period.value))) + len(list(facts.leaves(annual.value)))
    if not left or len(left) != len(right) or every != 2 * len(left):
        return  # compare only values made of numbers item for item
    name = item.name
    for p, a in zip(left, right, strict=True):
        if params.units and incompatible(p.unit, a.unit):
            yield str(params.message_units).format(name=name, period=period.text, annual=annual.text,
                                                   period_unit=p.unit or params.no_unit,
                                                   annual_unit=a.unit or params.no_unit)
            return
        cumulative = params.cumulative and multi_year and len(left) == 1 and _same_count(p.unit, a.unit)
        low_period, low_annual = _target(p), _target(a)
        if cumulative and low_period is not None and low_annual is not None and low_annual > low_period:
            yield str(params.message_cumulative).format(name=name, period=period.text, annual=annual.text)
            return


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    multi_year = _multi_year(ctx)
    for item in ctx.selected():
        period, annual = item.indicator.period_value, item.indicator.annual_value
        if period is None or annual is None or period.is_empty or annual.is_empty:
            continue
        for message in _findings(params, item, period, annual, multi_year):
            yield Finding(message, annual, item.field)
