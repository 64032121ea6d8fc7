"""The reviewer's workflow: reports that say what a baseline or a waiver hid, grades on every finding, one Chinese
vocabulary, the findings workbook, `--format html` on a terminal, `convert` over folders, single config values."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from goallint.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
YAML_FORM = EXAMPLES / "structured" / "党建组织员工资补贴.yaml"
WORKBOOK = EXAMPLES / "excel" / "example.xlsx"
GL401 = "10.3万元/人/年 × 23名 = 2,369,000元，与预算 1,893,200元 不符（差 475,800元）"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def check(*args: str) -> tuple[int, str, str]:
    return run("check", "--isolated", "--no-progress", *args)


@pytest.fixture
def baselined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the YAML example with a baseline recording every finding (the run's folder is the copy's)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(YAML_FORM, tmp_path / "form.yaml")
    assert check("--write-baseline", "goallint-baseline.yaml", "form.yaml")[0] == 0
    return tmp_path


# ---- honest summaries ------------------------------------------------------------------------------------


def test_every_report_says_what_the_baseline_hid_and_grades_on_every_finding(baselined: Path) -> None:
    plain = json.loads(check("--format", "json", "form.yaml")[1])
    total = len(plain["diagnostics"])
    assert any(d["code"] == "GL401" and d["message"] == GL401 for d in plain["diagnostics"])
    args = ("--baseline", "goallint-baseline.yaml", "form.yaml")

    status, out, _ = check("--format", "concise", *args)
    assert status == 0 and out == f"未发现新问题（1 个文件，1 张表）。另有 {total} 个问题未列出：基线隐藏 {total} 个。\n"
    status, out, _ = check("--format", "full", *args)
    assert f"基线隐藏 {total} 个" in out and out.endswith("审核档次：差 1 张。\n")  # a 475,800元 error: 差, not 优

    document = json.loads(check("--format", "json", *args)[1])
    assert document["diagnostics"] == [] and document["summary"]["hidden"] == {"baseline": total, "waiver": 0}
    assert [(d["code"], d["message"]) for d in document["baselined"]] == \
        [(d["code"], d["message"]) for d in plain["diagnostics"]]
    (form,) = document["forms"]
    assert form["grade"] == "差" and form["baseline"] == total and form["error"] >= 1

    sarif = json.loads(check("--format", "sarif", *args)[1])
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["properties"]["hidden"]["baseline"] == total
    github = check("--format", "github", *args)[1]
    assert github == f"::notice title=goallint::未发现新问题（1 个文件，1 张表）。另有 {total} 个问题未列出：基线隐藏 {total} 个。\n"
    statistics = check("--format", "concise", "--statistics", *args)[1]
    assert statistics == f"共 0 个问题，0 条规则。另有 {total} 个问题未列出：基线隐藏 {total} 个。\n"

    page = check("--format", "html", "-o", "report.html", *args)
    text = (baselined / "report.html").read_text(encoding="utf-8")
    assert page[0] == 0 and f'data-hidden-total="baseline">{total}<' in text
    assert text.count('data-hidden="基线"') == total and "基线已记录" in text
    assert re.search(r'<section class="form" id="form-1" data-grade="差">', text)


def test_a_waiver_in_the_form_is_counted_and_still_grades(tmp_path: Path) -> None:
    text = YAML_FORM.read_text(encoding="utf-8")
    waived = tmp_path / "waived.yaml"
    waived.write_text(text.replace("    indicators:", "    goallint-ignore: [GL401]\n    indicators:", 1), encoding="utf-8")
    assert "goallint-ignore" in waived.read_text(encoding="utf-8")
    document = json.loads(check("--format", "json", str(waived))[1])
    assert "GL401" not in [d["code"] for d in document["diagnostics"]]
    assert document["summary"]["hidden"] == {"baseline": 0, "waiver": 1}
    assert document["forms"][0]["waived"] == 1 and document["forms"][0]["grade"] == "差"
    out = check("--format", "concise", str(waived))[1]
    assert out.endswith("另有 1 个问题未列出：表内豁免（goallint-ignore）1 个。\n")
    on_row = tmp_path / "row.yaml"  # the same waiver on the cost indicator's row
    on_row.write_text(text.replace("annual: 10.3万元/人/年}", "annual: 10.3万元/人/年, goallint-ignore: [GL401]}", 1),
                      encoding="utf-8")
    document = json.loads(check("--format", "json", str(on_row))[1])
    assert document["summary"]["hidden"]["waiver"] == 1 and document["forms"][0]["grade"] == "差"


# ---- one vocabulary, the form's name and the cell's own location -----------------------------------------


def test_concise_and_github_name_the_form_and_the_workbook_cell() -> None:
    out = check("--format", "concise", str(WORKBOOK))[1]
    assert f"{WORKBOOK}:批复表!F16: GL401 [错误] 【党建组织员工资补贴】{GL401}\n" in out
    assert not re.search(r"\[(error|warning|info)\]", out)
    github = check("--format", "github", str(WORKBOOK))[1]
    assert f"title=GL401 [错误]::批复表!F16 【党建组织员工资补贴】{GL401}\n" in github
    full = check("--format", "full", str(WORKBOOK))[1]
    assert "  党建组织员工资补贴  审核档次 差  3 个问题\n  批复表!B14  GL104 [提示]" in full


def test_statistics_count_each_rule_once_with_a_total() -> None:
    out = check("--format", "concise", "--statistics", "--select", "GL406", "--fail-on", "never", str(EXAMPLES))[1]
    lines = out.splitlines()
    assert len([line for line in lines if "GL406" in line]) == 1  # 警告 by default, 提示 on dg2019 forms
    n, label = re.fullmatch(r"\s*(\d+)  GL406  no-cost-indicator  \[(.+)\]", lines[0]).groups()  # type: ignore[union-attr]
    parts = dict(part.split(" ") for part in label.split("，"))
    assert set(parts) == {"警告", "提示"} and sum(map(int, parts.values())) == int(n)
    assert lines[-1] == f"共 {n} 个问题，1 条规则。"


# ---- config, html to a terminal, convert over folders ----------------------------------------------------


def test_config_takes_a_single_value_wherever_it_takes_a_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(YAML_FORM, tmp_path / "form.yaml")
    shutil.copy(EXAMPLES / "001_8dd0aec2d39c09c7.txt", tmp_path / "seed.txt")
    (tmp_path / "goallint.yaml").write_text('exclude: "*.txt"\nignore: GL104\ngrade: {blocking: GL101}\n',
                                            encoding="utf-8")
    document = json.loads(run("check", "--no-progress", "--format", "json", ".")[1])
    assert document["summary"]["files"] == 1 and "GL104" not in {d["code"] for d in document["diagnostics"]}
    assert document["forms"][0]["grade"] == "中"  # GL401 is no longer blocking: an error, not 差


def test_html_on_a_terminal_goes_to_a_file_and_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("goallint.commands.check._terminal", lambda: True)
    status, out, err = check("--format", "html", str(YAML_FORM))
    assert status == 1 and out == "" and (tmp_path / "goallint-report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert err.startswith("goallint: 报告已写入 goallint-report.html（共 3 个问题")
    status, _, err = check("--format", "xlsx", str(YAML_FORM))
    assert status == 2 and "-o" in err and "审核意见" in err  # a workbook needs a file name


def test_convert_takes_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, _, err = run("convert", str(EXAMPLES), "--to", "yaml", "-o", str(out))
    assert status == 0, err
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml"))
    assert "001_8dd0aec2d39c09c7.yaml" in written and "excel/example.yaml" in written
    assert "pdf/004_958330f20d319429.yaml" in written and len(written) == 15  # 7 forms files, 8 documents
    status, text, _ = run("convert", str(EXAMPLES), "--to", "json")
    forms = json.loads(text)["forms"]
    per_file = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["forms"]) for p in out.rglob("*.yaml"))
    assert status == 0 and len(forms) == per_file == 66  # 46, and the 4 + 1 forms of two seeds in 4 formats
    again = json.loads(check("--format", "json", str(out))[1])
    assert again["summary"]["forms"] == 66


# ---- the findings workbook -------------------------------------------------------------------------------


def _rows(sheet: Any) -> list[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_findings_workbook_reads_back(tmp_path: Path) -> None:
    import openpyxl

    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(YAML_FORM.read_text(encoding="utf-8").replace("name: 党建组织员工资补贴",
                                                                     'name: "=HYPERLINK(\\"http://x\\")"', 1),
                       encoding="utf-8")
    target = tmp_path / "审核意见.xlsx"
    status, _, err = check("--format", "xlsx", "-o", str(target), str(WORKBOOK), str(YAML_FORM), str(hostile))
    assert status == 1, err
    document = json.loads(check("--format", "json", str(WORKBOOK), str(YAML_FORM), str(hostile))[1])
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["表单", "审核意见"]
    forms, findings = book["表单"], book["审核意见"]
    for sheet in (forms, findings):
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    form_rows = _rows(forms)
    assert [(r["表单名称"], r["审核档次"], r["错误"], r["警告"], r["提示"]) for r in form_rows] == \
        [(f["form"], f["grade"], f["error"], f["warning"], f["info"]) for f in document["forms"]]
    first = form_rows[0]
    assert first["主管部门"] == "东莞市清溪镇党建和组织人事办公室" and first["预算（元）"] == 1893200
    rows = _rows(findings)
    assert len(rows) == len(document["diagnostics"])
    cost = next(r for r in rows if r["规则"] == "GL401" and r["文件"] == str(WORKBOOK))
    assert cost["单元格"] == "批复表!F16" and cost["级别"] == "错误" and cost["问题"] == GL401
    assert cost["规则名称"] == "测算金额与预算不符"
    assert cost["测算"] == "10.3万元/人/年 × 23名 = 2,369,000元" and cost["指标"] == "成本指标/经济成本指标/支出标准"
    yaml_row = next(r for r in rows if r["规则"] == "GL401" and r["文件"] == str(YAML_FORM))
    assert yaml_row["单元格"] == "第 21 行第 80 列" and yaml_row["状态"] == "待处理"
    assert '=HYPERLINK("http://x")' in {r["表单名称"] for r in form_rows}  # text, never a formula
    assert all(cell.data_type != "f" for row in forms.iter_rows() for cell in row)


def test_the_workbook_shows_the_arithmetic_of_exactly_the_rules_whose_message_names_it(tmp_path: Path) -> None:
    """The 测算 column is filled for the rules whose message template names `{arithmetic}` (a pack's choice,
    no list of codes): a pack that drops it from GL401's template drops the column's text too."""
    import openpyxl

    from goallint.packs import bundled_packs
    from goallint.report.forms import arithmetic_codes, shows_arithmetic

    shown = arithmetic_codes(rule for pack in bundled_packs() for rule in pack.rules)
    assert {"GL401", "GL402", "GL403", "GL404", "GL506"} <= shown and not {"GL405", "GL406", "GL407"} & shown
    target = tmp_path / "a.xlsx"
    seeds = sorted(EXAMPLES.glob("00[34]_*.txt"))
    check("--format", "xlsx", "-o", str(target), *map(str, seeds))
    rows = _rows(openpyxl.load_workbook(target)["审核意见"])
    filled = {r["规则"] for r in rows if r["测算"]}
    assert {"GL401", "GL506"} <= filled <= shown
    gl401 = next(rule for pack in bundled_packs() for rule in pack.rules if rule.code == "GL401")
    assert shows_arithmetic(gl401)
    plain = replace(gl401, check=replace(gl401.check, message="测算与预算 {budget} 不符（差 {difference}）"))
    assert not shows_arithmetic(plain)


# ---- a text form written with spaces instead of tabs -----------------------------------------------------


def test_a_text_form_with_spaces_instead_of_tabs_is_one_finding_that_says_so(tmp_path: Path) -> None:
    from goallint.readers.text import spaced_columns

    seed = (EXAMPLES / "001_8dd0aec2d39c09c7.txt").read_text(encoding="utf-8")
    spaced = tmp_path / "spaced.txt"
    spaced.write_text(seed.replace("\t", "    "), encoding="utf-8")
    first = next(n for n, line in enumerate(seed.split("\n"), start=1) if "\t" in line.strip("\t"))
    document = json.loads(check("--format", "json", str(spaced))[1])
    [finding] = document["diagnostics"]  # not GL201/GL102/GL406 of a form read as one column
    assert finding["code"] == "GL001" and finding["line"] == first
    assert finding["message"].startswith(f"各栏用空格而不是制表符（Tab）分隔（第 {first} 行起）")
    assert all(spaced_columns(path.read_text(encoding="utf-8")) is None for path in EXAMPLES.glob("*.txt"))
    assert spaced_columns("项目名称  一个项目\n这是一句话，  中间有两个空格。\n") == 1
    assert spaced_columns("项目名称 一个项目\n一句话\n") is None  # single spaces are words, not columns


def test_gl406_points_at_the_cost_level_row_and_broken_yaml_at_its_line(tmp_path: Path) -> None:
    seed = EXAMPLES / "000_9fd6cdad8612f9fc.txt"
    lines = seed.read_text(encoding="utf-8").split("\n")
    document = json.loads(check("--format", "json", "--select", "GL406", str(seed))[1])
    assert document["diagnostics"]
    for d in document["diagnostics"]:
        row = lines[d["line"] - 1]
        assert "成本" in row[d["column"] - 1:d["end_column"] - 1], row  # the cost level's label, not the title
    broken = tmp_path / "broken.yaml"
    broken.write_text("forms:\n  - kind: project\n    name: [\n      budget: 3\n", encoding="utf-8")
    [finding] = json.loads(check("--format", "json", str(broken))[1])["diagnostics"]
    assert finding["code"] == "GL002" and finding["line"] == 5 and "第 5 行" in finding["message"]


def test_the_readme_shows_the_text_layout_example_as_it_is_and_it_lints_clean() -> None:
    example = EXAMPLES.parent / "docs" / "text-layout" / "迎春座谈会.txt"
    text = example.read_text(encoding="utf-8")
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    assert "```text\n" + text.replace("\t", " ⇥ ") + "```" in readme
    status, out, _ = check("--format", "concise", str(example))
    assert status == 0 and out == "未发现问题（1 个文件，1 张表）。\n"
