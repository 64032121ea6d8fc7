"""Output formats: one snapshot per format, the JSON contract, and SARIF validated against the 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from goallint.engine import Input, make_engine
from goallint.grade import grade_forms
from goallint.report import RENDERERS, RenderOptions, render, render_bytes
from goallint.report.full import excerpt, width
from goallint.results import RunReport

DEMO = """\
forms:
  - kind: project
    name: 迎春座谈会
    department: 清溪镇党建办
    budget: 140000
    period_start: 2025
    period_end: 2025
    period_goal: 召开迎春座谈会
    annual_goal: ""
    indicators:
      - {level1: 产出指标, level2: 数量指标, name: 数量, annual: 数量}
      - {level2: 质量指标, name: 群众满意度, annual: ≥90%}
"""
SELECT = ["GL102", "GL206", "GL207", "GL208"]
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0-excerpt.json"


def demo_run(text: str = DEMO, keep_lines: bool = True) -> RunReport:
    engine = make_engine(select=SELECT)
    engine.keep_lines = keep_lines
    return engine.run([Input("forms/demo.yaml", data=text.encode("utf-8"))])


def output(fmt: str, **options: bool) -> str:
    run = demo_run()
    return render(fmt, run, RenderOptions(grades=grade_forms(run), **options))


def test_concise_snapshot() -> None:
    assert output("concise") == """\
forms/demo.yaml:9:19: GL102 [错误] 【迎春座谈会】年度目标为空
forms/demo.yaml:11:44: GL208 [警告] 【迎春座谈会】三级指标名称“数量”只是类别词，没有说明衡量什么
forms/demo.yaml:11:56: GL207 [错误] 【迎春座谈会】年度指标值“数量”只是指标名称的重复，没有给出目标
forms/demo.yaml:12:30: GL206 [警告] 【迎春座谈会】满意度指标“群众满意度”放在了“产出指标”下，应归入满意度指标
共 4 个问题：2 个错误，2 个警告，0 个提示（1 个文件，1 张表）。
"""


def test_github_snapshot() -> None:
    assert output("github") == """\
::error file=forms/demo.yaml,line=9,col=19,endLine=9,endColumn=19,title=GL102 [错误]::【迎春座谈会】年度目标为空
::warning file=forms/demo.yaml,line=11,col=44,endLine=11,endColumn=46,title=GL208 [警告]::【迎春座谈会】三级指标名称“数量”只是类别词，没有说明衡量什么
::error file=forms/demo.yaml,line=11,col=56,endLine=11,endColumn=58,title=GL207 [错误]::【迎春座谈会】年度指标值“数量”只是指标名称的重复，没有给出目标
::warning file=forms/demo.yaml,line=12,col=30,endLine=12,endColumn=35,title=GL206 [警告]::【迎春座谈会】满意度指标“群众满意度”放在了“产出指标”下，应归入满意度指标
"""


def test_full_snapshot_plain() -> None:
    assert output("full") == """\
forms/demo.yaml
  迎春座谈会  审核档次 差  4 个问题
  9:19  GL102 [错误] 年度目标为空
     9 │     annual_goal: ""
       │                   ^
  11:44  GL208 [警告] 三级指标名称“数量”只是类别词，没有说明衡量什么
    11 │       - {level1: 产出指标, level2: 数量指标, name: 数量, annual: 数量}
       │                                                    ^^^^
  11:56  GL207 [错误] 年度指标值“数量”只是指标名称的重复，没有给出目标
    11 │       - {level1: 产出指标, level2: 数量指标, name: 数量, annual: 数量}
       │                                                                  ^^^^
  12:30  GL206 [警告] 满意度指标“群众满意度”放在了“产出指标”下，应归入满意度指标
    12 │       - {level2: 质量指标, name: 群众满意度, annual: ≥90%}
       │                                  ^^^^^^^^^^

共 4 个问题：2 个错误，2 个警告，0 个提示（1 个文件，1 张表）。
审核档次：差 1 张。
"""


def test_full_with_colour_uses_ansi_and_keeps_the_text() -> None:
    coloured = output("full", color=True)
    assert "\x1b[" in coloured and "年度目标为空" in coloured and "^^^^" in coloured


def test_json_follows_the_contract() -> None:
    document = json.loads(output("json"))
    assert list(document) == ["goallint", "summary", "diagnostics", "forms", "baselined"]
    assert document["summary"] == {"files": 1, "forms": 1, "error": 2, "warning": 2, "info": 0,
                                   "hidden": {"baseline": 0, "waiver": 0}}
    first = document["diagnostics"][0]
    assert first == {"code": "GL102", "name": "missing-annual-goal", "severity": "error", "message": "年度目标为空",
                     "path": "forms/demo.yaml", "line": 9, "column": 19, "end_line": 9, "end_column": 19,
                     "form": "迎春座谈会", "field": "年度目标", "fix": None, "related": [], "severity_label": "错误"}
    assert document["forms"] == [{"path": "forms/demo.yaml", "form": "迎春座谈会", "kind": "project",
                                  "profile": "legacy", "grade": "差", "error": 2, "warning": 2, "info": 0,
                                  "baseline": 0, "waived": 0}]


def test_statistics_count_per_rule() -> None:
    assert output("concise", statistics=True) == (
        "1  GL102  missing-annual-goal  [错误]\n1  GL206  misplaced-indicator  [警告]\n"
        "1  GL207  value-echoes-name  [错误]\n1  GL208  generic-indicator-name  [警告]\n"
        "共 4 个问题，4 条规则。\n")
    stats = json.loads(output("json", statistics=True))["statistics"]
    assert {row["code"]: row["count"] for row in stats} == dict.fromkeys(SELECT, 1)


def test_sarif_is_valid_and_complete() -> None:
    document = json.loads(output("sarif"))
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == SELECT
    assert rules[0]["defaultConfiguration"]["level"] == "error" and rules[0]["help"]["text"]
    result = run["results"][0]
    assert result["ruleId"] == "GL102" and result["level"] == "error"
    assert rules[result["ruleIndex"]]["id"] == "GL102"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "forms/demo.yaml"
    assert location["region"] == {"startLine": 9, "startColumn": 19, "endLine": 9, "endColumn": 19}


def test_sarif_schema_rejects_what_github_would() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(output("sarif"))
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_sarif_fingerprints_survive_moved_lines() -> None:
    before = json.loads(render("sarif", demo_run()))
    moved = demo_run(DEMO.replace("forms:\n", "# a comment\n\nforms:\n"))
    after = json.loads(render("sarif", moved))
    prints = [[r["partialFingerprints"] for r in doc["runs"][0]["results"]] for doc in (before, after)]
    lines = [[r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in doc["runs"][0]["results"]]
             for doc in (before, after)]
    assert prints[0] == prints[1] and lines[0] != lines[1]
    assert len({json.dumps(p) for p in prints[0]}) == 4


def test_every_format_renders_an_empty_run() -> None:
    engine = make_engine(select=["GL102"])
    run = engine.run([])
    assert render_bytes("xlsx", run).startswith(b"PK")  # a zip: the findings workbook
    for fmt in RENDERERS:
        text = render(fmt, run)
        assert isinstance(text, str)
    assert render("concise", run) == "未发现问题（0 个文件，0 张表）。\n"


def test_caret_handles_tabs_and_wide_characters() -> None:
    shown, at, caret = excerpt("项目名称\t迎春座谈会", 6, 11)
    assert shown == "项目名称 ⇥ 迎春座谈会"
    assert at == width("项目名称 ⇥ ") and caret == 10
