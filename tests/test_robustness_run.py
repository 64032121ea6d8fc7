"""One bad file never sinks the run, and a rule that crashes is said (issue 21, items 2, 3 and 10).
docs/robustness.md lists these cases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    code, out, stderr = run("--format", "json", "--no-cache", str(form))
    assert code in (0, 1) and "internal error" not in stderr, stderr[:300]
    if change == "cost":  # said to be out of range, not computed with
        found = [d for d in json.loads(out)["diagnostics"] if d["code"] == "GL317"]
        assert len(found) == 1 and "超出任何预算的范围" in found[0]["message"]  # one finding for both columns


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


# -- item 10: one bad path is a finding on that path, the run goes on ---------------------------------------
def _remove_chain(folder: Path, depth: int) -> None:
    """Remove `folder`/d/d/…/d (depth levels) by relative steps: pytest's and shutil's recursive removal of
    old temporary folders would hit the same RecursionError at this depth."""
    here = os.getcwd()
    try:
        os.chdir(folder)
        steps = 0
        while steps < depth and os.path.isdir("d"):
            os.chdir("d")
            steps += 1
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(steps):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)


def test_a_folder_nested_a_thousand_deep_is_walked(tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.txt")
    here = os.getcwd()
    try:
        os.chdir(folder)
        for _ in range(1000):  # relative steps: the absolute path would pass PATH_MAX
            os.mkdir("d")
            os.chdir("d")
        Path("x.txt").write_text("no form here\n", encoding="utf-8")
        os.chdir(here)
        code, out, stderr = run("--format", "json", str(folder))
    finally:
        os.chdir(here)
        _remove_chain(folder, 1000)
    assert code == 1 and stderr == "", stderr[:300]
    report = json.loads(out)
    deepest = [d for d in report["diagnostics"] if d["path"].endswith("/d/x.txt")]
    assert [d["code"] for d in deepest] == ["GL001"]
    assert [(d["code"], d["line"], d["message"]) for d in of(report, folder / "good.txt")] == good_alone()


def test_a_name_too_long_is_a_finding_on_that_path(tmp_path: Path) -> None:
    long_name = str(tmp_path / ("名" * 100 + ".txt"))  # 300 bytes in one component
    for args in ([long_name, str(GOOD)], [str(tmp_path / ("a" * 300)), str(GOOD)]):
        code, out, stderr = run("--format", "json", *args)
        assert code == 1 and stderr == "", stderr
        report = json.loads(out)
        [finding] = of(report, args[0])
        assert finding["code"] == "GL002" and "File name too long" in finding["message"]
        assert [(d["code"], d["line"], d["message"]) for d in of(report, GOOD)] == good_alone()


def test_a_closed_stdin_is_a_finding_on_it(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "goallint", "check", "--isolated", "--format", "json", "-",
                             str(GOOD)], stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0),  # `<&-`
                            capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == "", result.stderr
    report = json.loads(result.stdout)
    [finding] = of(report, "-")
    assert finding["code"] == "GL002" and "标准输入" in finding["message"]
    assert [(d["code"], d["line"], d["message"]) for d in of(report, GOOD)] == good_alone()


def test_a_baseline_count_of_5000_digits_is_one_line_naming_the_file(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(f"goallint-baseline: 1\nentries:\n- {{path: a.txt, code: GL101, count: {'9' * 5000}}}\n",
                        encoding="utf-8")
    code, _, stderr = run("--baseline", str(baseline), str(GOOD))
    assert code == 2
    [line] = stderr.splitlines()
    assert f"{baseline}:3: entries[0].count" in line and "internal error" not in line


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=5), max_size=12))
def test_the_stack_walk_lists_what_os_walk_lists(tmp_path_factory: pytest.TempPathFactory,
                                                 tree: list[list[str]]) -> None:
    from goallint.plumbing.walk import walk

    root = tmp_path_factory.mktemp("tree")
    for parts in tree:  # each path: folders, then a file named after its depth
        folder = root.joinpath(*parts[:-1])
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / parts[-1]).is_dir():
            (folder / f"{parts[-1]}{len(parts)}.txt").write_text("x", encoding="utf-8")
    (root / "loop").symlink_to(root, target_is_directory=True)  # listed as a folder, not walked into

    def listing(walker: Any) -> set[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        return {(folder, tuple(sorted(dirs)), tuple(sorted(files))) for folder, dirs, files in walker}

    assert listing(walk(str(root), onerror=lambda exc: None)) == listing(os.walk(str(root)))
