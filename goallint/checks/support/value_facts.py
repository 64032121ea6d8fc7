"""Facts about typed indicator values that the value check kinds share: leaves, units, numbers, words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from goallint.values.types import Bound, Compound, Deadline, Placeholder, Quantity, Range, Value

Numeric = Quantity | Bound | Range

_DIGIT = re.compile(r"[0-9０-９]")
_CHINESE_COUNT = re.compile(
    r"[一二两三四五六七八九十百千万]+\s*(?:个|名|人|次|场|期|份|册|件|项|家|户|村|所|批|套|台|辆|篇|条|本|天|月|年|宗|起|处)"
)
_MONEY_BASES = ("元",)
TIME_BASES = frozenset({"天", "日", "月", "年", "周", "季度", "小时", "分钟", "工作日"})


def leaves(value: Value) -> Iterator[Value]:
    """The value itself, or each item of a compound (recursively)."""
    if isinstance(value, Compound):
        for item in value.items:
            yield from leaves(item)
    else:
        yield value


def is_numeric(value: Value) -> bool:
    return isinstance(value, Quantity | Bound | Range)


def numeric_leaves(value: Value) -> Iterator[Numeric]:
    for leaf in leaves(value):
        if isinstance(leaf, Quantity | Bound | Range):
            yield leaf


def unit_base(unit: str) -> str:
    """`元/人/年` → `元`; `%` → `%`."""
    return unit.split("/", 1)[0]


def unit_per(unit: str) -> tuple[str, ...]:
    """Denominators in written order, `元/人·月` counted as `人`, `月`."""
    parts = unit.split("/")[1:]
    return tuple(piece for part in parts for piece in part.split("·") if piece)


def is_percent(unit: str) -> bool:
    return unit_base(unit) == "%"


def is_money(unit: str) -> bool:
    return unit_base(unit).endswith(_MONEY_BASES)


def is_time(unit: str) -> bool:
    return unit_base(unit) in TIME_BASES and not unit_per(unit)


def unit_class(unit: str) -> str:
    """A coarse dimension: percent, money, time, count (any other unit), or '' when there is no unit."""
    if not unit:
        return ""
    if is_percent(unit):
        return "percent"
    if is_money(unit):
        return "money"
    if is_time(unit):
        return "time"
    return "count"


def numbers(leaf: Numeric) -> tuple[Decimal, ...]:
    if isinstance(leaf, Range):
        return (leaf.low, leaf.high)
    return (leaf.value,)


def value_text(value: Value) -> str:
    """The words of a non-numeric value (qualitative, placeholder, text), '' otherwise."""
    text = getattr(value, "text", "")
    return text if isinstance(text, str) else ""


def has_number(value: Value, raw: str) -> bool:
    """Whether the value states any number: a numeric item, a dated deadline, digits or a counted Chinese numeral."""
    for leaf in leaves(value):
        if isinstance(leaf, Quantity | Bound | Range):
            return True
        if isinstance(leaf, Deadline) and (leaf.year or leaf.month or isinstance(leaf.day, int)):
            return True
    if isinstance(value, Placeholder):
        return False
    return bool(_DIGIT.search(raw) or _CHINESE_COUNT.search(raw))


def all_percent(value: Value) -> bool:
    """Every item of the value is a number in % (and there is at least one)."""
    items = list(leaves(value))
    return bool(items) and all(isinstance(i, Quantity | Bound | Range) and is_percent(i.unit) for i in items)
