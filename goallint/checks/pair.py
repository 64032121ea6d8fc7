"""Check kind `pair`: the 实施周期 and 年度 values of one indicator must agree (GL310).

Two tests: the two values carry incompatible units (percent against a count, money per year against money
per person …), and, on a multi-year project, an annual cumulative count above the period's target.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict

from goallint.checks import value_facts as facts
from goallint.checks.base import Finding, FormContext, ResolvedIndicator
from goallint.checks.fields import parse_year
from goallint.model import Cell, Model, cell_text
from goallint.values.types import Bound, Quantity

PERSONS = frozenset({"人", "名"})


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["pair"] = "pair"
    units: bool = True
    """Report two values whose units are of different dimensions."""
    cumulative: bool = True
    """Report, on a multi-year project, an annual count target above the period target."""


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
            yield (f"指标“{name}”的实施周期指标值“{period.text}”与年度指标值“{annual.text}”单位不一致"
                   f"（{p.unit or '无单位'} 与 {a.unit or '无单位'}）")
            return
        cumulative = params.cumulative and multi_year and len(left) == 1 and _same_count(p.unit, a.unit)
        low_period, low_annual = _target(p), _target(a)
        if cumulative and low_period is not None and low_annual is not None and low_annual > low_period:
            yield (f"指标“{name}”的年度指标值“{annual.text}”大于实施周期指标值“{period.text}”："
                   "多年期项目的年度目标不应超过整个实施周期的目标")
            return


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    multi_year = _multi_year(ctx)
    for item in ctx.selected():
        period, annual = item.indicator.period_value, item.indicator.annual_value
        if period is None or annual is None or period.is_empty or annual.is_empty:
            continue
        for message in _findings(params, item, period, annual, multi_year):
            yield Finding(message, annual, item.field)
