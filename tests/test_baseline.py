"""Baselines: `--write-baseline` records the findings, `--baseline` (or `baseline:` in config) hides them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from test_engine import FORM as ENGINE_FORM

from goallint.baseline import BaselineError, load
from goallint.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / "004_958330f20d319429.txt"

FORM: dict[str, Any] = {  # test_engine's form with a vague quantity and a vague benefit (GL302, GL303)
    **ENGINE_FORM, "annual_goal": "完成本年测试",
    "indicators": [dict(ENGINE_FORM["indicators"][0], annual="若干"), *ENGINE_FORM["indicators"][1:3],
                   dict(ENGINE_FORM["indicators"][3], name="群众获得感", annual="有效提升"),
                   ENGINE_FORM["indicators"][4]],
}


def write_form(path: Path, form: dict[str, Any] | None = None, prefix: str = "") -> Path:
    body = yaml.safe_dump({"forms": [form or FORM]}, allow_unicode=True, sort_keys=False)
    path.write_text(prefix + body, encoding="utf-8")
    return path


def check(*args: str, isolated: bool = True) -> tuple[int, str, str]:
    extra = ["--isolated"] if isolated else []
    result = CliRunner().invoke(main, ["check", *extra, "--no-progress", *args])
    return result.exit_code, result.stdout, result.stderr


def found(*args: str, isolated: bool = True) -> list[tuple[str, str]]:
    status, out, err = check("--format", "json", *args, isolated=isolated)
    assert status in (0, 1), err
    return [(d["code"], d["field"]) for d in json.loads(out)["diagnostics"]]


def test_write_then_check_hides_every_recorded_finding(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    before = found(str(form))
    assert ("GL302", "产出指标/数量指标/数量") in before and ("GL303", "效益指标/社会效益指标/群众获得感") in before
    status, out, err = check("--write-baseline", str(tmp_path / "goallint-baseline.yaml"), str(form))
    assert status == 0 and out == "" and f"已将 {len(before)} 个问题" in err
    status, out, _ = check("--format", "concise", "--baseline", str(tmp_path / "goallint-baseline.yaml"), str(form))
    assert status == 0 and "GL30" not in out
    assert out.endswith(f"未发现新问题（1 个文件，1 张表）。另有 {len(before)} 个问题未列出：基线隐藏 {len(before)} 个。\n")


def test_the_file_is_readable_sorted_yaml_keyed_without_lines(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    baseline = tmp_path / "b.yaml"
    check("--write-baseline", str(baseline), str(form))
    text = baseline.read_text(encoding="utf-8")
    assert text.startswith("# goallint baseline") and "line" not in yaml.safe_load(text)["entries"][0]
    entries = yaml.safe_load(text)["entries"]
    assert {"path": "form.yaml", "form": "测试项目", "field": "效益指标/社会效益指标/群众获得感",
            "code": "GL303", "text": "有效提升"} in entries
    order = [(e["path"], e["form"], e["code"], e["field"], e.get("text", "")) for e in entries]
    assert order == sorted(order)


def test_moving_rows_keeps_the_baseline_and_a_new_finding_is_reported(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    baseline = tmp_path / "b.yaml"
    check("--write-baseline", str(baseline), str(form))
    moved = dict(FORM, indicators=[FORM["indicators"][i] for i in (1, 2, 0, 4, 3)])
    moved["indicators"][0] = dict(moved["indicators"][0], level1="产出指标")
    moved["indicators"][2] = {k: v for k, v in moved["indicators"][2].items() if k != "level1"}
    write_form(form, moved, prefix="# moved rows\n\n\n")
    assert found("--baseline", str(baseline), str(form)) == []
    changed = dict(moved, indicators=[*moved["indicators"], {"level1": "效益指标", "level2": "社会效益指标",
                                                             "name": "群众幸福感", "annual": "明显提高"}])
    write_form(form, changed)
    # GL303 groups a form's vague values: the new one joins the recorded one in one finding, which is new (a
    # baseline matches a grouped finding by the texts of all its cells), at the form's first vague value
    status, out, err = check("--format", "json", "--baseline", str(baseline), str(form))
    assert status in (0, 1) and "1 条记录已过时" in err  # the single GL303 recorded is no more
    [new] = json.loads(out)["diagnostics"]
    assert (new["code"], new["field"]) == ("GL303", "效益指标/社会效益指标/群众获得感")
    assert "群众幸福感" in new["message"] and [r["field"] for r in new["related"]] == ["效益指标/社会效益指标/群众幸福感"]


def test_text_seed_shifted_down_still_matches(tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    shutil.copy(SEED, seed)
    assert found(str(seed))
    check("--write-baseline", str(tmp_path / "b.yaml"), str(seed))
    seed.write_bytes(b"\n\n\n" + SEED.read_bytes())
    assert found("--baseline", str(tmp_path / "b.yaml"), str(seed)) == []


def test_counts_hide_that_many_identical_findings(tmp_path: Path) -> None:
    same = {"level1": "效益指标", "level2": "社会效益指标", "name": "群众获得感", "period": "有效提升",
            "annual": "有效提升"}
    form = write_form(tmp_path / "form.yaml", dict(FORM, indicators=[*FORM["indicators"][:3], same]))
    baseline = tmp_path / "b.yaml"
    check("--write-baseline", str(baseline), str(form))
    entry = next(e for e in yaml.safe_load(baseline.read_text(encoding="utf-8"))["entries"] if e["code"] == "GL303")
    assert entry.get("count", 1) == 1  # the 实施周期 and 年度 cells say the same: one finding
    again = {k: v for k, v in same.items() if k not in ("level1", "level2")}
    twice = dict(FORM, indicators=[*FORM["indicators"][:3], same, again])
    write_form(form, twice)  # the same indicator again: one more identical finding, beyond the count
    new = found("--baseline", str(baseline), str(form))
    assert new.count(("GL303", "效益指标/社会效益指标/群众获得感")) == 1 and ("GL205", "效益指标/社会效益指标/群众获得感") in new


def test_stale_entries_are_counted_and_listed_with_statistics(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    other = write_form(tmp_path / "other.yaml", dict(FORM, name="另一项目"))
    baseline = tmp_path / "b.yaml"
    check("--write-baseline", str(baseline), str(form), str(other))
    fixed = dict(FORM, indicators=[dict(FORM["indicators"][0], annual="12次"), *FORM["indicators"][1:]])
    write_form(form, fixed)
    status, out, err = check("--format", "concise", "--baseline", str(baseline), str(form))
    assert status == 0 and "1 条记录已过时" in err and "GL302" not in err  # only the files linted count
    status, out, err = check("--statistics", "--format", "concise", "--baseline", str(baseline), str(form))
    assert "form.yaml: 测试项目: 产出指标/数量指标/数量: GL302 “若干”" in err
    assert "另一项目" not in err and "基线隐藏 3 个" in out  # the statistics count what the baseline hid


def test_rewriting_gives_the_same_bytes(tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    shutil.copy(SEED, seed)
    write_form(tmp_path / "form.yaml")
    baseline = tmp_path / "b.yaml"
    check("--write-baseline", str(baseline), str(tmp_path))
    first = baseline.read_bytes()
    check("-j", "2", "--write-baseline", str(baseline), str(seed), str(tmp_path / "form.yaml"))
    assert baseline.read_bytes() == first
    assert load(baseline).counts  # what goallint writes, goallint reads


def test_paths_are_relative_to_the_baseline_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "ci").mkdir()
    write_form(tmp_path / "forms" / "form.yaml")
    monkeypatch.chdir(tmp_path / "forms")
    check("--write-baseline", "../ci/b.yaml", "form.yaml")
    assert {e["path"] for e in yaml.safe_load((tmp_path / "ci" / "b.yaml").read_text("utf-8"))["entries"]} \
        == {"../forms/form.yaml"}
    monkeypatch.chdir(tmp_path)
    assert found("--baseline", "ci/b.yaml", "forms") == []


def test_config_key_is_relative_to_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "forms").mkdir()
    write_form(tmp_path / "forms" / "form.yaml")
    (tmp_path / "goallint.yaml").write_text("baseline: goallint-baseline.yaml\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "forms")
    status, _, err = check("form.yaml", isolated=False)
    assert status == 2 and err.count("\n") == 1 and "goallint.yaml: baseline:" in err and "找不到基线文件" in err
    assert check("--write-baseline", "../goallint-baseline.yaml", ".", isolated=False)[0] == 0
    assert found("form.yaml", isolated=False) == []
    assert found("--isolated", "form.yaml", isolated=False)  # no config, no baseline
    monkeypatch.chdir(tmp_path)  # the baseline and config files themselves are never linted as forms
    assert found(".", isolated=False) == [] and found("goallint-baseline.yaml", "goallint.yaml", isolated=False) == []


@pytest.mark.parametrize(("text", "where"), [
    (None, ": 找不到基线文件"),
    ("entries: [\n", ":2: 不是有效的 YAML"),
    ("- a\n", ":1: 应是含 `goallint-baseline`"),
    ("entries: {}\n", ":1: entries: 应为列表"),
    ("goallint-baseline: 1\nentries:\n- {path: a.txt, code: GL401}\n- {path: a.txt}\n", ":4: entries[1]: 缺少键 `code`"),
    ("entries:\n- {path: a.txt, code: GL401, line: 3}\n", ":2: entries[0]: 未知的键 'line'"),
    ("entries:\n- {path: a.txt, code: GL401, count: 0}\n", ":2: entries[0].count: 应为 1 到 999999999 的整数"),
    ("entries:\n- {path: a.txt, code: [GL401]}\n", ":2: entries[0].code: 应为单个值"),
    ("goallint-baseline: 7\nentries: []\n", ":1: goallint-baseline: 不支持的版本"),
    ("baseline: []\n", ":1: 未知的键 'baseline'"),
])
def test_a_bad_baseline_is_one_line_naming_file_and_place(tmp_path: Path, text: str | None, where: str) -> None:
    form = write_form(tmp_path / "form.yaml")
    baseline = tmp_path / "b.yaml"
    if text is not None:
        baseline.write_text(text, encoding="utf-8")
    status, out, err = check("--baseline", str(baseline), str(form))
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert f"{baseline}{where}" in err
    with pytest.raises(BaselineError):
        load(baseline)


def test_an_empty_entry_list_hides_nothing(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    (tmp_path / "b.yaml").write_text("goallint-baseline: 1\nentries:\n", encoding="utf-8")
    assert found("--baseline", str(tmp_path / "b.yaml"), str(form)) == found(str(form))


def test_write_baseline_ignores_the_baseline_in_effect(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    baseline = tmp_path / "b.yaml"
    check("--write-baseline", str(baseline), str(form))
    first = baseline.read_bytes()
    status, _, err = check("--baseline", str(baseline), "--write-baseline", str(baseline), str(form))
    assert status == 0 and baseline.read_bytes() == first  # every finding recorded again, not only new ones


def test_write_to_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    status, _, err = check("--write-baseline", str(tmp_path / "no" / "b.yaml"), str(form))
    assert status == 2 and err.count("\n") == 1 and "无法写入基线" in err
    assert list(tmp_path.iterdir()) == [form]


def test_write_baseline_with_diff_is_a_usage_error(tmp_path: Path) -> None:
    form = write_form(tmp_path / "form.yaml")
    status, out, err = check("--diff", "--write-baseline", str(tmp_path / "b.yaml"), str(form))
    assert status == 2 and out == "" and "--diff" in err and err.count("\n") == 1
    assert not (tmp_path / "b.yaml").exists()


def test_workbook_rows_moved_down_still_match(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    shutil.copy(EXAMPLES / "excel" / "example.xlsx", tmp_path / "forms.xlsx")
    check("--write-baseline", str(tmp_path / "b.yaml"), str(tmp_path / "forms.xlsx"))
    entries = yaml.safe_load((tmp_path / "b.yaml").read_text(encoding="utf-8"))["entries"]
    assert {"path": "forms.xlsx", "form": "党建组织员工资补贴", "field": "批复表!成本指标/经济成本指标/支出标准",
            "code": "GL401", "text": "10.3万元/人/年"} in entries  # the sheet kept, the cell reference not
    book = load_workbook(tmp_path / "forms.xlsx")
    sheet = book.worksheets[0]
    merged = [CellRange(str(r)) for r in sheet.merged_cells.ranges]
    for cells in merged:
        sheet.unmerge_cells(cells.coord)
    sheet.move_range(f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}", rows=3)
    for cells in merged:
        cells.shift(row_shift=3)
        sheet.merge_cells(cells.coord)
    book.save(tmp_path / "forms.xlsx")
    assert ("GL401", "批复表!F19 成本指标/经济成本指标/支出标准") in found(str(tmp_path / "forms.xlsx"))
    assert found("--baseline", str(tmp_path / "b.yaml"), str(tmp_path / "forms.xlsx")) == []


def test_fix_then_record_and_fix_what_the_baseline_holds(tmp_path: Path) -> None:
    marked = dict(FORM, indicators=[*FORM["indicators"][:1], dict(FORM["indicators"][1], annual="$\\geq 95\\%$"),
                                    *FORM["indicators"][2:]])
    form = write_form(tmp_path / "form.yaml", marked)
    assert ("GL901", "产出指标/质量指标/验收合格率") in found(str(form))
    baseline = tmp_path / "b.yaml"
    status, _, err = check("--fix", "--write-baseline", str(baseline), str(form))  # fixes first, then records
    assert status == 0 and "≥95%" in form.read_text(encoding="utf-8")
    codes = {e["code"] for e in yaml.safe_load(baseline.read_text(encoding="utf-8"))["entries"]}
    assert "GL901" not in codes and {"GL302", "GL303"} <= codes

    write_form(form, marked)
    check("--write-baseline", str(baseline), str(form))  # the markup recorded, then fixed all the same
    status, out, err = check("--fix", "--format", "concise", "--baseline", str(baseline), str(form))
    assert status == 0 and "≥95%" in form.read_text(encoding="utf-8") and "GL30" not in out
    assert "1 条记录已过时" in err
