"""Property tests: the fast paths of the budget arithmetic answer as the general code does (a whole number
formatted from its digits, an interval made without the frozen guards, a cell's money flags, a plain number's
money, the skip of a text that cannot be a breakdown, the per-text memos of the count readers)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from goallint.arith.cells import NO_MONEY, cell_money, money_of, money_read
from goallint.arith.interval import Interval
from goallint.arith.money import format_number
from goallint.arith.readings import (
    NOT_COUNTED,
    PER_UNITS,
    PLAIN_AMOUNT,
    amounts,
    countable,
    countable_in,
    money_in,
    read_amounts,
    read_money,
    unit_key,
)
from goallint.checks import breakdown
from goallint.checks.goal_counts import _divided_by, _targets_in
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


PLAIN_TEXTS = (st.from_regex(r"\A[0-9]{1,20}(\.[0-9]{1,20})?\Z") | st.integers(min_value=0, max_value=10**20).map(str)
               | st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){1,6}(\.[0-9]{1,6})?\Z")
               | st.decimals(min_value=0, max_value=10**12, places=2).map(lambda d: f"{d:,}"))


@given(PLAIN_TEXTS, st.sampled_from([None, "元", "万元", "万"]), st.sampled_from(["元", "万元"]))
def test_read_money_of_a_plain_number_is_the_grammars(text: str, bare: str | None, unit: str) -> None:
    """A plain number, or one with its thousands separated, is read without the grammar (every budget): the
    same amount, to the digit."""
    found = amounts(parse_value(text))
    fast, slow = read_money(text, unit, bare), money_in(found, unit, bare)
    assert fast == slow and str(fast) == str(slow)
    assert all(not amount.unit.base for amount in found)  # what `assert` takes for a number stating no unit


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


BASES = ["元", "元", "%", "人次", "场次", "人", "名", "个", "次", "场", "期", "户", "份", "家", "宗", "册", "项", "年",
         "天", "平米", "名党员"]
RATES = st.builds(lambda op, number, wan, base, per, space: f"{op}{space}{number}{space}{wan}{base}"
                  + "".join("/" + part for part in per),
                  st.sampled_from(["", "≤", "≥", "<", ">", "＜", "约"]),
                  st.from_regex(r"\A[0-9]{1,17}(\.[0-9]{1,7})?\Z") | st.integers(0, 10**6).map(str)
                  | st.integers(1000, 10**9).map(lambda n: f"{n:,}"),
                  st.sampled_from(["", "万"]), st.sampled_from(BASES),
                  st.lists(st.sampled_from([*PER_UNITS.split("|"), "平米"]), max_size=3), st.sampled_from(["", " "]))
"""Amounts written plainly (most take the shortcut), and some the shortcut leaves to the grammar."""


@given(RATES | st.sampled_from(["3500元/月/人", "≤263元/人", "5元/人次/天", "0元", "007元/人", "1.50元/场次",
                                "10.5万元/人/年", "≤ 1627 元/人", "208,086.54元/年", "0.05万元", "1.2345万元",
                                "2025年", "≥95%", "≥ 120 人次", "23名党建组织员"]))
def test_a_plain_amount_is_read_as_the_grammar_reads_it(raw: str) -> None:
    """`cell_money` and `countable_in` read a plain amount without the value grammar: the same amounts, shown
    the same, to the digit."""
    for fast, slow in ((cell_money(raw).amounts, money_read(raw).amounts),
                       (countable_in(raw), tuple(countable(parse_value(raw))))):
        assert fast == slow
        assert [(str(a.value), a.text) for a in fast] == [(str(a.value), a.text) for a in slow]
    assert cell_money(raw) == money_read(raw)


def test_plain_amounts_take_the_shortcut() -> None:
    for raw in ("3500元/月/人", "≤263元/人", "≥92元/人/次", "46464元/年/村", "12.50元/人", "500元", "<13万元/人/年",
                "≥120份", "500人", "≥95%"):
        assert PLAIN_AMOUNT.fullmatch(raw) is not None


@given(VALUES | RATES)
def test_a_standards_denominators_are_its_money_units(raw: str) -> None:
    """`goal_counts` reads a cost standard's denominators from the money budget arithmetic read (shared)."""
    assert _divided_by(raw) == frozenset(unit_key(part) for amount in amounts(parse_value(raw))
                                         if is_money(amount.unit) for part in amount.unit.per)


@given(RATES | VALUES, st.sampled_from(["raw", "", " padded "]))
def test_read_amounts_are_the_grammars(raw: str, shown: str) -> None:
    """`read_amounts` (a cost item's standard in `task_costs`) is `amounts` of the parsed value, shown the same."""
    text = raw if shown == "raw" else shown
    fast, slow = read_amounts(raw, text), amounts(parse_value(raw), text)
    assert fast == slow and [(str(a.value), a.text) for a in fast] == [(str(a.value), a.text) for a in slow]
