"""The engine and `goallint check`: selection, precedence, waivers, config, bad packs, parallel runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from goallint.checks import KINDS
from goallint.checks.support.base import FormContext, GroupFinding
from goallint.checks.support.patterns import check_pattern
from goallint.cli import main
from goallint.engine import Input, UsageError, make_engine
from goallint.model import cell_text, form_name
from goallint.packs import bundled_packs, rule_pack_schema
from goallint.plumbing.resources import rules_dir

FORM: dict[str, Any] = {
    "kind": "project",
    "name": "测试项目",
    "department": "清溪镇党建办",
    "budget": 100000,
    "budget_year": 2025,
    "period_start": 2025,
    "period_end": 2025,
    "period_goal": "完成测试",
    "annual_goal": "完成测试",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "数量", "annual": "12次"},
        {"level2": "质量指标", "name": "验收合格率", "annual": "100%"},
        {"level2": "时效指标", "name": "完成时间", "annual": "12月底前"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "群众满意度", "annual": "≥90%"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "服务对象满意度", "annual": "≥90%"},
    ],
}


def write_form(folder: Path, filename: str = "form.yaml", **changes: Any) -> Path:
    path = folder / filename
    path.write_text(yaml.safe_dump({**FORM, **changes}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", *args])
    return result.exit_code, result.stdout, result.stderr


def codes(*args: str) -> list[str]:
    status, out, err = check("--format", "json", *args)
    assert status in (0, 1), err
    return [d["code"] for d in json.loads(out)["diagnostics"]]


# -- selection ------------------------------------------------------------------------------------------------
def test_default_selection_leaves_off_rules_off_and_prefix_does_too() -> None:
    rules = [rule for pack in bundled_packs() for rule in pack.rules]
    assert "GL106" not in make_engine().selected
    assert "GL106" not in make_engine(select=["GL1"]).selected
    assert make_engine(select=["GL1"]).selected == {r.code for r in rules if r.code.startswith("GL1") and r.enabled}
    assert make_engine(select=["GL106"]).selected == {"GL106"}
    assert make_engine(select=["open-ended-period", "GL20"]).selected >= {"GL106", "GL201", "GL209"}
    assert make_engine(select=["GL2"], ignore=["GL208", "duplicate-indicator"]).selected.isdisjoint({"GL205", "GL208"})
    assert "GL106" in make_engine(extend_select=["GL106"]).selected


@pytest.mark.parametrize("token", ["GL999", "GL7", "no-such-rule", "G"])
def test_unknown_selection_is_a_usage_error(token: str) -> None:
    with pytest.raises(UsageError, match=token):
        make_engine(select=[token])


def test_cli_select_and_ignore(tmp_path: Path) -> None:
    path = write_form(tmp_path)
    assert set(codes(str(path))) >= {"GL206", "GL208"}
    assert codes("--select", "GL208", str(path)) == ["GL208"]
    assert "GL208" not in codes("--ignore", "generic-indicator-name", str(path))
    status, out, err = check("--select", "GL2,GL999", str(path))
    assert status == 2 and out == "" and err.count("\n") == 1 and "GL999" in err


# -- precedence, waivers, severity ----------------------------------------------------------------------------
def test_precedence_keeps_the_more_specific_finding(tmp_path: Path) -> None:
    pack = {"pack": "extra", "rules": [
        {"code": f"GL98{i}", "name": f"extra-generic-{i}", "severity": "warning",
         "check": {"kind": "names", "test": "generic", "vocabulary": "category_words", "message": "类别词“{name}”"},
         "suppressed_by": ["GL980"] if i else [],
         "doc": {"summary": "s", "why": "w", "bad": "b", "good": "g"}} for i in (0, 1)]}
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True), encoding="utf-8")
    (tmp_path / "goallint.yaml").write_text("rules: [extra.yaml]\nselect: [GL98]\n", encoding="utf-8")
    form = write_form(tmp_path)
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "goallint.yaml"), "--format", "json",
                                       str(form)])
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["GL980"]


def test_form_and_indicator_waivers(tmp_path: Path) -> None:
    indicators = [dict(item) for item in FORM["indicators"]]
    indicators[0]["goallint-ignore"] = ["GL208"]
    assert "GL208" not in codes(str(write_form(tmp_path, "a.yaml", indicators=indicators)))
    assert "GL206" in codes(str(write_form(tmp_path, "a.yaml", indicators=indicators)))
    waived = write_form(tmp_path, "b.yaml", **{"goallint-ignore": ["GL2"]})
    assert not [code for code in codes(str(waived)) if code.startswith("GL2")]


def test_severity_override_and_fail_on(tmp_path: Path) -> None:
    path = write_form(tmp_path)
    status, out, _ = check("--select", "GL208", "--format", "json", str(path))
    assert status == 0  # a warning does not fail by default
    status, out, _ = check("--select", "GL208", "--severity", "GL208=error", "--format", "json", str(path))
    assert status == 1 and json.loads(out)["diagnostics"][0]["severity"] == "error"
    assert check("--select", "GL208", "--fail-on", "warning", str(path))[0] == 1
    assert check("--select", "GL208", "--severity", "GL208=fatal", str(path))[0] == 2


def test_profile_switch_turns_gl209_off_in_dg2019(tmp_path: Path) -> None:
    indicators = [{"level1": "预期产出", "level2": "时效指标", "name": "预算执行率", "annual": "100%"}]
    path = write_form(tmp_path, indicators=indicators)
    assert codes("--select", "GL209", str(path)) == []  # detected as dg2019 by 预期产出
    assert codes("--select", "GL209", "--profile", "dg2019", str(path)) == []
    assert codes("--select", "GL209", "--profile", "dg2025", str(path)) == ["GL209"]
    assert check("--profile", "dg2030", str(path))[0] == 2


# -- config ---------------------------------------------------------------------------------------------------
def test_config_discovery_per_file_ignores_and_exclude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "forms").mkdir()
    write_form(tmp_path / "forms", "a.yaml")
    write_form(tmp_path / "forms", "draft.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.goallint]\nselect = ["GL208", "GL206"]\nexclude = ["draft.yaml"]\n'
        '[tool.goallint.per-file-ignores]\n"forms/a.yaml" = ["GL206"]\n', encoding="utf-8")
    (tmp_path / "forms" / "sub").mkdir()
    for folder, target in ((tmp_path, "forms"), (tmp_path / "forms" / "sub", "..")):
        monkeypatch.chdir(folder)
        result = CliRunner().invoke(main, ["check", "--format", "json", target])
        report = json.loads(result.stdout)
        assert report["summary"]["files"] == 1
        assert [d["code"] for d in report["diagnostics"]] == ["GL208"]


@pytest.mark.parametrize(("config", "key"), [
    ("selec: [GL1]\n", "selec"),
    ("select: [GL1, GL777]\n", "GL777"),
    ("ignore: GL2,GL778\n", "ignore: 未知的规则编号、名称或前缀 'GL778'"),
    ("severity: {GL208: loud}\n", "severity.GL208"),
    ("per-file-ignores: {'*.yaml': [nope]}\n", "per-file-ignores"),
    ("fail-on: sometimes\n", "fail-on"),
    ("select: [GL1\n", "不是有效的 YAML"),
])
def test_bad_config_is_one_line_naming_file_and_key(tmp_path: Path, config: str, key: str) -> None:
    path = tmp_path / "goallint.yaml"
    path.write_text(config, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(path), str(write_form(tmp_path))])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr and key in result.stderr


# -- bad packs ------------------------------------------------------------------------------------------------
GOOD_RULE: dict[str, Any] = {"code": "GL970", "name": "extra-rule", "severity": "info", "check": {"kind": "unique", "message": "重复“{name}”（第 {line} 行）", "message_unplaced": "重复“{name}”"},
                             "doc": {"summary": "s", "why": "w", "bad": "b", "good": "g"}}


@pytest.mark.parametrize(("change", "where"), [
    ({"check": {"kind": "requird"}}, "rules[1].check.kind: 未知的检查类型 'requird'"),
    ({"severity": None}, "rules[1].severity"),
    ({"where": {"name": "(a+)+"}}, "rules[1].where.name: 正则表达式 '(a+)+' 嵌套了量词"),
    ({"where": {"name": "a("}}, "rules[1].where.name: 正则表达式"),
    ({"code": "GL970"}, "rules[1].code: 'GL970' 重复"),
    ({"code": "GL101"}, "rules[1].code: 'GL101' 重复"),
    ({"colour": "red"}, "rules[1].colour: 未知的键"),
    ({"check": {"kind": "names", "test": "generic", "vocabulary": "nope", "message": "{name}"}},
     "rules[1].check.vocabulary: 未知的词表"),
    ({"check": {"kind": "period", "test": "sideways", "message": "{end}"}}, "rules[1].check.test"),
    ({"doc": {"summary": "s"}}, "rules[1].doc.why: 缺少这一项"),
])
def test_bad_pack_is_one_line_naming_file_and_key(tmp_path: Path, change: dict[str, Any], where: str) -> None:
    second = {**GOOD_RULE, "code": "GL971", "name": "extra-rule-two", **change}
    if change.get("severity", "") is None:
        del second["severity"]
    pack_path = tmp_path / "extra.yaml"
    pack_path.write_text(yaml.safe_dump({"pack": "extra", "rules": [GOOD_RULE, second]}), encoding="utf-8")
    (tmp_path / "goallint.yaml").write_text("rules: [extra.yaml]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "goallint.yaml"),
                                       str(write_form(tmp_path))])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{pack_path}: {where}" in result.stderr


def test_rule_pack_schema_accepts_the_bundled_packs() -> None:
    schema = rule_pack_schema()
    for name in ("input", "completeness", "structure"):  # packs of other kinds may use shorthand forms
        path = rules_dir() / f"{name}.yaml"
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"pack": "x", "rules": [{**GOOD_RULE, "check": {"kind": "requird"}}]}, schema)


@given(st.text(max_size=60))
def test_pattern_check_accepts_or_rejects_with_one_line(pattern: str) -> None:
    try:
        assert check_pattern(pattern) == pattern
    except ValueError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("pattern", ["(a+)+", "(a*)*b", "(?:x+y?)*", "((ab)+c)+"])
def test_nested_quantifiers_are_rejected(pattern: str) -> None:
    with pytest.raises(ValueError, match="嵌套了量词"):
        check_pattern(pattern)


# -- the command ----------------------------------------------------------------------------------------------
def test_unreadable_and_formless_files_are_findings_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "empty.yaml").write_text("forms: []\n", encoding="utf-8")
    status, out, err = check("--format", "concise", str(tmp_path / "broken.xlsx"), str(tmp_path / "empty.yaml"),
                             str(tmp_path / "missing.txt"))
    assert status == 1 and "Traceback" not in err
    assert "broken.xlsx:1:1: GL002" in out and "empty.yaml:1:1: GL001" in out and "missing.txt:1:1: GL002" in out


def test_stdin_with_a_file_name(tmp_path: Path) -> None:
    text = yaml.safe_dump(FORM, allow_unicode=True)
    result = CliRunner().invoke(main, ["check", "--isolated", "--format", "concise", "--select", "GL208",
                                       "--stdin-filename", "draft.yaml", "-"], input=text.encode())
    assert result.stdout.startswith("draft.yaml:") and "GL208" in result.stdout


def test_parallel_run_is_identical_to_serial(tmp_path: Path) -> None:
    for i in range(12):
        write_form(tmp_path, f"f{i:02}.yaml", name=f"项目{i}", budget="待定" if i % 3 else 1000)
    serial = check("-j", "1", "--format", "json", str(tmp_path))
    parallel = check("-j", "2", "--format", "json", str(tmp_path))
    assert serial == parallel
    assert json.loads(serial[1])["summary"]["files"] == 12


# -- group kinds ----------------------------------------------------------------------------------------------
@dataclass
class _GroupParams:
    kind: Literal["testgroup"] = "testgroup"


def _summarize(params: _GroupParams, ctx: FormContext) -> dict[str, Any]:
    return {"path": ctx.form.path, "form": form_name(ctx.form), "department": cell_text(ctx.form.department)}


def _run_group(params: _GroupParams, summaries: list[dict[str, Any]]) -> Iterator[GroupFinding]:
    by_department: dict[str, list[dict[str, Any]]] = {}
    for summary in summaries:
        by_department.setdefault(summary["department"], []).append(summary)
    for department, members in by_department.items():
        if len(members) > 1:
            for member in members:
                yield GroupFinding(path=member["path"], form=member["form"], line=2,
                                   message=f"{department} 有 {len(members)} 张表")


def test_group_kind_sees_every_form_of_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = ModuleType("testgroup")
    module.Params = _GroupParams  # type: ignore[attr-defined]
    module.summarize = _summarize  # type: ignore[attr-defined]
    module.run_group = _run_group  # type: ignore[attr-defined]
    module.run = lambda params, ctx: iter(())  # type: ignore[attr-defined]
    monkeypatch.setitem(KINDS, "testgroup", module)
    pack = {"pack": "group", "rules": [{**GOOD_RULE, "code": "GL960", "name": "test-group",
                                        "check": {"kind": "testgroup"}}]}
    (tmp_path / "group.yaml").write_text(yaml.safe_dump(pack), encoding="utf-8")
    paths = [write_form(tmp_path, f"f{i}.yaml", name=f"项目{i}") for i in range(3)]
    waived = write_form(tmp_path, "f3.yaml", name="项目3", **{"goallint-ignore": ["GL960"]})
    other = write_form(tmp_path, "f4.yaml", name="项目4", department="别的部门")
    engine = make_engine(select=["GL960"], extra_packs=[tmp_path / "group.yaml"])
    inputs = [Input(str(p), p) for p in [*paths, waived, other]]
    serial, parallel = engine.run(inputs, jobs=1), engine.run(inputs, jobs=2)
    assert [asdict(d) for d in serial.diagnostics] == [asdict(d) for d in parallel.diagnostics]
    assert [(Path(d.path).name, d.message) for d in serial.diagnostics] == [
        (f"f{i}.yaml", "清溪镇党建办 有 4 张表") for i in range(3)]


# -- goallint rules / rule ------------------------------------------------------------------------------------
def test_rules_json_lists_every_rule_and_rule_explains_each() -> None:
    result = CliRunner().invoke(main, ["rules", "--json"])
    rows = json.loads(result.stdout)
    all_rules = [rule for pack in bundled_packs() for rule in pack.rules]
    assert [row["code"] for row in rows] == sorted(rule.code for rule in all_rules)
    gl106 = next(row for row in rows if row["code"] == "GL106")
    assert gl106["enabled"] is False and gl106["pack"] == "completeness"
    for rule in all_rules:
        explained = CliRunner().invoke(main, ["rule", rule.name])
        assert explained.exit_code == 0
        assert rule.doc.summary in explained.stdout and rule.doc.bad in explained.stdout
    assert CliRunner().invoke(main, ["rule", "GL000"]).exit_code == 2


def test_my_rules_carry_a_chinese_doc_and_basis() -> None:
    for pack in bundled_packs():
        if pack.pack not in ("input", "completeness", "structure"):
            continue
        for rule in pack.rules:
            for text in (rule.doc.summary, rule.doc.why, rule.doc.bad, rule.doc.good, rule.doc.basis):
                assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"{rule.code}: {text!r}"


def test_a_markup_rule_with_its_own_where_sees_only_those_cells(tmp_path: Path) -> None:
    """Bundled markup rules share one walk of the form; a pack's markup rule that narrows `where` walks its own
    (only the annual column of 质量指标 here), and both report the same cells they did one rule at a time."""
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: own\nrules:\n  - code: GL991\n    name: spaced-annual-quality\n    severity: info\n"
                    "    where: {level2: [quality], columns: [annual]}\n"
                    "    check: {kind: markup, defect: space, cells: [values], message: '{cell}有空格',\n"
                    "            fix_message: '改为“{fixed}”', cell_names: {values: '指标“{name}”的值'}}\n"
                    "    doc: {summary: 质量指标年度值中有空格。, why: 排版残留。, bad: ≥ 95 %, good: ≥95%}\n", encoding="utf-8")
    form = ("forms:\n  - kind: project\n    name: 测试\n    indicators:\n"
            "      - {level1: 产出指标, level2: 数量指标, name: 场次, period: '≥ 3 场', annual: '≥ 2 场'}\n"
            "      - {level2: 质量指标, name: 合格率, period: '≥ 90 %', annual: '≥ 95 %'}\n")
    engine = make_engine(select=["GL906", "GL991"], extra_packs=[pack])
    run = engine.run([Input("f.yaml", data=form.encode("utf-8"))])
    # GL906 groups a form's findings: its one finding names every cell (its baseline text holds each one's)
    assert [d.code for d in run.diagnostics].count("GL906") == 1
    found = sorted((d.code, text) for d in run.diagnostics for text in d.cell_text.split("、"))
    assert found == [("GL906", "≥2场"), ("GL906", "≥3场"), ("GL906", "≥90%"), ("GL906", "≥95%"), ("GL991", "≥95%")]


def test_output_file_is_checked_before_the_run_and_replaced_whole(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    form = write_form(tmp_path)
    status, out, err = check("-o", str(tmp_path / "missing" / "report.json"), str(form))
    assert status == 2 and err.strip().endswith(f"no such folder {tmp_path / 'missing'}") and out == ""
    report = tmp_path / "report.json"
    status, _, _ = check("--format", "json", "-o", str(report), str(form))
    assert status in (0, 1) and json.loads(report.read_text(encoding="utf-8"))["summary"]["files"] == 1
    before = report.read_bytes()

    import goallint.plumbing.atomic

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(goallint.plumbing.atomic.os, "fsync", full_disk)
    status, _, err = check("--format", "concise", "-o", str(report), str(form))
    assert status == 2 and "cannot write the report: No space left on device" in err
    assert report.read_bytes() == before  # the earlier report is whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []  # no temporary file left


def test_the_command_line_and_the_tests_make_the_same_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One factory: the command line hands `make_engine` its config and options, as a test may.
    from goallint.commands.check import build_engine
    from goallint.commands.options import CheckOptions
    from goallint.config import load_config

    (tmp_path / "goallint.yaml").write_text("select: [GL1, GL2]\nignore: [GL208]\nseverity: {GL206: info}\n",
                                            encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config(None, False)
    assert config.path  # the file above was found
    options = CheckOptions(select="GL208", extend_select="GL106", severity=["GL201=warning"])
    cli = build_engine(options, config, keep_lines=False)
    library = make_engine(config, select=["GL208"], extend_select=["GL106"], severity={"GL201": "warning"})
    assert cli.settings() == library.settings()
    assert cli.selected == {"GL208", "GL106"}  # the command line's select replaces the config's, beats its ignore
    assert cli.severity == {"GL206": "info", "GL201": "warning"}
    by_config = make_engine(config)
    assert "GL208" not in by_config.selected and "GL101" in by_config.selected and "GL301" not in by_config.selected
    with pytest.raises(UsageError, match="goallint.yaml: ignore"):
        make_engine(replace(config, ignore=["GL999"]))
    with pytest.raises(UsageError, match="--severity GL201=loud"):
        make_engine(config, severity=["GL201=loud"])
