"""Property tests (hypothesis): parsing never raises, normalising is idempotent, numbers are exact."""

from __future__ import annotations

from decimal import Context, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.values import normalize, parse_value
from goallint.values.grammar import parse_normalized
from goallint.values.types import Bound, Compound, Quantity, Value, canonical_decimal

# Text made of the characters values are made of, so the grammar is exercised, not only the fallback.
VALUE_CHARS = st.sampled_from(
    list("0123456789.,%≥≤<>=~-—/·*XxＸ０９％＞＝ 　$\\{}<>pb，；、。：①②③约万亿千元人名次个年月日底前以上下内春节全年每无待定逐年提高满意")
    + ["\\geq", "\\leq", "\\%", "<p>", "</p>", "<br/>", "不少于", "不超过", "以内", "人次", "元/人/年", "&nbsp;"]
)
VALUEISH = st.lists(VALUE_CHARS, max_size=25).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=60), VALUEISH)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_any_string_parses_without_exception(raw: str) -> None:
    value = parse_normalized(normalize(raw).text)  # the uncached path
    assert value.kind in {"quantity", "bound", "range", "deadline", "compound", "qualitative", "placeholder", "text"}
    assert isinstance(value.to_contract(), dict)
    assert parse_value(raw).kind == value.kind


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_normalising_is_idempotent(raw: str) -> None:
    once = normalize(raw).text
    assert normalize(once).text == once
    assert normalize(once).changes == ()


def _numbers(value: Value) -> list[str]:
    contract = value.to_contract()
    found = [contract[key] for key in ("value", "low", "high") if key in contract]
    if isinstance(value, Compound):
        for item in value.items:
            found += _numbers(item)
    return found


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_canonical_numbers_round_trip_through_decimal(raw: str) -> None:
    for text in _numbers(parse_value(raw)):
        assert "e" not in text.lower()
        assert canonical_decimal(Decimal(text)) == text


DECIMALS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
UNITS = st.sampled_from(["%", "元", "人", "次", "人次", "场次", "元/人", "元/人/年", "元/月/人", "期/年", "件", "宗"])


@given(DECIMALS, UNITS, st.sampled_from(["≥", ">=", "＞＝", "不少于", "≥ "]))
def test_generated_lower_bounds(number: Decimal, unit: str, op: str) -> None:
    written = format(number, "f")
    value = parse_value(f"{op}{written}{unit}")
    assert isinstance(value, Bound)
    assert (value.op, value.value, value.unit) == (">=", number, unit)


@given(DECIMALS, st.sampled_from(["万", "亿", "千"]), st.sampled_from(["元/人/年", "元/年", "元/场", "元"]))
def test_generated_magnitudes_fold_into_the_number(number: Decimal, magnitude: str, unit: str) -> None:
    factor = {"万": Decimal(10000), "亿": Decimal(10) ** 8, "千": Decimal(1000)}[magnitude]
    value = parse_value(f"{format(number, 'f')}{magnitude}{unit}")
    assert isinstance(value, Quantity)
    assert value.value == number * factor and value.unit == unit
    assert value.to_contract()["value"] == canonical_decimal(number * factor)


@given(st.integers(min_value=1000, max_value=10**9))
def test_thousands_separators_are_read(number: int) -> None:
    value = parse_value(f"{number:,}元/年")
    assert isinstance(value, Quantity) and value.value == number


@given(st.text("0123456789", min_size=1, max_size=80), st.sampled_from(["", "万", "亿", "万亿", "千"]),
       st.text("0123456789", max_size=30))
def test_long_numbers_keep_every_digit(whole: str, magnitude: str, fraction: str) -> None:
    """Magnitudes shift the exponent exactly, and the contract string never rounds (no 28-digit context)."""
    written = whole + ("." + fraction if fraction else "")
    value = parse_value(f"{written}{magnitude}元")
    assert isinstance(value, Quantity)
    shift = {"": 0, "万": 4, "亿": 8, "万亿": 12, "千": 3}[magnitude]
    assert value.value == Decimal(written).scaleb(shift, context=Context(prec=200))
    contract = value.to_contract()["value"]
    assert Decimal(contract) == value.value and "E" not in contract.upper()


# -- the fast path for the commonest shapes gives exactly what the grammar gives -----------------------------

_PIECES = ["元", "人", "次", "%", "‰", "℃", "个", "个月", "人次", "季度", "平方米", "平米", "平方", "㎡", "平方公里", "km", "A", "年", "月", "日", "号",
           "万", "百", "以上", "以内", "左右", "前", "底", "元旦", "季度末", "/", "·", "约", "内", "天", "分", "户",
           "元/人/年", "元·月", "（人）", "人/年", "至", "-", "~", "，", "：", "X", "**", "名党员", "无", "止", " ", "5"]


def _grammar_only(text: str) -> Value:
    import goallint.values.grammar as grammar

    real = grammar._simple
    grammar._simple = lambda _text: None  # type: ignore[assignment]
    try:
        return parse_normalized(text)
    finally:
        grammar._simple = real


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["", "≥", "≤", "<", ">", "="]), st.from_regex(r"\d{1,6}(\.\d{1,3})?", fullmatch=True),
       st.lists(st.sampled_from(_PIECES), max_size=3))
def test_the_fast_path_reads_what_the_grammar_reads(sign: str, number: str, pieces: list[str]) -> None:
    from goallint.values.grammar import _simple

    text = sign + number + "".join(pieces)
    fast = _simple(text)
    if fast is not None:
        assert fast == _grammar_only(text), text


def test_the_fast_path_takes_the_common_seed_values_and_agrees_on_all() -> None:
    from pathlib import Path

    from goallint.values.grammar import _simple

    lines = (Path(__file__).parent / "data" / "seed_values.txt").read_text(encoding="utf-8").splitlines()
    raws = [line.split("\t")[0] for line in lines if line and not line.startswith("#")]
    taken = 0
    for raw in raws:
        text = normalize(raw).text
        fast = _simple(text)
        if fast is not None:
            taken += 1
            assert fast == _grammar_only(text), raw
    assert taken >= len(raws) // 5  # the fast path is not a dead branch on real values


# -- square metres: 平米, 平方 and ㎡ are 平方米 wherever a unit is written ----------------------------------------

_SQUARE_METRES = st.sampled_from(["平方米", "平米", "平方", "㎡"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["", "≥", "≤", "约"]), st.from_regex(r"[1-9]\d{0,5}(\.\d{1,2})?", fullmatch=True),
       _SQUARE_METRES, st.sampled_from(["", "饲料库", "标准化棚圈"]))
def test_square_metres_are_one_unit_as_count_and_as_denominator(sign: str, number: str, written: str,
                                                                 label: str) -> None:
    count = parse_value(f"{label}{sign}{number}{written}")
    rate = parse_value(f"{label}{sign}{number}元/{written}")
    for value, unit in ((count, "平方米"), (rate, "元/平方米")):
        assert isinstance(value, Quantity | Bound), (value, written)
        assert value.unit == unit and value.value == Decimal(number) and value.noun is None
        assert (value.label or "") == label
    assert parse_value(f"{number}{written}/户").unit == "平方米/户"  # type: ignore[union-attr]


# -- the lean LALR loop gives exactly what Lark's parse gives (or fails where it fails) ----------------------

def _lark(text: str) -> Value | str:
    from goallint.values.grammar import parser

    try:
        result: Value = parser().parse(text)  # type: ignore[assignment]
    except Exception as exc:  # noqa: BLE001 - any error is "no parse" for the caller
        return f"error {type(exc).__name__}"
    return result


def _lean(text: str) -> Value | str:
    from goallint.values.grammar import _parse_lean

    try:
        return _parse_lean(text)
    except Exception as exc:  # noqa: BLE001
        return f"error {type(exc).__name__}"


def _same_outcome(text: str) -> None:
    lark, lean = _lark(text), _lean(text)
    if isinstance(lark, str) or isinstance(lean, str):  # the kind of error may differ; failing may not
        assert isinstance(lark, str) and isinstance(lean, str), (text, lark, lean)
    else:
        assert lean == lark, text


_LABELS = st.sampled_from(["", "慰问品", "每村（社区）", "村（社区）办公经费补助：", "正常离任1年：", "排查化解案件", "①", "②"])
_TAILS = st.sampled_from(["", "，或有波动", "；约667人/年", "。", "、", "以上", "左右", "前", "底前", "名党建组织员", "个系统"])


@settings(max_examples=600, deadline=None)
@given(st.one_of(ANY_TEXT, st.tuples(_LABELS, st.sampled_from(["", "≥", "≤", "<", "约", "不低于", "±"]),
                                     st.from_regex(r"\d{1,5}(\.\d{1,2})?", fullmatch=True),
                                     st.lists(st.sampled_from(_PIECES), max_size=3).map("".join), _TAILS).map("".join)))
def test_the_lean_parse_reads_what_lark_reads(text: str) -> None:
    _same_outcome(text)


def test_the_lean_parse_agrees_with_lark_on_the_seed_values() -> None:
    from pathlib import Path

    from goallint.values.grammar import _ENUMERATOR, _circle

    lines = (Path(__file__).parent / "data" / "seed_values.txt").read_text(encoding="utf-8").splitlines()
    parsed = 0
    for raw in (line.split("\t")[0] for line in lines if line and not line.startswith("#")):
        text = normalize(raw).text
        text = _ENUMERATOR.sub(_circle, text) if "、" in text or "." in text else text
        _same_outcome(text)
        parsed += not isinstance(_lark(text), str)
    assert parsed > 50  # the comparison is not only of failures
