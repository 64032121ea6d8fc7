"""`goallint convert FILE --explain`: every cell's role, and where forms and tables start and end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from goallint.cli import main

CORPUS = Path(__file__).parent / "corpus" / "real"
EXAMPLES = Path(__file__).parent.parent / "examples"


def explain(path: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["convert", str(path), "--explain", *extra])
    return result.exit_code, result.stdout, result.stderr


def explained(path: Path) -> dict[str, Any]:
    status, out, err = explain(path, "--format", "json")
    assert status == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def roles_of(document: dict[str, Any], text: str) -> list[str]:
    return [entry["role"] for entry in document["cells"] if entry.get("text") == text]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.name[:3])
def test_every_corpus_file_is_explained_cell_by_cell(path: Path) -> None:
    document = explained(path)
    listed = {(entry["line"], entry["column"]) for entry in document["cells"] if "role" in entry}
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        column = 1
        for part in line.split("\t"):
            if part.strip():
                start = column + len(part) - len(part.lstrip())
                assert any(at[0] == number and start <= at[1] < column + len(part) for at in listed), (number, part)
            column += len(part) + 1
    status, out, _ = explain(path)
    assert status == 0 and out.startswith(f"{path}：读出")


def test_split_value_columns_weights_and_table_ends_are_named() -> None:
    document = explained(next(CORPUS.glob("114_*.txt")))
    assert "comparator" in roles_of(document, "指标性质") or "header" in roles_of(document, "指标性质")
    header = {entry["text"]: entry["detail"] for entry in document["cells"] if entry.get("role") == "header"}
    assert header["指标性质"] == "指标值符号" and header["指标权重"] == "权重/分值" and header["指标值"] == "年度指标值"
    assert "comparator" in roles_of(document, "≥") and "weight" in roles_of(document, "20")
    events = [entry["event"] for entry in document["cells"] if "event" in entry]
    assert events.count("指标表开始") == 2 and "指标表结束" in events
    assert [form["unread"] is not None for form in document["forms"]] == [False, False, True]


def test_a_signature_row_is_the_footer_and_descriptive_columns_are_not_values() -> None:
    document = explained(next(CORPUS.glob("101_*.txt")))
    assert "footer" in roles_of(document, "财政资金管理科室(盖章) 年 月 日")
    header = {entry["text"]: entry["detail"] for entry in document["cells"] if entry.get("role") == "header"}
    assert header["指标标准或依据"] == "说明栏（不是指标值）"
    assert header["2021年实际实现值"] == "上年实际值" and header["预期2022年实现值"] == "年度指标值"


def test_a_label_row_with_its_values_below() -> None:
    document = explained(next(CORPUS.glob("104_*.txt")))
    value = next(entry for entry in document["cells"] if entry.get("text") == "广水市人民政府办公室")
    assert value["role"] == "value" and value["detail"] == "名称"


def test_a_workbook_names_its_cells_by_sheet_and_reference() -> None:
    status, out, _ = explain(EXAMPLES / "excel" / "example.xlsx")
    assert status == 0 and "批复表!A4   栏目名：名称" in out


def test_structured_forms_and_missing_targets_are_clear_errors() -> None:
    status, _, err = explain(next((EXAMPLES / "structured").glob("*.yaml")))
    assert status == 2 and "按键读取" in err
    result = CliRunner().invoke(main, ["convert", str(next(CORPUS.glob("101_*.txt")))])
    assert result.exit_code == 2 and "--to" in result.stderr
