"""The value grammar against the contract fixture (values.yaml), the seed values, normalisation and the CLI."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from goallint.cli import main
from goallint.values import normalize, parse_value
from goallint.values.normalizer import (
    collapse_spaces,
    standardize_symbols,
    strip_html,
    strip_ocr_markup,
    strip_thousands,
)
from goallint.values.types import Quantity

DATA = Path(__file__).parent / "data"
CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "values.yaml").read_text(encoding="utf-8"))


def _subset(expected: Any, actual: Any) -> bool:
    """Every key listed in `expected` matches `actual` (lists item by item, same length)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _subset(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(_subset, expected, actual))
    return bool(expected == actual)


@pytest.mark.parametrize("case", CASES, ids=[case["input"] for case in CASES])
def test_contract_fixture(case: dict[str, Any]) -> None:
    expected = {key: value for key, value in case.items() if key != "input"}
    actual = parse_value(case["input"]).to_contract()
    assert _subset(expected, actual), actual


def _seed_lines() -> list[tuple[str, str]]:
    lines = (DATA / "seed_values.txt").read_text(encoding="utf-8").splitlines()
    return [(value, kind) for value, kind in (line.split("\t") for line in lines if line and not line.startswith("#"))]


SEED = _seed_lines() if (DATA / "seed_values.txt").exists() else []


@pytest.mark.parametrize(("value", "kind"), SEED, ids=[value[:30] for value, _ in SEED])
def test_seed_values_parse_to_reviewed_kind(value: str, kind: str) -> None:
    assert parse_value(value).kind == kind


MORE: list[tuple[str, dict[str, Any]]] = [
    ("≥95%以上", {"kind": "bound", "op": ">=", "value": "95"}),
    ("不超过6000元", {"kind": "bound", "op": "<=", "value": "6000", "unit": "元"}),
    ("5000元以内", {"kind": "bound", "op": "<=", "value": "5000", "unit": "元"}),
    ("宣传费占总费用比≤90%", {"kind": "bound", "label": "宣传费占总费用比", "value": "90", "unit": "%"}),
    ("90%~95%", {"kind": "range", "low": "90", "high": "95", "unit": "%"}),
    ("90-95%", {"kind": "range", "low": "90", "high": "95", "unit": "%"}),
    ("14-24℃", {"kind": "range", "low": "14", "high": "24", "unit": "℃"}),
    ("±3%以内", {"kind": "range", "low": "-3", "high": "3", "unit": "%"}),
    ("2024年12月31日前", {"kind": "deadline", "year": 2024, "month": 12, "day": 31}),
    ("2020年12月底前完成", {"kind": "deadline", "year": 2020, "month": 12, "day": "end"}),
    ("6月30日前", {"kind": "deadline", "month": 6, "day": 30}),
    ("每年春节前", {"kind": "deadline", "event": "每年春节前"}),
    ("全年", {"kind": "deadline", "event": "全年"}),
    ("第四季度", {"kind": "deadline", "event": "第四季度"}),
    ("2025年6月30日前", {"kind": "deadline", "year": 2025, "month": 6, "day": 30}),
    ("覆盖率达到100%", {"kind": "bound", "label": "覆盖率", "op": ">=", "value": "100", "unit": "%"}),
    ("≤3个工作日", {"kind": "bound", "op": "<=", "value": "3", "unit": "个工作日"}),
    ("(1)≥95%(2)≥90%", {"kind": "compound", "items": [{"kind": "bound", "value": "95"}, {"kind": "bound", "value": "90"}]}),
    ("年底前", {"kind": "deadline", "month": 12, "day": "end"}),
    ("2025年", {"kind": "deadline", "year": 2025}),
    ("约176人", {"kind": "quantity", "value": "176", "unit": "人", "approx": True}),
    ("500人左右", {"kind": "quantity", "value": "500", "unit": "人", "approx": True}),
    ("约95800元/月", {"kind": "quantity", "value": "95800", "unit": "元/月", "approx": True}),
    ("1个系统", {"kind": "quantity", "value": "1", "unit": "个", "noun": "系统"}),
    ("5台电脑", {"kind": "quantity", "value": "5", "unit": "台", "noun": "电脑"}),
    ("6个月", {"kind": "quantity", "value": "6", "unit": "个月"}),
    ("3天内", {"kind": "bound", "op": "<=", "value": "3", "unit": "天"}),
    ("元/人·月", {"kind": "text"}),
    ("400元/人·月", {"kind": "quantity", "value": "400", "unit": "元/人/月"}),
    ("1.2亿元", {"kind": "quantity", "value": "120000000", "unit": "元"}),
    ("３０００元／人", {"kind": "quantity", "value": "3000", "unit": "元/人"}),
    ("＞＝８０％", {"kind": "bound", "op": ">=", "value": "80", "unit": "%"}),
    ("》95%", {"kind": "bound", "op": ">=", "value": "95", "unit": "%"}),
    ("<p>≥90%</p>", {"kind": "bound", "op": ">=", "value": "90", "unit": "%"}),
    ("每村（社区）10万元/年", {"kind": "quantity", "value": "100000", "unit": "元/年/村（社区）"}),
    ("490元/平米", {"kind": "quantity", "value": "490", "unit": "元/平方米"}),
    ("饲料库120平米", {"kind": "quantity", "label": "饲料库", "value": "120", "unit": "平方米"}),
    ("≤3000元/㎡", {"kind": "bound", "op": "<=", "value": "3000", "unit": "元/平方米"}),
    ("每平方10元/年", {"kind": "quantity", "value": "10", "unit": "元/年/平方米"}),
    ("3平方公里", {"kind": "quantity", "value": "3", "unit": "平方公里"}),
    ("50期电台节目，1场户外见面会", {"kind": "compound", "items": [
        {"kind": "quantity", "value": "50", "unit": "期", "noun": "电台节目"},
        {"kind": "quantity", "value": "1", "unit": "场", "noun": "户外见面会"}]}),
    ("约176人，或有波动", {"kind": "compound", "items": [
        {"kind": "quantity", "value": "176", "approx": True}, {"kind": "qualitative"}]}),
    ("≥90%；≥90%", {"kind": "compound"}),
    ("有效提升、有效增强", {"kind": "qualitative", "vague": True}),
    ("满意", {"kind": "qualitative", "text": "满意"}),
    ("基本满意", {"kind": "qualitative"}),
    ("不低于全省平均水平", {"kind": "qualitative"}),
    ("召开交流会，开展主题服务活动", {"kind": "text"}),
    ("**", {"kind": "placeholder"}),
    ("≥**%", {"kind": "placeholder"}),
    ("XX", {"kind": "placeholder"}),
    ("待定", {"kind": "placeholder"}),
    ("/", {"kind": "placeholder"}),
    ("—", {"kind": "placeholder"}),
    ("", {"kind": "placeholder"}),
]


@pytest.mark.parametrize(("raw", "expected"), MORE, ids=[raw or "<empty>" for raw, _ in MORE])
def test_more_kinds(raw: str, expected: dict[str, Any]) -> None:
    actual = parse_value(raw).to_contract()
    assert _subset(expected, actual), actual


def test_numbers_are_decimals_not_floats() -> None:
    value = parse_value("0.1万元")
    assert isinstance(value, Quantity)
    assert isinstance(value.value, Decimal) and value.value == Decimal(1000)
    assert value.to_contract()["value"] == "1000"
    assert parse_value("0.3元").to_contract()["value"] == "0.3"


def test_known_words_are_not_vague() -> None:
    assert "vague" not in parse_value("满意").to_contract()
    assert parse_value("逐年提高").to_contract()["vague"] is True


@pytest.mark.parametrize(
    ("step", "raw", "expected"),
    [
        (strip_ocr_markup, r"$\geq 95\%$", "≥95%"),
        (strip_ocr_markup, r"$\leq$", "≤"),
        (strip_ocr_markup, r"100\%", "100%"),
        (strip_ocr_markup, r"$\geq$ 8000宗", "≥8000宗"),
        (strip_ocr_markup, "plain ≥95%", "plain ≥95%"),
        (strip_html, "<p>按时完成</p>", "按时完成"),
        (strip_html, "<b>≥95%</b><br/>", "≥95%"),
        (strip_html, "<9万元/人/年", "<9万元/人/年"),
        (standardize_symbols, ">=95%", "≥95%"),
        (standardize_symbols, "＞＝９０％", "≥90%"),
        (standardize_symbols, "≧1", "≥1"),
        (standardize_symbols, "<=3", "≤3"),
        (standardize_symbols, "≦3", "≤3"),
        (standardize_symbols, "＜５", "<5"),
        (standardize_symbols, "１～２", "1~2"),
        (standardize_symbols, "》95%", "≥95%"),
        (standardize_symbols, "《办法》2024年", "《办法》2024年"),
        (collapse_spaces, "≥ 12 次", "≥12次"),
        (collapse_spaces, "  按时 完成 ", "按时 完成"),
        (collapse_spaces, "12 34", "12 34"),
        (strip_thousands, "240,939.54元/年", "240939.54元/年"),
        (strip_thousands, "1,684.82", "1684.82"),
        (strip_thousands, "1,2,3", "1,2,3"),
        (strip_thousands, "≥90%,≥90%", "≥90%,≥90%"),
    ],
)
def test_normalisation_steps(step: Any, raw: str, expected: str) -> None:
    assert step(raw) == expected


def test_normalize_reports_changes() -> None:
    assert normalize(r"$\geq 95\%$") == ("≥95%", ("ocr",))
    assert normalize("<p>≥ 1,000 元</p>") == ("≥1000元", ("html", "space", "thousands"))
    assert normalize("＞＝９０％") == ("≥90%", ("symbol",))
    assert normalize("≥95%") == ("≥95%", ())


def test_cli_json_contract_in_input_order() -> None:
    result = CliRunner().invoke(main, ["parse", "--json", "≥ 12 次", "10.3万元/人/年", "无"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0] == {"input": "≥ 12 次", "kind": "bound", "op": ">=", "value": "12", "unit": "次"}
    assert rows[1] == {"input": "10.3万元/人/年", "kind": "quantity", "op": "=", "value": "103000", "unit": "元/人/年"}
    assert [row["kind"] for row in rows] == ["bound", "quantity", "placeholder"]


def test_cli_table_shows_readings() -> None:
    result = CliRunner().invoke(main, ["parse", "①社工：3人 ②党建组织员：31人", "≥ 12 次"])
    assert result.exit_code == 0
    assert "compound" in result.output and "社工" in result.output and "space" in result.output
