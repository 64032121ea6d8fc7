"""Property tests: the fast paths of the budget arithmetic answer as the general code does (a whole number
formatted from its digits, an interval made without the frozen guards, a cell's money flags)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from goallint.arith.interval import Interval
from goallint.arith.money import format_number
from goallint.arith.readings import amounts
from goallint.checks.reconcile import cell_money
from goallint.model import Cell
from goallint.values import parse_value
from goallint.values.units import is_money


def _rounded(number: Decimal, places: int) -> str:
    """`format_number` without its whole-number path (the general rounding and stripping)."""
    if number.is_infinite():
        return "∞"
    if not number.is_finite() or number.adjusted() > 30:
        return f"{number:.6g}"
    with localcontext(prec=64):
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places >= 0 else number
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@given(st.integers(min_value=-10**35, max_value=10**35) | st.decimals(allow_nan=False, places=3)
       | st.decimals(allow_nan=False), st.integers(min_value=0, max_value=4))
def test_format_number_whole_numbers_as_rounded(number: int | Decimal, places: int) -> None:
    value = Decimal(number)
    assert format_number(value, places) == _rounded(value, places)


ENDS = st.decimals(min_value=0, max_value=10**12, allow_nan=False, allow_infinity=False) | st.just(Decimal("Infinity"))


@given(ENDS, ENDS, st.booleans(), st.booleans())
def test_made_interval_is_the_constructed_one(lo: Decimal, hi: Decimal, lo_open: bool, hi_open: bool) -> None:
    made, built = Interval.made(lo, hi, lo_open, hi_open), Interval(lo, hi, lo_open, hi_open)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)


VALUES = st.sampled_from(["3500元/月/人", "≥120份", "约500人/年", "10.3万元/人/年", "良好", "≤9万元", "1-2万元",
                          "23名党建组织员", "每村10万元/年", "≥95%", "2人、3000元"])


@given(VALUES, st.sampled_from(["", " ", "共", "（预计）"]))
def test_cell_money_flags_follow_the_amounts(value: str, extra: str) -> None:
    raw = extra + value
    found = amounts(parse_value(raw))
    money = [a for a in found if is_money(a.unit)]
    read = cell_money(raw)
    assert read.money == bool(money) and read.rate == any(a.unit.per for a in money)
    assert [(a.op, a.value, a.unit) for a in read.amounts] == [(a.op, a.value, a.unit) for a in found]
    assert read.money <= ("元" in Cell(raw).text)  # what lets a cell without 元 skip the parse
