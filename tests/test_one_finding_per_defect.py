"""One finding per defect: both value columns of a row reported once (named in every format), GL9xx outside the
grade, and the terminal report of the bundled examples at most half of what it was before."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from goallint.cli import main
from goallint.engine import Input, make_engine
from goallint.grade import grade_forms
from goallint.report import RenderOptions, render
from goallint.results import RunReport

ROOT = Path(__file__).resolve().parent.parent
FORM = """\
forms:
  - kind: project
    name: 人才工作专项经费
    department: 清溪镇党建办
    budget: 10000
    period_start: 2025
    period_end: 2025
    period_goal: 开展人才工作
    annual_goal: 开展人才工作
    indicators:
      - {level1: 成本指标, level2: 经济成本指标, name: 支出标准, period: 10000元/年, annual: 10000元/年}
      - {level1: 效益指标, level2: 社会效益, name: 人才影响力提高程度, period: 持续提高, annual: 持续提高}
      - {name: 人才集聚程度, period: 持续提高, annual: 逐年提高}
      - {level1: 产出指标, level2: 数量指标, name: 培训次数, period: ≥ 12 次, annual: ≥ 12 次}
      - {level2: 质量指标, name: 数量, period: ≥90%, annual: ≥90%}
      - {level2: 时效指标, name: 时效, period: 12月底前, annual: 12月底前}
"""


ONE_VAGUE_ROW = FORM.replace("      - {name: 人才集聚程度, period: 持续提高, annual: 逐年提高}\n", "")
"""The form with one vague row: GL303 groups a form's vague values (tests/test_grouping.py), so the merging
of a row's two columns is seen on a form where it is the only one."""


def run_of(text: str = FORM, select: tuple[str, ...] = ("GL208", "GL303", "GL906")) -> RunReport:
    engine = make_engine(select=list(select))
    engine.keep_lines = engine.keep_forms = True
    return engine.run([Input("forms/talent.yaml", data=text.encode("utf-8"))])


def test_the_same_defect_in_both_columns_is_one_finding_naming_both_cells() -> None:
    [same] = [d for d in run_of(ONE_VAGUE_ROW).diagnostics if d.code == "GL303"]
    assert same.field.endswith("人才影响力提高程度")
    assert "实施周期和年度指标值“持续提高”" in same.message
    assert len(same.related) == 1 and same.related[0].line == same.line and same.related[0].column > same.column


def test_different_values_of_a_row_are_different_defects() -> None:
    [grouped] = [d for d in run_of().diagnostics if d.code == "GL303"]  # one per form, each defect an item
    assert grouped.message.endswith("：“人才影响力提高程度”（持续提高）、“人才集聚程度”（持续提高）、“人才集聚程度”（逐年提高）")
    assert [o.field.rsplit("/", 1)[-1] for o in grouped.related] == ["人才影响力提高程度", "人才集聚程度", "人才集聚程度"]


def test_a_merged_fixable_finding_carries_both_edits() -> None:
    spaced = [d for d in run_of().diagnostics if d.code == "GL906"]
    assert len(spaced) == 1 and spaced[0].fix is not None and len(spaced[0].fix.edits) == 2


def test_json_and_sarif_name_the_related_cell() -> None:
    run = run_of(ONE_VAGUE_ROW)
    document = json.loads(render("json", run, RenderOptions()))
    merged = next(d for d in document["diagnostics"] if d["field"].endswith("人才影响力提高程度"))
    assert merged["related"] == [{"line": merged["line"], "column": merged["related"][0]["column"],
                                  "end_line": merged["line"], "end_column": merged["related"][0]["end_column"],
                                  "field": merged["field"]}]
    sarif = json.loads(render("sarif", run, RenderOptions()))
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0-excerpt.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    result = next(r for r in sarif["runs"][0]["results"] if "人才影响力提高程度" in r["message"]["text"])
    region = result["relatedLocations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (merged["line"], merged["related"][0]["column"])


def test_the_full_report_carets_both_cells_of_the_line() -> None:
    text = render("full", run_of(select=("GL303",)), RenderOptions())
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "人才影响力提高程度" in line and "GL303" in line)
    carets = next(line for line in lines[at + 1:] if "^" in line)
    assert len(re.findall(r"\^+", carets)) == 2


def test_the_html_page_tints_both_cells_and_lists_the_finding_once() -> None:
    run = run_of(ONE_VAGUE_ROW, select=("GL303",))
    page = render("html", run, RenderOptions(grades=grade_forms(run)))
    tinted = re.findall(r'data-f="([^"]*)" data-hl="warning">持续提高<', page)
    first = tinted[0]
    assert tinted.count(first) == 2  # the 实施周期 and 年度 cells of 人才影响力提高程度
    assert page.count(f'id="{first}" data-finding') == 1  # listed once, beside its row


def test_generic_names_once_per_form_with_the_list() -> None:
    found = [d for d in run_of().diagnostics if d.code == "GL208"]
    assert len(found) == 1
    assert found[0].message == "2 个三级指标名称只是类别词，没有说明衡量什么：“数量”、“时效”"
    assert len(found[0].related) == 1


def test_text_hygiene_does_not_lower_the_grade() -> None:
    run = run_of(select=("GL906",))
    assert [d.code for d in run.diagnostics] == ["GL906"]
    (grade,) = grade_forms(run)
    assert grade.grade == "优" and grade.info == 1
    run = run_of(select=("GL906", "GL303"))
    assert grade_forms(run)[0].grade == "良"


NEW_RULES = "GL109,GL110,GL314,GL315,GL316,GL408,GL506"
"""Rules added with the merging (issue 18): the 1,445 lines were measured with the catalogue before them."""


def test_the_examples_terminal_report_is_at_most_half_as_long() -> None:
    forms = [*map(str, sorted((ROOT / "examples").glob("*.txt"))),  # the examples as they were measured,
             str(ROOT / "examples" / "structured"), str(ROOT / "examples" / "excel")]  # not the documents
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", "--no-cache", "--format", "full",
                                       "--ignore", NEW_RULES, *forms])
    assert result.exit_code == 1 and "GL401" in result.output
    assert len(result.output.splitlines()) <= 1445 // 2  # 1,445 lines before findings were merged
    assert "\n      成本指标/经济成本指标/费用标准\n" in result.output  # a path the message does not name stays
