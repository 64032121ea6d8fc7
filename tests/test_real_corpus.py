"""Every form of the real-form corpus (tests/corpus/real: 15 provinces' templates) read and judged as a reviewer
expects (its expectations.yaml): header fields, the indicator count, sample indicators with their value, the
codes that must be reported and nothing outside those allowed. A form that is only a fragment (`skip`) gets at
most one GL001 saying so."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from goallint.engine import Input, RunReport, make_engine
from goallint.readers import read_path
from goallint.structured_format import to_document

CORPUS = Path(__file__).parent / "corpus" / "real"
EXPECTED: list[dict[str, Any]] = yaml.safe_load((CORPUS / "expectations.yaml").read_text(encoding="utf-8"))
FILES = sorted({entry["file"] for entry in EXPECTED})


def norm(text: object) -> str:
    return re.sub(r"[\s\u3000]", "", str(text or "")).replace("（", "(").replace("）", ")").replace("：", ":")


def level_eq(got: str, want: str) -> bool:
    got, want = norm(got), norm(want)
    strip = lambda s: re.sub(r"\(.*?\)", "", s)  # noqa: E731
    return got == want or strip(got) == strip(want) or bool(got and want and (got.startswith(want) or
                                                                              want.startswith(got)))


def yuan(budget: object, unit: object) -> Decimal | None:
    found = re.match(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(亿|万)?", str(budget or ""))
    if found is None:
        return None
    magnitude = found.group(2) or ("万" if "万" in str(unit or "") else "")
    return Decimal(found.group(1).replace(",", "")) * {"万": 10000, "亿": 100000000, "": 1}[magnitude]


@pytest.fixture(scope="module")
def forms() -> dict[tuple[str, str], dict[str, Any]]:
    """Each file's forms as `goallint convert --to json` writes them, by (file, 项目名称)."""
    out = {}
    for name in FILES:
        result = read_path(CORPUS / name)
        for entry in to_document([form for form in result.forms if form.unread is None])["forms"]:
            out[(name, norm(entry.get("name") or entry.get("department")))] = entry
    return out


@pytest.fixture(scope="module")
def report() -> RunReport:
    return make_engine().run([Input(str(CORPUS / name), CORPUS / name) for name in FILES])


def _indicators(form: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    rows, level1, level2 = [], "", ""
    for item in form.get("indicators", []):
        level1 = item.get("level1", level1) or level1
        if "level1" in item:
            level2 = ""
        level2 = item.get("level2", level2) or level2
        if item.get("name"):
            rows.append((level1, level2, item["name"], item.get("annual", ""), item.get("period", "")))
    return rows


READ = [pytest.param(entry, id=f"{entry['file'][:3]}-{entry['form'][:12]}") for entry in EXPECTED
        if not entry.get("skip")]


@pytest.mark.parametrize("entry", READ)
def test_the_form_is_read_as_printed(entry: dict[str, Any], forms: dict[tuple[str, str], dict[str, Any]]) -> None:
    form = forms.get((entry["file"], norm(entry["form"])))
    assert form is not None, f"form not found; read: {[key[1] for key in forms if key[0] == entry['file']]}"
    for key, want in entry.get("fields", {}).items():
        if key == "budget_yuan":
            assert yuan(form.get("budget"), form.get("budget_unit")) == Decimal(want), (form.get("budget"),
                                                                                         form.get("budget_unit"))
        else:
            assert norm(form.get(key)).startswith(norm(want)), (key, form.get(key))
    rows = _indicators(form)
    assert len(rows) == entry["n"], rows
    for sample in entry.get("samples", []):
        column = 4 if len(sample) > 4 and sample[4] == "period" else 3
        assert any(norm(row[2]) == norm(sample[2]) and level_eq(row[0], sample[0]) and level_eq(row[1], sample[1])
                   and norm(row[column]).lstrip("=") == norm(sample[3]).lstrip("=") for row in rows), (
            sample, [row for row in rows if norm(row[2]) == norm(sample[2])])


@pytest.mark.parametrize("entry", [pytest.param(entry, id=f"{entry['file'][:3]}-{entry['form'][:12]}")
                                   for entry in EXPECTED])
def test_the_findings_are_a_reviewers(entry: dict[str, Any], report: RunReport) -> None:
    codes = [d.code for d in report.diagnostics
             if Path(d.path).name == entry["file"] and norm(d.form) == norm(entry["form"])]
    if entry.get("skip"):  # only a fragment survived: one GL001 naming what was read, nothing else
        assert set(codes) <= {"GL001"} and len(codes) <= 1, codes
        return
    allowed = set(entry.get("allow", []))
    for must in entry.get("must", []):
        alternatives = must.split("|")
        allowed.update(alternatives)
        assert any(code in codes for code in alternatives), (must, codes)
    assert set(codes) <= allowed, sorted(set(codes) - allowed)


def test_no_finding_falls_outside_the_forms_a_reviewer_sees(report: RunReport) -> None:
    named = {(entry["file"], norm(entry["form"])) for entry in EXPECTED}
    stray = [(Path(d.path).name, d.form, d.code) for d in report.diagnostics
             if (Path(d.path).name, norm(d.form)) not in named]
    assert stray == []
    assert not report.errors, report.errors
