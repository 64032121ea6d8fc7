"""Property tests: the fast paths of the budget arithmetic answer as the general code does (a whole number
formatted from its digits, an interval made without the frozen guards, a cell's money flags, a plain number's
money, the skip of a text that cannot be a breakdown, the per-text memos of the count readers)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from goallint.arith.interval import Interval
from goallint.arith.money import format_number
from goallint.arith.readings import NOT_COUNTED, amounts, countable_in, money_in, read_money, unit_key
from goallint.checks import breakdown
from goallint.checks.goal_counts import _targets_in
from goallint.checks.reconcile import NO_MONEY, cell_money, money_of
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


PLAIN_TEXTS = st.from_regex(r"\A[0-9]{1,20}(\.[0-9]{1,20})?\Z") | st.integers(min_value=0, max_value=10**20).map(str)


@given(PLAIN_TEXTS, st.sampled_from([None, "元", "万元", "万"]), st.sampled_from(["元", "万元"]))
def test_read_money_of_a_plain_number_is_the_grammars(text: str, bare: str | None, unit: str) -> None:
    """A plain number is read without the grammar (every budget): the same amount, to the digit."""
    fast, slow = read_money(text, unit, bare), money_in(amounts(parse_value(text)), unit, bare)
    assert fast == slow and str(fast) == str(slow)


CELL_TEXTS = st.text(alphabet="0123456789.,万亿元()（）其中:：,，;；。约≤ 费用培训", max_size=30)


@given(CELL_TEXTS)
def test_breakdown_needs_a_bracket_or_among(text: str) -> None:
    """`breakdown_of` skips a text with neither a bracket nor 其中 before matching: its pattern needs one."""
    if "(" not in text and "（" not in text and "其中" not in text:
        assert breakdown._TOTAL.match(text.strip()) is None


@given(VALUES, st.sampled_from(["", " ", "共", "（预计）", "约"]))
def test_count_readers_by_raw_text_are_the_general_ones(value: str, extra: str) -> None:
    """The per-text memos of the count readers answer as reading the value does."""
    raw = extra + value
    found = [a for a in amounts(parse_value(raw)) if a.unit.base and a.unit.base not in NOT_COUNTED]
    assert list(countable_in(raw)) == found
    assert money_of(raw) == (cell_money(raw) if "元" in Cell(raw).text else NO_MONEY)
    assert _targets_in(raw) == tuple((unit_key(a.unit.base), a) for a in found if a.unit.per in ((), ("年",)))
