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
    assert result.problem == ("GL002", "more than 1000000 cells and lines")
