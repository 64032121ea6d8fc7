"""Wrong results from the text of a form (issue 21, items 11 and 12): line endings other than LF, invisible
characters inside values. docs/robustness.md lists these cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from goallint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "000_9fd6cdad8612f9fc.txt"
"""Holds 党建组织员工资补贴, whose 10.3万元/人/年 × 23名 ≠ 1,893,200 is a GL401."""


def lint(path: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--format", "json", "-j", "1", *extra,
                                       str(path)])
    assert result.exit_code in (0, 1), result.stderr
    return dict(json.loads(result.stdout))


def findings(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return sorted((d["code"], d["line"], d["form"], d["message"]) for d in report["diagnostics"])


@pytest.fixture(scope="module")
def as_written() -> list[tuple[str, int, str, str]]:
    return findings(lint(SEED))


# -- item 12: line endings ----------------------------------------------------------------------------------
@pytest.mark.parametrize("ending", ["\r\n", "\r", "\u2028", "\x85", "mixed"],
                         ids=["CRLF", "bare CR", "U+2028", "NEL", "CRLF, LF and CR mixed"])
def test_every_line_ending_reads_as_lf_does(tmp_path: Path, ending: str,
                                            as_written: list[tuple[str, int, str, str]]) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    if ending == "mixed":
        text = "".join(line + ("\r\n", "\n", "\r")[number % 3] for number, line in enumerate(lines[:-1])) + lines[-1]
    else:
        text = ending.join(lines)
    form = tmp_path / "form.txt"
    form.write_text(text, encoding="utf-8", newline="")
    got = findings(lint(form))
    assert got == as_written
    assert any(code == "GL401" for code, *_ in got)


def test_a_million_lines_ended_by_bare_cr_are_counted() -> None:
    from goallint.readers import read_bytes

    result = read_bytes(b"a\r" * 1_000_001, "lines.txt")
    assert result.problem is not None and result.problem[0] == "GL002" and "1000000" in result.problem[1]


# -- item 11: invisible characters, and one reading of a budget ---------------------------------------------
@pytest.mark.parametrize("mark", ["\u200d", "\u200b", "\u2060", "\u00ad", "\u202e", "\ufeff"],
                         ids=["ZWJ", "ZWSP", "word joiner", "soft hyphen", "RLO", "BOM inside text"])
def test_a_value_reads_through_invisible_characters_and_they_are_reported(
        tmp_path: Path, mark: str, as_written: list[tuple[str, int, str, str]]) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert text.count("10.3万元/人/年") == 2
    form = tmp_path / "form.txt"
    form.write_text(text.replace("10.3万元/人/年", f"10.3{mark}万元/人/年"), encoding="utf-8")
    report = lint(form)
    got = findings(report)
    assert [f for f in got if f[0] != "GL907"] == as_written  # GL401 stays GL401, nothing else changes
    invisible = [d for d in report["diagnostics"] if d["code"] == "GL907"]
    assert len(invisible) == 1 and f"U+{ord(mark):04X}" in invisible[0]["message"]  # one for both columns
    assert all(d["fix"] is not None for d in invisible)
    fixed = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--fix", "--select", "GL907", str(form)])
    assert fixed.exit_code == 0, fixed.stderr
    assert form.read_text(encoding="utf-8") == text  # the safe fix removes exactly the invisible characters


@pytest.mark.parametrize("budget", ["-1893200", "1，893，200"])
def test_a_budget_has_one_reading_for_every_rule(tmp_path: Path, budget: str) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("2025年预算金额") and "1893200" in line)
    lines[at] = lines[at].replace("1893200", budget)
    form = tmp_path / "form.txt"
    form.write_text("\n".join(lines), encoding="utf-8")
    report = lint(form)
    named = [d for d in report["diagnostics"] if d["code"] == "GL107"]
    assert named and f"“{budget}”不是金额" in named[0]["message"]  # the reconciling rules read it as text too
    assert not [d for d in report["diagnostics"] if d["code"] == "GL401" and d["form"] == named[0]["form"]]


# -- item 14: encodings and numbers ---------------------------------------------------------------------------
@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf32_and_utf16_without_a_bom_are_read(tmp_path: Path, codec: str,
                                                as_written: list[tuple[str, int, str, str]]) -> None:
    form = tmp_path / "form.txt"
    form.write_bytes(SEED.read_text(encoding="utf-8").encode(codec))
    assert findings(lint(form)) == as_written


def test_a_number_in_scientific_notation_is_no_range() -> None:
    from goallint.values import parse_value

    for text in ("1e-999999元", "1e-5元", "2.5E+3人"):
        assert parse_value(text).kind == "text", text
    assert parse_value("2-3元").kind == "range"
