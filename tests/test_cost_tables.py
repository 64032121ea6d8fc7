"""A project's cost build-up table (项目预算成本构成) and its 项目概况 text are read in every input format through
the layout, shown by `convert --explain`, and checked by GL408 (each amount column against its 合计, the
overview's items against its stated total)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from goallint.cli import main
from goallint.engine import Input, make_engine
from goallint.model import ProjectForm
from goallint.readers import read_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_documents  # noqa: E402

FORM = """项目绩效目标表
项目名称\t乡村振兴示范
主管部门\t某镇农业农村办
预算金额（万元）\t200
项目概况\t本项目总投资200万元，其中：设备购置120万元，人员经费80万元。
项目预算成本构成（单位：万元）
序号\t成本项目\t金额\t其中：财政资金\t测算依据
1\t设备购置\t120\t100\t5台×24万元
2\t人员经费\t70\t60\t按标准
\t合计\t200\t160\t
年度目标\t完成示范建设
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t示范点数量\t5个
"""


def _bytes(kind: str) -> bytes:
    if kind == "txt":
        return FORM.encode("utf-8")
    return make_documents.RENDERERS[kind](FORM)


@pytest.mark.parametrize("kind", ["txt", "pdf", "docx", "xls", "html"])
def test_the_cost_table_and_the_overview_are_read_in_every_format(kind: str, tmp_path: Path) -> None:
    result = read_bytes(_bytes(kind), f"form.{kind}")
    (form,) = result.forms
    assert isinstance(form, ProjectForm)
    assert form.overview is not None and form.overview.text.startswith("本项目总投资200万元")
    (table,) = form.cost_tables
    assert table.unit == "万元"
    assert [cell.text for cell in table.columns] == ["金额", "其中：财政资金"]
    assert [(row.item.text, [cell.text if cell else None for cell in row.amounts]) for row in table.rows] == [
        ("设备购置", ["120", "100"]), ("人员经费", ["70", "60"])]
    assert table.total is not None and [cell.text for cell in table.total.amounts if cell] == ["200", "160"]
    assert [len(form.indicators)] == [1]  # the indicator table after it is read as before
    path = tmp_path / f"form.{kind}"
    path.write_bytes(_bytes(kind))
    found = make_engine(select=["GL408"]).run([Input(str(path), path)]).diagnostics
    assert [d.message for d in found] == [
        "成本构成表“金额”栏合计 2,000,000元 的分项 设备购置 120万元 + 人员经费 70万元 合计 1,900,000元，"
        "与总额不符（差 100,000元）"]


def test_explain_names_the_cost_table_cells(tmp_path: Path) -> None:
    path = tmp_path / "form.txt"
    path.write_text(FORM, encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(path), "--explain"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for shown in ("成本构成表标题", "成本构成表表头：成本项目", "成本构成表表头：金额栏", "成本构成项目", "成本构成金额",
                  "成本构成合计", "栏目名：项目概况", "栏目内容：项目概况"):
        assert shown in out, shown


def test_convert_round_trips_the_cost_table(tmp_path: Path) -> None:
    path = tmp_path / "form.txt"
    path.write_text(FORM, encoding="utf-8")
    converted = CliRunner().invoke(main, ["convert", str(path), "--to", "yaml"])
    assert converted.exit_code == 0, converted.stderr
    again = tmp_path / "form.yaml"
    again.write_text(converted.stdout, encoding="utf-8")
    (form,) = read_bytes(again.read_bytes(), "form.yaml").forms
    assert isinstance(form, ProjectForm)
    assert form.cost_tables[0].total is not None and form.cost_tables[0].unit == "万元"
    assert form.overview is not None
