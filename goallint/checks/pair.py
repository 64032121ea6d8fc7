"""Check kind `pair`: the 实施周期 and 年度 values of one indicator must agree.

Two tests: the two values carry incompatible units (percent against a count, money per year against money
per person …), and, on a multi-year project, an annual cumulative count above the period's target.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NamedTuple

from goallint.checks.support import value_facts as facts
from goallint.checks.support.base import Finding, FormContext, check_messages
from goallint.checks.support.fields import period_years
from goallint.plumbing.memo import Memo
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT
from goallint.values import parse_value
from goallint.values.types import Bound, Compound, Quantity, Range, Value

PERSONS = frozenset({"人", "名"})


_CELLS = ("name", "period", "annual")
PLACEHOLDERS = {"message_units": (*_CELLS, "period_unit", "annual_unit"), "message_cumulative": _CELLS}
"""`{name}` the 三级 name, `{period}` / `{annual}` the two values as written; `message_units` (with `units`):
their units differ, `{period_unit}` / `{annual_unit}` (or `no_unit` when a value has none);
`message_cumulative` (with `cumulative`): the annual target is above the period's."""


@record(kw_only=True)
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
    if ctx.form.kind != "project":
        return False
    start, end = period_years(ctx.form)
    return start is not None and end is not None and end > start


class _Verdict(NamedTuple):
    """What two values of a row say, whatever the rule's switches: the first item pair whose units are of
    different dimensions (their units), and whether the annual target counts above the period's (one item
    each, the same count)."""

    units: tuple[str, str] | None
    exceeds: bool


_FINE = _Verdict(None, False)


def _judge(left: _Items, right: _Items) -> _Verdict:
    """The verdict on two values made of numbers, item for item (period, annual)."""
    units = None
    for p, a in zip(left.units, right.units, strict=True):
        if _UNITS[p, a][0]:
            units = (p, a)
            break
    exceeds = False
    if len(left.units) == 1 and _UNITS[left.units[0], right.units[0]][1]:
        exceeds = left.target is not None and right.target is not None and right.target > left.target
    return _FINE if units is None and not exceeds else _Verdict(units, exceeds)


class _Items(NamedTuple):
    """What a verdict reads of a value made of numbers: each item's unit, and the target of its one item
    (`_target`; None with several items)."""

    units: tuple[str, ...]
    target: Decimal | None


def _items_of(raw: str) -> _Items | None:
    """The `_Items` of a value's raw text, None when it has no item or one is not a number."""
    items = _numeric_items(parse_value(raw))
    if not items:
        return None
    return _Items(tuple(item.unit for item in items), _target(items[0]) if len(items) == 1 else None)


_ITEMS: Memo[str, _Items | None] = Memo(_items_of)
"""`_items_of` per raw text: what a verdict reads of a value, so that a new pair of texts (most pairs are met
once) costs a few look-ups."""
_UNITS: Memo[tuple[str, str], tuple[bool, bool]] = Memo(
    lambda units: (incompatible(*units), _same_count(*units)))
"""(`incompatible`, `_same_count`) per pair of units (a form uses a handful)."""


_NUMERIC = (Quantity, Bound, Range)


def _numeric_items(value: Value) -> list[facts.Numeric] | None:
    """The items of a value when every one is a number (None when some is not)."""
    if not isinstance(value, Compound):
        return [value] if isinstance(value, _NUMERIC) else None
    items = list(facts.leaves(value))
    numeric = [item for item in items if isinstance(item, _NUMERIC)]
    return numeric if len(numeric) == len(items) else None


def run(params: Params, ctx: FormContext) -> list[Finding]:
    out = []
    multi_year: bool | None = None
    items = _ITEMS
    for item in ctx.selected():
        filled = item.filled_values  # the non-empty ones, period then annual
        if len(filled) != 2:
            continue
        period, annual = filled[0][1], filled[1][1]
        if period.raw == annual.raw:  # one value twice: the same units, the same target (`_judge` finds nothing)
            continue
        left = items[period.raw]
        if left is None:
            continue
        right = items[annual.raw]
        if right is None or len(left.units) != len(right.units):
            continue  # compare only values made of numbers item for item
        verdict = _judge(left, right)
        if verdict is _FINE:
            continue
        if params.units and verdict.units is not None:
            period_unit, annual_unit = verdict.units
            message = str(params.message_units).format(name=item.name, period=period.text, annual=annual.text,
                                                       period_unit=period_unit or params.no_unit,
                                                       annual_unit=annual_unit or params.no_unit)
        elif params.cumulative and verdict.exceeds:
            if multi_year is None:
                multi_year = _multi_year(ctx)
            if not multi_year:
                continue
            message = str(params.message_cumulative).format(name=item.name, period=period.text, annual=annual.text)
        else:
            continue
        out.append(Finding(message, annual, item.field))
    return out
