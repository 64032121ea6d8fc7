"""One bad file never sinks the run, and a rule that crashes is said (issue 21, items 2, 3 and 10).
docs/robustness.md lists these cases."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from goallint.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
SEED_FORM = ROOT / "examples" / "structured" / "党建组织员工资补贴.yaml"


def run(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", "-j", "1", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout_bytes, result.stderr


def good_alone(*extra: str) -> list[tuple[str, int, str]]:
    _, out, _ = run("--format", "json", str(GOOD), *extra)
    return [(d["code"], d["line"], d["message"]) for d in json.loads(out)["diagnostics"]]


def of(report: dict[str, Any], path: Path | str) -> list[dict[str, Any]]:
    return [d for d in report["diagnostics"] if d["path"] == str(path)]


def seed_form(**changes: Any) -> dict[str, Any]:
    document = yaml.safe_load(SEED_FORM.read_text(encoding="utf-8"))
    document["forms"][0].update(changes)
    return dict(document)


# -- item 2: text that is not Unicode, names that are not UTF-8 ---------------------------------------------
def test_a_lone_surrogate_is_a_finding_on_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(seed_form(budget="\ud800")), encoding="ascii")  # json.dumps escapes it
    assert b"\\ud800" in bad.read_bytes()
    code, out, stderr = run("--format", "json", str(bad), str(GOOD))
    assert code == 1 and "Error" not in stderr, stderr
    report = json.loads(out.decode("utf-8"))
    [finding] = of(report, bad)
    assert finding["code"] == "GL002" and "\\ud800" in finding["message"]
    assert [(d["code"], d["line"], d["message"]) for d in of(report, GOOD)] == good_alone()
    yaml_form = tmp_path / "bad.yaml"
    yaml_form.write_text('forms:\n  - kind: project\n    name: "x\\udfff"\n', encoding="utf-8")
    _, out, _ = run("--format", "json", str(yaml_form))
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["GL002"]


def test_a_baseline_written_beside_a_lone_surrogate_is_read_back(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(seed_form(name="\udc80名称")), encoding="ascii")
    baseline = tmp_path / "baseline.yaml"
    code, _, stderr = run("--write-baseline", str(baseline), str(bad), str(GOOD))
    assert code == 0, stderr
    code, out, stderr = run("--format", "json", "--baseline", str(baseline), str(bad), str(GOOD))
    assert code == 0 and json.loads(out)["diagnostics"] == [], stderr


@pytest.mark.skipif(sys.platform == "darwin", reason="the file system refuses names that are not UTF-8")
@pytest.mark.parametrize("fmt", ["json", "sarif", "concise", "github", "full"])
def test_a_name_that_is_not_utf8_is_written_escaped(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    name = os.fsdecode(b"x\xff.txt")
    shutil.copy(GOOD, folder / name)
    report = tmp_path / "report.out"
    code, out, stderr = run("--format", fmt, str(folder))
    assert code == 1, stderr
    text = out.decode("utf-8")  # valid UTF-8
    shown = "x\\\\xff.txt" if fmt in ("json", "sarif") else "x\\xff.txt"  # JSON escapes the backslash
    assert shown in text
    code, _, stderr = run("--format", fmt, "-o", str(report), str(folder))
    assert code == 1, stderr
    assert shown in report.read_bytes().decode("utf-8")
    if fmt in ("json", "sarif"):
        json.loads(text)


# -- item 3: numbers beyond any budget, and a rule that crashes ---------------------------------------------
def test_a_budget_beyond_any_budget_is_a_finding_before_arithmetic(tmp_path: Path) -> None:
    for digits in (40, 1_000_001):
        form = tmp_path / f"budget{digits}.json"
        form.write_text(json.dumps(seed_form(budget="9" * digits)), encoding="utf-8")
        code, out, stderr = run("--format", "json", "--no-cache", str(form))
        assert code == 1 and stderr == "", stderr[:300]
        [finding] = [d for d in json.loads(out)["diagnostics"] if d["code"] == "GL107"]
        assert "超出任何预算的范围" in finding["message"] and len(finding["message"]) < 100


@pytest.mark.parametrize("change", ["cost", "year"])
def test_huge_costs_and_years_crash_no_rule(tmp_path: Path, change: str) -> None:
    if change == "cost":
        form = tmp_path / "cost.json"
        document = seed_form()
        huge = "1" + "0" * 31 + "元/人/年"
        document["forms"][0]["indicators"][0].update(period=huge, annual=huge)
        form.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    else:
        form = tmp_path / "year.txt"
        form.write_text(GOOD.read_text(encoding="utf-8").replace("2024", "2" * 4400), encoding="utf-8")
    code, _, stderr = run("--format", "json", "--no-cache", str(form))
    assert code in (0, 1) and "internal error" not in stderr, stderr[:300]


def test_a_rule_that_crashes_is_a_finding_on_its_form_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    from goallint.checks import KINDS

    def crash(params: Any, ctx: Any) -> Any:
        raise ArithmeticError("boom")

    monkeypatch.setattr(KINDS["period"], "run", crash)
    code, out, stderr = run("--format", "json", "--no-cache", str(GOOD))
    assert code == 2
    report = json.loads(out)
    crashed = [d for d in report["diagnostics"] if d["code"] == "GL004"]
    assert crashed and all("内部错误" in d["message"] and d["form"] for d in crashed)
    assert "internal error in GL105" in stderr
    graded = {form["form"]: form for form in report["forms"]}
    for finding in crashed:  # the form is not graded as if it were clean
        assert graded[finding["form"]]["error"] >= 1 and graded[finding["form"]]["grade"] != "优"
