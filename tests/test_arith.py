"""Unit tests of the budget arithmetic: intervals, money formatting, readings of standards and quantities."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from goallint.arith.interval import INF, Interval, tolerance_for
from goallint.arith.money import format_money, format_number, format_wan
from goallint.arith.readings import Count, Standard, amounts, count_of, judge, readings, resolve
from goallint.values import parse_value

D = Decimal


def standard(text: str) -> Standard:
    (amount,) = amounts(parse_value(text), text)
    return Standard(amount, "支出标准")


def counts(*items: tuple[str, str]) -> list[Count]:
    return [count for name, text in items for count in count_of(parse_value(text), name)]


def verdict_text(budget: int, std: str, *items: tuple[str, str]) -> str | None:
    found = readings([resolve(standard(std), counts(*items))])
    assert found is not None
    verdict = judge(D(budget), found)
    return None if verdict is None else f"{verdict.side}: {verdict.reading.text}"


# -- intervals ------------------------------------------------------------------------------------------
def test_interval_from_ops() -> None:
    assert Interval.from_op("=", D(5)) == Interval(D(5), D(5))
    assert Interval.from_op(">=", D(5)) == Interval(D(5), INF, hi_open=True)
    assert Interval.from_op("<", D(5)) == Interval(D(0), D(5), hi_open=True)
    assert Interval.from_op(">", D(5)).lo_open
    assert Interval.from_op("=", D(100), approx=True) == Interval(D(95), D(105))


def test_interval_product_keeps_strict_ends_and_zero_times_infinity() -> None:
    strict = Interval.from_op("<", D(90000)) * Interval.point(D(2))
    assert (strict.lo, strict.hi, strict.hi_open) == (D(0), D(180000), True)
    unbounded = Interval.from_op(">=", D(52545)) * Interval.from_op("<=", D(2))
    assert (unbounded.lo, unbounded.hi) == (D(0), INF)
    assert (Interval.point(D(0)) * Interval(D(3), INF)).hi == 0


def test_interval_sum() -> None:
    total = Interval.point(D(1)) + Interval.from_op("<", D(2))
    assert (total.lo, total.hi, total.hi_open) == (D(1), D(3), True)


@pytest.mark.parametrize(
    ("interval", "value", "side"),
    [
        (Interval.point(D(100)), D(101), "inside"),  # within 1元
        (Interval.point(D(100)), D(102), "above"),
        (Interval.from_op("<", D(180000)), D(180000), "above"),  # strict: tolerance does not apply
        (Interval.from_op("<", D(180000)), D("179999.99"), "inside"),
        (Interval.from_op(">=", D(180000)), D(140000), "below"),
        (Interval.from_op(">", D(10)), D(10), "below"),
    ],
)
def test_interval_side(interval: Interval, value: Decimal, side: str) -> None:
    assert interval.side(value, D(1)) == side


def test_tolerance() -> None:
    assert tolerance_for(D(500)) == 1
    assert tolerance_for(D(4998000)) == D("4998")


# -- money ----------------------------------------------------------------------------------------------
def test_money_formatting() -> None:
    assert format_money(D(2369000)) == "2,369,000元"
    assert format_money(D("240939.54")) == "240,939.54元"
    assert format_money(D("475800.00")) == "475,800元"
    assert format_number(D("0.005"), 3) == "0.005"
    assert format_wan(D("1684.82")) == "1,684.82万元"


# -- readings -------------------------------------------------------------------------------------------
def test_seed_mismatch_shows_the_arithmetic() -> None:
    text = verdict_text(1893200, "10.3万元/人/年", ("发放工资补贴人数", "23名党建组织员"))
    assert text == "below: 10.3万元/人/年 × 23名 = 2,369,000元"


def test_per_month_standard_times_persons_times_twelve() -> None:
    assert verdict_text(4998000, "3500元/月/人", ("补助人数", "119人")) is None
    text = verdict_text(504000, "1000元/人/月", ("补贴人数", "36人"), ("发放补贴频率", "1次/月"))
    assert text == "above: 1000元/人/月 × 36人 × 12月 = 432,000元"


def test_count_in_ge_that_names_the_entity() -> None:
    assert verdict_text(1200000, "60000元/年/村", ("补助村数", "20个")) is None
    assert verdict_text(1200000, "60000元/年/村", ("20个村", "20个村")) is None
    unresolved = resolve(standard("60000元/年/村"), counts(("设施设备数量", "23个")))
    assert unresolved.missing == ["/村"]


def test_every_reading_is_tried() -> None:
    people = (("在职人数", "562人"), ("离退休人数", "156人"))
    for budget in (562 * 1500, 156 * 1500, 718 * 1500):
        assert verdict_text(budget, "1500元/人", *people) is None
    assert verdict_text(100, "1500元/人", *people) == "below: 1500元/人 × 156人 = 234,000元"


def test_cap_and_floor_readings() -> None:
    assert verdict_text(190000, "≤9万元/人/年", ("人员聘用数", "2人")) == "above: ≤9万元/人/年 × 2人 ≤ 180,000元"
    assert verdict_text(140000, "1500元/份", ("参加人数", "≥120人"), ("慰问品数量", "≥120份")) == \
        "below: 1500元/份 × ≥120份 ≥ 180,000元"
    assert verdict_text(145280, "≥52545元/人", ("补助人数", "2人")) is None


def test_day_denominator_needs_a_day_count_and_person_times_fill_person_and_time() -> None:
    assert resolve(standard("≤180元/人/天"), counts(("人数", "5人"))).missing == ["/天"]
    assert verdict_text(1800, "≤180元/人/天", ("人数", "5人"), ("时长", "2天")) is None
    assert verdict_text(90000, "≥150元/人/次", ("培训人次", "≥600人次")) is None


def test_frequencies_and_percentages_are_not_counts() -> None:
    (frequency,) = count_of(parse_value("1次/月"), "频率")
    assert not frequency.annual  # a count per month fills no denominator
    assert count_of(parse_value("≥95%"), "达标率") == []
    assert count_of(parse_value("100元"), "金额") == []


def test_several_standards_add_up_or_stand_alone() -> None:
    standards = [standard("≤2万元/场"), standard("≤9万元/人/年")]
    have = counts(("宣传场次", "3场"), ("聘用人数", "2人"))
    found = readings([resolve(s, have) for s in standards])
    assert found is not None
    assert judge(D(230000), found) is None
    verdict = judge(D(300000), found)
    assert verdict is not None and verdict.reading.text == "≤2万元/场 × 3场 + ≤9万元/人/年 × 2人 ≤ 240,000元"


def test_unresolved_standard_means_no_judgement() -> None:
    assert readings([resolve(standard("≤400元/人"), counts(("培训场次", "≥2场次")))]) is None


def test_flat_standards() -> None:
    resolution = resolve(standard("13.45万元/年"), [])
    assert resolution.terms and all(term.flat for term in resolution.terms)
    assert verdict_text(92400, "通讯链路费及延保费13.45万元/年") == "below: 13.45万元/年 = 134,500元"
    assert verdict_text(1149600, "95800元/月") is None


def own(std: str, name: str, count: str) -> Standard:
    """A standard whose indicator's name states its own quantity (`饲料库120平米` with `490元/平米`)."""
    return dataclasses.replace(standard(std), own=tuple(counts((name, count))))


def test_a_standard_s_own_count_fills_its_entity_denominator_and_no_other_standard_s() -> None:
    form = counts(("棚圈面积", "360平方米"))
    mine = resolve(own("490元/平米", "饲料库120平米", "120平米"), form)
    assert [term.text for term in mine.terms] == ["490元/平米 × 120平方米", "490元/平米 × 360平方米"]  # no 120 + 360
    assert [term.text for term in resolve(own("490元/平米", "饲料库120平米", "120平米"), []).terms] == [
        "490元/平米 × 120平方米"]
    assert [term.text for term in resolve(standard("550元/平方米"), form).terms] == ["550元/平方米 × 360平方米"]
    monthly = resolve(own("3000元/人/月", "聘用3人", "3人"), counts(("服务月数", "3个月")))
    assert {term.text for term in monthly.terms} == {"3000元/人/月 × 3人 × 12月", "3000元/人/月 × 3人 × 3个月"}
    assert resolve(own("300元/米", "围墙300米", "300米"), []).missing == []
    assert resolve(own("300元/米", "标准化棚圈360平米", "360平米"), []).missing == ["/米"]


def test_line_items_with_their_own_quantity_are_summed_never_read_alone() -> None:
    items = [own("490元/平米", "饲料库120平米", "120平米"), own("300元/米", "围墙300米", "300米"),
             own("≥1050元", "防疫室84平米", "84平米"), standard("50000元")]
    found = readings([resolve(item, []) for item in items])
    assert found is not None
    assert [reading.text for reading in found] == [
        "50000元 = 50,000元", "490元/平米 × 120平方米 + 300元/米 × 300米 + ≥1050元 + 50000元 ≥ 199,850元"]
    assert judge(D(500000), found) is None
    verdict = judge(D(150000), found)
    assert verdict is not None and verdict.side == "below" and verdict.reading.floor
    alone = readings([resolve(own("≥1050元", "防疫室84平米", "84平米"), [])])
    assert alone is not None and judge(D(500000), alone) is None  # a single standard is the whole budget
