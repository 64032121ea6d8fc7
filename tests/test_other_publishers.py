"""Forms from other publishers (other cities' layouts): read what is recognised, never a false arithmetic error;
a readable file with no recognisable form is GL001, not a form full of missing fields."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from goallint.checks.reconcile import budget_yuan
from goallint.cli import main
from goallint.model import ProjectForm
from goallint.readers import read_bytes

GUANGZHOU = """广州市项目支出绩效目标申报表
(2025年度)
项目名称\t社区养老服务补贴
主管部门\t广州市民政局
项目资金(万元)\t年度资金总额\t120
\t其中：财政拨款\t120
总体目标\t长期目标\t年度目标
\t提升社区养老服务水平\t为2000名老人提供上门服务
绩效指标\t一级指标\t二级指标\t三级指标\t指标值及单位
\t产出指标\t数量指标\t服务老人数\t>=2000人
\t\t质量指标\t服务合格率\t>=95%
\t\t时效指标\t完成时间\t2025年12月底前
\t\t成本指标\t人均补贴标准\t600元/人
\t效益指标\t社会效益指标\t老人生活质量\t逐步提高
\t满意度指标\t服务对象满意度指标\t老人满意度\t>=90%
"""


def lint(tmp_path: Path, name: str, text: str) -> list[dict[str, object]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", "--format", "json", str(path)])
    assert result.exit_code in (0, 1), result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)["diagnostics"]
    return found


def test_a_unit_in_the_heading_cell_before_the_budget_label_applies() -> None:
    forms = read_bytes(GUANGZHOU.encode(), "gz.txt").forms
    assert len(forms) == 1 and isinstance(forms[0], ProjectForm)
    form = forms[0]
    assert form.budget_unit == "万元" and budget_yuan(form) == Decimal(1_200_000)
    assert [indicator.name.raw for indicator in form.indicators if indicator.name is not None][:4] == [
        "服务老人数", "服务合格率", "完成时间", "人均补贴标准"]


def test_the_arithmetic_of_another_layout_adds_up(tmp_path: Path) -> None:
    codes = {d["code"] for d in lint(tmp_path, "gz.txt", GUANGZHOU)}
    assert not codes & {"GL101", "GL401", "GL402", "GL403"}  # 600元/人 × 2000人 = 120万元
    assert "GL905" in codes  # ASCII >= is still a look-alike comparator


def test_a_goal_table_alone_is_no_form(tmp_path: Path) -> None:
    found = lint(tmp_path, "goals.txt", "实施期目标\t本年度目标\n完成建设\t完成一期\n")
    assert [d["code"] for d in found] == ["GL001"]


COUNTY = """项目支出绩效目标表
（2024年度）
项目名称\t乡村道路养护
主管部门及代码\t某县交通运输局\t实施单位\t某县公路中心
项目资金\t年度资金总额：\t500000
年度总体目标\t实施期目标\t本年度目标
\t完成道路养护100公里\t完成养护50公里
绩效指标\t一级指标\t二级指标\t三级指标\t绩效标准\t年度指标值
\t产出指标\t数量指标\t养护里程\t>=50公里\t50公里
\t\t质量指标\t养护合格率\t≥95%\t≥95%
\t\t时效指标\t完成时间\t2024年12月底前\t2024年12月底前
\t\t成本指标\t每公里养护成本\t<=10000元/公里\t10000元/公里
\t效益指标\t社会效益\t通行条件\t明显改善\t明显改善
\t满意度指标\t服务对象满意度\t群众满意度\t>=85%\t85%
"""


def test_labels_with_colons_sub_labelled_goals_and_a_standard_column() -> None:
    form = read_bytes(COUNTY.encode(), "county.txt").forms[0]
    assert isinstance(form, ProjectForm)
    assert form.department is not None and form.department.raw == "某县交通运输局"
    assert budget_yuan(form) == Decimal(500_000)
    assert form.period_goal is not None and form.period_goal.raw == "完成道路养护100公里"
    assert form.annual_goal is not None and form.annual_goal.raw == "完成养护50公里"
    cost = next(i for i in form.indicators if i.name is not None and i.name.raw == "每公里养护成本")
    # 绩效标准 describes the target; it is never the value
    assert cost.period_value is None and cost.annual_value is not None and cost.annual_value.raw == "10000元/公里"


def test_the_county_form_holds_no_error(tmp_path: Path) -> None:
    found = lint(tmp_path, "county.txt", COUNTY)
    assert {d["severity"] for d in found} <= {"warning", "info"}, found  # 10000元/公里 × 50公里 = 500,000
