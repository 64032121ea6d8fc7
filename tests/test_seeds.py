"""Seed acceptance: `goallint check examples/ --format json` against every line of seed-expectations.yaml.

One test per (form, code) so the score is visible: `must` codes must be reported on the form, `must_not`
codes must not.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from goallint.cli import main
from goallint.readers import FORM_SUFFIXES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXPECTATIONS = yaml.safe_load((Path(__file__).parent / "data" / "seed-expectations.yaml").read_text("utf-8"))


@cache
def report() -> dict[str, Any]:
    # The whole folder, as the README's quick start runs it: the structured and Excel copies of a seed project sit
    # beside the seeds, and the cross-form rules must not count a project twice.
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", "--format", "json", str(EXAMPLES)])
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def reported(file: str, form: str) -> set[str] | None:
    """Codes reported on that form, or None when the run has no form of that name in that file."""
    data = report()
    names = {(Path(f["path"]).name, f["form"]) for f in data["forms"]}
    if (file, form) not in names:
        return None
    return {d["code"] for d in data["diagnostics"] if Path(d["path"]).name == file and d["form"] == form}


def _params() -> list[Any]:
    out = []
    for entry in EXPECTATIONS:
        short = entry["file"][:3]
        for code in entry["must"]:
            out.append(pytest.param(entry["file"], entry["form"], code, True, id=f"{short}-{entry['form']}-{code}"))
        for code in entry["must_not"]:
            out.append(pytest.param(entry["file"], entry["form"], code, False,
                                    id=f"{short}-{entry['form']}-not-{code}"))
    return out


@pytest.mark.parametrize(("file", "form", "code", "must"), _params())
def test_seed_expectation(file: str, form: str, code: str, must: bool) -> None:
    codes = reported(file, form)
    assert codes is not None, f"no form {form!r} was read from {file}"
    if must:
        assert code in codes, f"{code} not reported on {form} ({file}); reported: {sorted(codes)}"
    else:
        assert code not in codes, f"{code} wrongly reported on {form} ({file})"


def _labelled(label: str, text: str) -> list[str]:
    """Names in the cell after `label` on lines whose first cell is that label (markup stripped)."""
    names = []
    for line in text.splitlines():
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in line.split("\t")]
        if cells and cells[0] == label:
            names.append(next(c for c in cells[1:] if c))
    return names


def test_every_seed_form_is_read() -> None:
    """Each 项目名称 row opens a project form, each 部门名称 row a department form: all 43 are read, by name."""
    data = report()
    assert data["summary"]["files"] == len([p for p in EXAMPLES.rglob("*") if p.suffix in FORM_SUFFIXES])
    expected = set()
    for path in EXAMPLES.glob("*.txt"):
        text = path.read_text("utf-8")
        expected |= {(path.name, "project", n) for n in _labelled("项目名称", text)}
        expected |= {(path.name, "department", n) for n in _labelled("部门名称", text)}
    read = {(Path(f["path"]).name, f["kind"], f["form"]) for f in data["forms"]
            if f["form"] and f["path"].endswith(".txt")}
    assert len(expected) == 43
    assert read == expected
