"""Unit algebra: parsing units, dimensions, cancelling denominators, time factors, named entities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goallint.values import parse_value
from goallint.values.units import (
    PERSON_UNITS,
    TIME_FACTORS,
    UNIT_SYNONYMS,
    Unit,
    annualize,
    cancels,
    canonical_unit,
    entity_named,
    is_money,
    is_person,
    multiply,
    parse_unit,
    same_dimension,
)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("元/月/人", Unit("元", ("月", "人"))),
        ("元/人·月", Unit("元", ("人", "月"))),
        ("元/(人·月)", Unit("元", ("人", "月"))),
        ("元", Unit("元")),
        ("%", Unit("%")),
        ("人次", Unit("人次")),
        ("元/年/村（社区）", Unit("元", ("年", "村（社区）"))),
        ("元/平米", Unit("元", ("平方米",))),
        ("㎡", Unit("平方米")),
        ("元/平方·年", Unit("元", ("平方米", "年"))),
        ("平方公里", Unit("平方公里")),
        ("", Unit("")),
    ],
)
def test_parse_unit(text: str, unit: Unit) -> None:
    assert parse_unit(text) == unit


def test_canonical() -> None:
    assert parse_unit("元/人·月").canonical == "元/人/月"
    assert str(Unit("次", ("月",))) == "次/月"


def test_persons_and_money() -> None:
    assert PERSON_UNITS == {"人", "名"}
    assert is_person("名") and is_person("人") and not is_person("人次") and not is_person("人/年")
    assert is_money("元/人/年") and not is_money("人") and not is_money("%")


def test_same_dimension() -> None:
    assert same_dimension("元/月/人", "元/人/月")
    assert same_dimension("元/名", "元/人")
    assert not same_dimension("元/人", "元/人次")
    assert not same_dimension("元/人/月", "元/人")
    assert not same_dimension("元/人", "次/人")


def test_multiply_cancels_one_denominator() -> None:
    assert multiply("元/人/月", "人") == Unit("元", ("月",))
    assert multiply("元/人", "名") == Unit("元")
    assert multiply("元/月/人", "名").canonical == "元/月"
    assert multiply("元/年/村", "村") == Unit("元", ("年",))
    assert cancels("元/场", "场") and not cancels("元/场", "人")
    with pytest.raises(ValueError):
        multiply("元/场", "人")


def test_time_factors_and_annualize() -> None:
    assert TIME_FACTORS["月"] == 12 and TIME_FACTORS["年"] == 1 and TIME_FACTORS["季度"] == 4
    assert "周" not in TIME_FACTORS and "天" not in TIME_FACTORS
    assert annualize("元/人/月") == (Decimal(12), Unit("元", ("人",)))
    assert annualize("元/人") is None
    # 元/人/月 × 人 × 12 月/年 = 元/年 for an annual budget
    factor, rest = annualize(multiply("元/人/月", "人")) or (Decimal(0), Unit(""))
    assert (factor, rest) == (Decimal(12), Unit("元"))


@pytest.mark.parametrize(
    ("name", "entity", "expected"),
    [
        ("补助村数", "村", True),
        ("社区数", "社区", True),
        ("补助村（社区）数量", "村（社区）", True),
        ("补助村（社区）数量", "社区", True),
        ("开展活动次数", "村", False),
        ("", "村", False),
    ],
)
def test_entity_named(name: str, entity: str, expected: bool) -> None:
    assert entity_named(name, entity) is expected


@pytest.mark.parametrize(("text", "canonical"), [
    ("元/平米", "元/平方米"), ("平方", "平方米"), ("㎡", "平方米"), ("元/㎡/年", "元/平方米/年"),
    ("平方米", "平方米"), ("平方公里", "平方公里"), ("元/人", "元/人"), ("平", "平"),
])
def test_canonical_unit(text: str, canonical: str) -> None:
    assert canonical_unit(text) == canonical


def test_unit_synonyms_cancel_their_word() -> None:
    for written, word in UNIT_SYNONYMS.items():
        assert cancels(f"元/{written}", word) and cancels(f"元/{word}", written)
        assert same_dimension(f"元/{written}", f"元/{word}")
        assert multiply(f"元/{written}", word) == Unit("元")


@pytest.mark.parametrize(("text", "unit"), [
    ("≥500m²", "平方米"), ("≥500m2", "平方米"), ("≥500 M2", "平方米"), ("≥500㎡", "平方米"),
    ("≥500m³", "立方米"), ("≥500m3", "立方米"), ("≥500㎥", "立方米"), ("≥3km²", "平方公里"),
    ("7元/m²", "元/平方米"), ("90元/㎥", "元/立方米"),
    ("≥5mm", "mm"), ("≥10km", "km"), ("≥5kg", "kg"), ("≥3m", "m"),
])
def test_a_value_in_square_or_cubic_metres_reads_its_unit_whole(text: str, unit: str) -> None:
    """`m²` is one unit, not `m` with a stray `²` left as the noun; `m2`/`m3` are not free text."""
    value = parse_value(text)
    assert value.unit == unit and not getattr(value, "noun", None)
