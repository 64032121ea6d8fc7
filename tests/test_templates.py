"""Reading other publishers' templates: each mechanism of the layout assembler on a small form written for it
(the real forms of tests/corpus/real exercise them together: test_real_corpus.py)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from goallint.checks.reconcile import budget_yuan
from goallint.cli import main
from goallint.model import AnyForm, DepartmentForm, DerivedCell, ProjectForm
from goallint.readers import read_bytes


def read(text: str) -> list[AnyForm]:
    return read_bytes(text.encode("utf-8"), "form.txt").forms


def project(text: str) -> ProjectForm:
    forms = read(text)
    assert len(forms) == 1 and isinstance(forms[0], ProjectForm), forms
    return forms[0]


def lint(tmp_path: Path, text: str) -> list[dict[str, object]]:
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--no-progress", "--format", "json",
                                       str(path)])
    assert result.exit_code in (0, 1), result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)["diagnostics"]
    return found


HEAD = "项目支出绩效目标表\n项目名称\t道路养护\n主管部门\t某县交通运输局\n预算金额（万元）\t50\n年度目标\t养护道路20公里\n"


def test_a_value_split_over_columns_is_one_value_spanning_its_parts() -> None:
    form = project(HEAD + "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t计量单位\t指标解释\n"
                          "产出指标\t数量指标\t养护里程\t≥\t20\t公里\t反映养护的里程\n"
                          "\t质量指标\t验收合格率\t定性\t\t\t合格\n")
    first, second = form.indicators
    assert first.annual_value is not None and first.annual_value.raw == "≥20公里"
    assert isinstance(first.annual_value, DerivedCell) and first.annual_value.span is not None
    text = HEAD + "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t计量单位\t指标解释\n产出指标\t数量指标\t养护里程\t≥\t20\t公里"
    span = first.annual_value.span
    assert text[span.start:span.end] == "≥\t20\t公里"  # type: ignore[misc]
    assert second.annual_value is None or second.annual_value.is_empty  # 定性 is no comparator, 指标解释 no value


def test_one_plain_value_column_is_annual_and_a_qualifier_decides_over_position() -> None:
    plain = project(HEAD + "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t20公里\n")
    assert plain.indicators[0].annual_value is not None and plain.indicators[0].period_value is None
    halves = project(HEAD + "一级指标\t二级指标\t三级指标\t指标值(年度)\t指标值(长期)\n产出指标\t数量指标\t养护里程\t20公里\t60公里\n")
    indicator = halves.indicators[0]
    assert (indicator.annual_value.raw, indicator.period_value.raw) == ("20公里", "60公里")  # type: ignore[union-attr]


def test_descriptive_and_weight_columns_are_never_values() -> None:
    form = project(HEAD + "一级指标\t二级指标\t三级指标\t绩效标准\t分值\t年度指标值\n产出指标\t数量指标\t养护里程\t计划标准\t20\t20公里\n")
    indicator = form.indicators[0]
    assert indicator.annual_value is not None and indicator.annual_value.raw == "20公里"
    assert indicator.period_value is None


def test_a_label_row_with_its_values_in_the_row_below() -> None:
    forms = read("部门整体支出绩效目标申报表\n部门（单位）名称\t填报人\n某县人民政府办公室\t张三\n单位:万元\n合计\t968.19\n")
    assert len(forms) == 1 and isinstance(forms[0], DepartmentForm)
    form = forms[0]
    assert form.name is not None and form.name.raw == "某县人民政府办公室"
    assert form.department is form.name and form.budget is not None and form.budget_unit == "万元"


def test_labels_in_order_of_preference_and_codes_stripped() -> None:
    form = project("绩效目标表\n专项名称\t普惠金融\n市级主管部门\t市人社局\n县级主管部门\t[077]县人社局\n"
                   "县级财政部门\t县财政局\n资金情况(万元)\t资金总额\t100\t当年资金总额\t40\n")
    assert form.department is not None and form.department.raw == "县人社局"
    assert form.budget is not None and form.budget.raw == "40" and budget_yuan(form) == Decimal(400_000)


def test_where_the_unit_of_an_amount_is_stated() -> None:
    assert budget_yuan(project("项目名称\t甲\n单位:元\n资金情况(万元)\t年度金额\t112\n")) == Decimal(1_120_000)
    assert budget_yuan(project("项目名称\t甲\n金额单位:万元\n当年预算\t65\n")) == Decimal(650_000)
    assert budget_yuan(project("项目名称\t甲\n资金情况(万元)\t资金来源\t资金总额\n\t其中:财政拨款\t500\n")) == Decimal(5_000_000)
    # no unit anywhere but the same amount written with 万 elsewhere in the file
    assert budget_yuan(project("（6）年度预算安排5万元\n项目支出绩效目标表\n项目名称\t甲\n年度资金总额:\t5.00\n")) == Decimal(50_000)
    assert budget_yuan(project("项目名称\t甲\n年度资金总额:50万\n")) == Decimal(500_000)
    assert budget_yuan(project("项目名称\t甲\n预算金额（元）\t2500\n")) == Decimal(2500)


def test_traditional_characters_pinyin_and_scores_in_labels() -> None:
    form = project("項目名稱\t乙\n預算金額\t10000\n績效指標(biāo)\t一級(jí)指標(biāo)\t二級指標\t三級指標\t指標(biāo)值\n"
                   "\t產(chǎn)出指標(biāo)\t數(shù)量指標(biāo)\t受助學生數\t100人\n"
                   "\t成本指标(0-20)分\t经济成本指标\t人均标准\t100元/人\n")
    first, second = form.indicators
    assert first.level1 is not None and first.level1.raw == "产出指标" and first.name.raw == "受助學生數"  # type: ignore[union-attr]
    assert second.level1 is not None and form.profile == "dg2025"


def test_footers_and_table_numbers_end_the_table() -> None:
    form = project(HEAD + "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t20公里\n"
                          "财政部门审核意见\t同意\n填表人：李四\n表十二\n")
    assert [indicator.name.raw for indicator in form.indicators] == ["养护里程"]  # type: ignore[union-attr]


def test_a_level1_not_printed_is_the_one_its_level2_implies() -> None:
    form = project(HEAD + "一级指标\t二级指标\t三级指标\t指标值\n\t数量指标\t养护里程\t20公里\n\t时效指标\t完成时间\t12月底前\n")
    assert [indicator.level1.raw for indicator in form.indicators] == ["产出指标", "产出指标"]  # type: ignore[union-attr]


LIST = """某县2025年项目支出绩效目标表
预算部门：某县农业农村局
单位：万元
序号\t项目名称\t预算金额\t年度目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t计量单位
1\t高标准农田建设\t400\t建成高标准农田2000亩\t产出指标\t数量指标\t建设面积\t≥\t2000\t亩
\t\t\t\t产出指标\t成本指标\t亩均建设成本\t≤\t2000\t元/亩
2\t农村公路养护\t120\t养护农村公路100公里\t产出指标\t数量指标\t养护里程\t=\t100\t公里
\t\t\t\t产出指标\t成本指标\t每公里养护成本\t=\t15000\t元/公里
\t合计\t520
"""


def test_a_list_table_holds_one_form_per_project(tmp_path: Path) -> None:
    forms = read(LIST)
    assert [form.name.raw for form in forms] == ["高标准农田建设", "农村公路养护"]  # type: ignore[union-attr]
    for form, budget, count in zip(forms, (4_000_000, 1_200_000), (2, 2), strict=True):
        assert isinstance(form, ProjectForm) and budget_yuan(form) == Decimal(budget) and len(form.indicators) == count
        assert form.department is not None and form.department.raw == "某县农业农村局"
    found = lint(tmp_path, LIST)
    # 15000元/公里 × 100公里 = 150万 ≠ 120万: the second project's own arithmetic; the 合计 row is no form
    assert [(d["code"], d["form"]) for d in found if str(d["code"]).startswith("GL40")] == [("GL401", "农村公路养护")]
    assert {d["form"] for d in found} == {"高标准农田建设", "农村公路养护"}


def test_a_fragment_and_an_unrecognised_table_are_one_finding_each(tmp_path: Path) -> None:
    fragment = lint(tmp_path, "项目支出绩效目标表\n项目名称\t丙\n主管部门\t某局\n")
    assert [d["code"] for d in fragment] == ["GL001"] and "只读到表头（名称、主管部门）" in str(fragment[0]["message"])
    unknown = lint(tmp_path, HEAD + "考核项\t类别\t具体内容\t目标\n产出指标\t数量指标\t完成件数\t10件\n")
    assert [d["code"] for d in unknown] == ["GL001"] and "没有找到指标表的表头行" in str(unknown[0]["message"])


def test_a_profile_says_in_data_which_printed_labels_mark_its_template() -> None:
    from goallint.layout.profile import detect_profile
    from goallint.profiles import profiles

    assert {name: profile.detect.order for name, profile in profiles().items() if not profile.detect.default} == {
        "dg2019": 10, "national2015": 20, "dg2025": 30}
    old = project(HEAD + "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t20公里\n"
                         "效益指标\t社会公众或服务对象满意度指标\t群众满意度\t≥90%\n")
    assert old.profile == "national2015" and detect_profile(old, two_sided=True) == "dg2019"


def test_a_saved_pages_footer_ends_the_table() -> None:
    form = project(HEAD + "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t20公里\n"
                          "主办单位：某县财政局\n版权所有 © 某县人民政府 粤ICP备12345678号\n")
    assert [indicator.name.raw for indicator in form.indicators] == ["养护里程"]  # type: ignore[union-attr]


def test_a_task_merged_across_its_row_is_read_once() -> None:
    from goallint.layout.tasks import read_task
    from goallint.model import Cell, Span

    merged = Cell("党建工作经费（合并单元格）", Span(5, 2, 5, 3, sheet="部门", ref="B5"))
    amount = Cell("20000", Span(5, 5, 5, 6, sheet="部门", ref="E5"))
    task = read_task([(1, merged), (2, merged), (3, amount)], {1: "name", 2: "content", 3: "amount"})
    assert task is not None and task.name is merged and task.amount is amount and task.content is None


def test_a_value_heading_split_into_year_and_period_below_it() -> None:
    form = project(HEAD + "一级指标\t二级指标\t三级指标\t指标值\t\n\t\t\t年度\t中期\n产出指标\t数量指标\t养护里程\t20公里\t60公里\n")
    indicator = form.indicators[0]
    assert len(form.indicators) == 1
    assert (indicator.annual_value.raw, indicator.period_value.raw) == ("20公里", "60公里")  # type: ignore[union-attr]
