"""One finding per form: a rule's `group:` (its pack) reports its findings in one form once, naming every cell
in every format, with every cell's fix; the pack loader checks the templates; waivers, precedence, baselines
and grades act on it; and the terminal report of the examples is at most half of what issue 18 measured."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from goallint.checks import KINDS
from goallint.cli import main
from goallint.engine import Input, make_engine
from goallint.grade import grade_forms
from goallint.packs import PackError, parse_pack
from goallint.report import RenderOptions, render, render_bytes
from goallint.results import RunReport

ROOT = Path(__file__).resolve().parent.parent
VAGUE = ("人才影响力提高程度", "人才集聚程度", "服务水平")
FORM: dict[str, Any] = {
    "kind": "project", "name": "人才工作专项经费", "department": "清溪镇党建办", "budget": 10000,
    "period_start": 2025, "period_end": 2025, "period_goal": "开展人才工作", "annual_goal": "开展人才工作",
    "indicators": [
        {"level1": "成本指标", "level2": "经济成本指标", "name": "支出标准", "period": "10000元/年", "annual": "10000元/年"},
        {"level1": "产出指标", "level2": "数量指标", "name": "培训次数", "period": "≥ 12 次", "annual": "≥ 12 次"},
        {"name": "参与人次", "period": "≥ 300 人次", "annual": "≥300人次"},
        {"level1": "效益指标", "level2": "社会效益", "name": VAGUE[0], "period": "持续提高", "annual": "持续提高"},
        {"name": VAGUE[1], "period": "逐年提高", "annual": "逐年提高"},
        {"name": VAGUE[2], "period": "逐步提升", "annual": "逐步提升"},
        {"level1": "满意度指标", "level2": "服务对象满意度", "name": "人才满意度", "period": "≥95%", "annual": "≥95%"},
    ],
}


def document(form: dict[str, Any] = FORM) -> str:
    return yaml.safe_dump({"forms": [form]}, allow_unicode=True, sort_keys=False)


def run_of(form: dict[str, Any] = FORM, select: tuple[str, ...] = ("GL303", "GL906"), ungrouped: bool = False,
           ) -> RunReport:
    engine = make_engine(select=list(select))
    if ungrouped:  # the same rules without `group:`, to compare with
        engine.rules = [replace(rule, group=None) for rule in engine.rules]
    engine.keep_lines = engine.keep_forms = True
    return engine.run([Input("forms/talent.yaml", data=document(form).encode("utf-8"))])


def vague(run: RunReport) -> list[Any]:
    return [d for d in run.diagnostics if d.code == "GL303"]


# -- one finding, every cell ----------------------------------------------------------------------------------
def test_a_forms_findings_are_one_at_the_first_cell_naming_each() -> None:
    [grouped] = vague(run_of())
    assert grouped.field == f"效益指标/社会效益/{VAGUE[0]}"
    assert grouped.message == ("3 个指标值是模糊的定性表述，无法衡量："
                               f"“{VAGUE[0]}”（持续提高）、“{VAGUE[1]}”（逐年提高）、“{VAGUE[2]}”（逐步提升）")
    # the first row's other column, then both columns of each other row, each with its own field
    assert [o.field.rsplit("/", 1)[-1] for o in grouped.related] == [VAGUE[0], VAGUE[1], VAGUE[1], VAGUE[2], VAGUE[2]]
    assert [o.line for o in grouped.related] == sorted(o.line for o in grouped.related)
    ungrouped = vague(run_of(ungrouped=True))
    cells = {(d.line, d.column) for d in ungrouped} | {(o.line, o.column) for d in ungrouped for o in d.related}
    assert {(grouped.line, grouped.column)} | {(o.line, o.column) for o in grouped.related} == cells


def test_one_finding_keeps_the_rules_own_message() -> None:
    form = dict(FORM, indicators=FORM["indicators"][:4])
    [single] = vague(run_of(form))
    assert single.message == f"指标“{VAGUE[0]}”的实施周期和年度指标值“持续提高”是模糊的定性表述，无法衡量"


def test_json_sarif_full_html_and_the_workbook_name_every_cell() -> None:
    run = run_of(select=("GL303",))
    [grouped] = json.loads(render("json", run, RenderOptions()))["diagnostics"]
    assert len(grouped["related"]) == 5 and {r["field"] for r in grouped["related"]} == {
        f"效益指标/社会效益/{name}" for name in VAGUE}
    sarif = json.loads(render("sarif", run, RenderOptions()))
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0-excerpt.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    [result] = sarif["runs"][0]["results"]
    assert [(r["physicalLocation"]["region"]["startLine"], r["message"]["text"]) for r in result["relatedLocations"]
            ] == [(r["line"], r["field"]) for r in grouped["related"]]
    full = render("full", run, RenderOptions()).splitlines()
    at = next(i for i, line in enumerate(full) if "GL303" in line)
    others = sorted({(r["line"], r["column"]) for r in grouped["related"] if r["line"] != grouped["line"]})
    assert full[at + 3] == "      另见 " + "、".join(f"{line}:{column}" for line, column in others)
    page = render("html", run, RenderOptions(grades=grade_forms(run)))
    tinted = re.findall(r'data-f="([^"]*)" data-hl="warning">(持续提高|逐年提高|逐步提升)<', page)
    assert len(tinted) == 6 and len({finding for finding, _ in tinted}) == 1
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(BytesIO(render_bytes("xlsx", run, RenderOptions(grades=grade_forms(run)))))["审核意见"]
    [row] = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    places = [f"{r['line']}:{r['column']}" for r in grouped["related"]]
    assert row[3] == f"第 {grouped['line']} 行第 {grouped['column']} 列，另见 {'、'.join(places)}"


def test_fix_rewrites_every_cell_of_a_group(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text(document(), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--format", "json", "--select", "GL906",
                                       str(path)])
    [spaced] = json.loads(result.stdout)["diagnostics"]
    assert spaced["message"] == "2 处指标值中比较符、数字与单位之间有空格：“培训次数”应为“≥12次”、“参与人次”应为“≥300人次”"
    assert len(spaced["fix"]["edits"]) == 3  # 培训次数's two columns and 参与人次's 实施周期 value
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--fix", "--select", "GL906", str(path)])
    assert result.exit_code == 0 and "已修复 1 个" in result.stderr
    text = path.read_text(encoding="utf-8")
    assert "≥ 12 次" not in text and "≥ 300 人次" not in text and text.count("≥12次") == 2 and "≥300人次" in text


# -- what acts on findings acts on a group's cells --------------------------------------------------------
def test_a_cell_another_rule_reports_first_is_not_named_by_the_group() -> None:
    # GL302 (a 数量 value without a number) comes before GL303 on its cell
    form = dict(FORM, indicators=[{"level1": "产出指标", "level2": "数量指标", "name": "培训次数", "annual": "逐年提高"},
                                  {"level1": "效益指标", "level2": "社会效益", "name": VAGUE[0], "annual": "持续提高"}])
    run = run_of(form, select=("GL302", "GL303"))
    assert [(d.code, d.field.rsplit("/", 1)[-1], len(d.related)) for d in run.diagnostics] == [
        ("GL302", "培训次数", 0), ("GL303", VAGUE[0], 0)]


def test_an_indicators_waiver_leaves_its_cells_out_and_a_forms_waiver_the_group() -> None:
    rows = [dict(row) for row in FORM["indicators"]]
    rows[4]["goallint-ignore"] = ["GL303"]
    run = run_of(dict(FORM, indicators=rows), select=("GL303",))
    [grouped] = vague(run)
    assert VAGUE[1] not in grouped.message and {o.field.rsplit("/", 1)[-1] for o in grouped.related} == {
        VAGUE[0], VAGUE[2]}
    assert run.forms[0].waived == (("GL303", "warning"), ("GL303", "warning"))  # both columns of the waived row
    run = run_of(dict(FORM, **{"goallint-ignore": "GL303"}), select=("GL303",))
    assert vague(run) == []


def test_a_baseline_hides_a_group_until_its_cells_change(tmp_path: Path) -> None:
    path, baseline = tmp_path / "form.yaml", tmp_path / "b.yaml"
    path.write_text(document(), encoding="utf-8")

    def check(*args: str) -> tuple[list[dict[str, Any]], str]:
        result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--format", "json", *args, str(path)])
        return json.loads(result.stdout)["diagnostics"] if result.stdout else [], result.stderr

    check("--write-baseline", str(baseline))
    entries = yaml.safe_load(baseline.read_text(encoding="utf-8"))["entries"]
    assert {"path": "form.yaml", "form": "人才工作专项经费", "field": f"效益指标/社会效益/{VAGUE[0]}", "code": "GL303",
            "text": "持续提高、持续提高、逐年提高、逐年提高、逐步提升、逐步提升"} in entries
    found, err = check("--baseline", str(baseline))
    assert found == [] and "过时" not in err
    moved = dict(FORM, indicators=[*FORM["indicators"][3:6], *FORM["indicators"][:3], FORM["indicators"][6]])
    moved["indicators"][3] = dict(moved["indicators"][3], level1="产出指标")
    path.write_text("# rows moved\n\n" + document(moved), encoding="utf-8")
    found, err = check("--baseline", str(baseline))
    assert found == [] and "过时" not in err
    added = dict(moved, indicators=[*moved["indicators"], {"level1": "效益指标", "level2": "社会效益", "name": "人才幸福感",
                                                            "period": "有效提升", "annual": "有效提升"}])
    path.write_text(document(added), encoding="utf-8")
    found, err = check("--baseline", str(baseline))
    assert [(d["code"], d["message"].split("：")[0]) for d in found] == [("GL303", "4 个指标值是模糊的定性表述，无法衡量")]
    assert "人才幸福感" in found[0]["message"] and "1 条记录已过时" in err


def test_a_group_counts_once_and_leaves_the_grade_as_it_was() -> None:
    select = ("GL303", "GL906", "GL204")
    [grouped], [ungrouped] = grade_forms(run_of(select=select)), grade_forms(run_of(select=select, ungrouped=True))
    assert grouped.grade == ungrouped.grade == "良"
    assert (grouped.warning, grouped.info) == (1, 1) and (ungrouped.warning, ungrouped.info) == (3, 2)


# -- rule data ------------------------------------------------------------------------------------------------
RULE = {"code": "GL991", "name": "loose-rate", "severity": "warning",
        "check": {"kind": "value", "when": {"leaf": {"ops": [">="], "units": ["percent"], "below": 99}},
                  "message": "指标“{name}”的{column}指标值“{value}”低于 99%", "note": "低于 99%"},
        "group": {"message": "{count} 个比例低于 99%：{items}", "item": "“{name}”{value}（{note}）"},
        "doc": {"summary": "比例低于 99%。", "why": "太松。", "bad": "≥95%", "good": "≥99%"}}


def test_a_bureaus_rule_groups_with_its_own_templates(tmp_path: Path) -> None:
    pack = tmp_path / "bureau.yaml"
    pack.write_text(yaml.safe_dump({"pack": "bureau", "rules": [RULE]}, allow_unicode=True), encoding="utf-8")
    engine = make_engine(select=["GL991"], extra_packs=[pack])
    form = dict(FORM, indicators=[{"level1": "产出指标", "level2": "质量指标", "name": "合格率", "annual": "≥95%"},
                                  {"name": "达标率", "annual": "≥90%"}])
    [found] = engine.run([Input("f.yaml", data=document(form).encode("utf-8"))]).diagnostics
    assert found.message == "2 个比例低于 99%：“合格率”≥95%（低于 99%）、“达标率”≥90%（低于 99%）"


@pytest.mark.parametrize(("change", "error"), [
    ({"item": "“{name}”{found}"}, "rules[0].group.item: 占位符 'found' 不存在"),
    ({"message": "{count} 个比例低于 99%"}, "rules[0].group.message: 应含 {items}"),
    ({"message": "{total}：{items}"}, "rules[0].group.message: 占位符 'total' 不存在"),
    ({"by": "department"}, "rules[0].group.by: 应为 'form'"),
    ({"per": "form"}, "rules[0].group.per: 未知的键"),
])
def test_the_pack_loader_checks_a_group(change: dict[str, str], error: str) -> None:
    rule = dict(RULE, group={**RULE["group"], **change})
    with pytest.raises(PackError) as caught:
        parse_pack({"pack": "bureau", "rules": [rule]})
    assert str(caught.value).startswith(error)


def test_a_kind_that_gives_no_facts_cannot_group() -> None:
    rule = dict(RULE, check={"kind": "unique", "message": "“{name}”重复（第 {line} 行）", "message_unplaced": "“{name}”重复"})
    with pytest.raises(PackError, match=r"^rules\[0\]\.group: 检查类型 'unique' 不提供各条结果的要素"):
        parse_pack({"pack": "bureau", "rules": [rule]})


def test_the_readme_lists_each_kinds_facts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("#### One finding per form: `group`"):]
    for kind, module in KINDS.items():
        by_test = getattr(module, "FACTS_BY_TEST", {})
        facts = getattr(module, "FACTS", None) or sorted({fact for each in by_test.values() for fact in each}) or None
        if facts is None:
            assert f"| `{kind}` |" not in section.split("\n#", 1)[0]
            continue
        row = next(line for line in section.splitlines() if line.startswith(f"| `{kind}` |"))
        assert all(f"`{{{fact}}}`" in row for fact in facts), kind


# -- the examples' report -------------------------------------------------------------------------------------
def test_the_examples_full_report_is_at_most_half_of_what_issue_18_measured() -> None:
    """The measurement of issue 18 (1,445 lines), with every rule: each defect reported once, nothing hidden."""
    forms = [*map(str, sorted((ROOT / "examples").glob("*.txt"))), str(ROOT / "examples" / "excel"),
             str(ROOT / "examples" / "structured")]
    result = CliRunner().invoke(main, ["check", *forms, "--isolated", "--no-cache", "--no-progress", "--fail-on", "never",
                                       "--format", "full"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) <= 1445 // 2
    for code in ("GL901", "GL902", "GL303", "GL314"):  # grouped, not dropped
        assert re.search(rf"{code} \[[^]]+\] \d+ (处|个)", result.stdout), code
