"""Every limit holds (issue 21, items 5 to 10): pack patterns, workbooks, files named by config, workers,
structured forms, bad paths. docs/robustness.md lists these cases with their limits."""

from __future__ import annotations

import io
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest

from goallint.checks.support.patterns import MAX_MATCH_SECONDS, search
from goallint.readers.excel import FORMULA_WITHOUT_VALUE, MAX_GAP, workbook_rows

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
WORKBOOK = ROOT / "examples" / "excel" / "example.xlsx"


# -- item 5: matching time per cell, whatever the pattern ---------------------------------------------------
def test_a_pattern_the_load_checks_missed_is_stopped_on_each_name() -> None:
    for pattern, name in ((r"(z)?(?:(?(1)b|a*))*c", "a" * 40), (r"(a+)+$", "a" * 60 + "!")):
        started = time.monotonic()
        assert search(re.compile(pattern), name) is None
        assert time.monotonic() - started < MAX_MATCH_SECONDS * 5
    assert search(re.compile("满意[度率]"), "群众满意度") is not None


# -- item 6: a workbook's memory follows the cells present ---------------------------------------------------
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(sheet_data: str, prefix: str = "", doctype: str = "") -> bytes:
    """examples/excel/example.xlsx with its first sheet's XML replaced."""
    with zipfile.ZipFile(io.BytesIO(WORKBOOK.read_bytes())) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in members if name.startswith("xl/worksheets/sheet"))
    p = f"{prefix}:" if prefix else ""
    namespace = f'xmlns{":" + prefix if prefix else ""}="{MAIN_NS}"'
    members[sheet] = f'{doctype}<{p}worksheet {namespace}><{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>'.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def cell(ref: str, text: str, p: str = "") -> str:
    return f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{text}</{p}t></{p}is></{p}c>'


def rows_of(data: bytes) -> list[list[str]]:
    return [[c.span.ref for c in row if c.raw and c.span] for row in workbook_rows(data)[0].rows]


@pytest.mark.parametrize("sheet, far", [
    (f'<row r="1">{cell("A1", "项目名称")}</row><row r="5000000">{cell("A5000000", "远")}</row>', "A5000000"),
    ("".join(f'<row r="{r}">{cell(f"A{r}", "x")}{cell(f"XFD{r}", "远")}</row>' for r in range(1, 101)), "XFD100"),
], ids=["a cell at row 5,000,000", "100 rows with a cell at column XFD"])
def test_memory_follows_the_cells_present_not_the_highest_index(sheet: str, far: str) -> None:
    data = workbook(sheet)
    rows_of(data)  # openpyxl imported and warmed outside the measure
    tracemalloc.start()
    started = time.monotonic()
    try:
        refs = rows_of(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 20 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    assert far in [ref for row in refs for ref in row]  # the far cell is read, with its real place
    assert sum(len(row) for row in refs) == sheet.count("<c ")


def test_rows_far_apart_and_columns_far_apart_read_alike_in_both_loads() -> None:
    data = workbook(f'<row r="1">{cell("A1", "a")}</row><row r="40">{cell("C40", "b")}{cell("AA40", "c")}</row>')
    both = [[[(c.raw, c.span.ref if c.span else "") for c in row] for row in sheet.rows]
            for sheet in (workbook_rows(data)[0], workbook_rows(data, read_only=False)[0])]
    assert both[0] == both[1]
    assert len(both[0]) == 1 + MAX_GAP + 1  # 38 empty rows laid out as MAX_GAP


@pytest.mark.parametrize("make, reason", [
    (lambda: workbook("".join(f'<x{"p" * 20}:row r="{r}">' + "".join(cell(f"{c}{r}", "1", "x" + "p" * 20 + ":")
                                                                       for c in "ABCDEFGHIJ") + f'</x{"p" * 20}:row>'
                              for r in range(1, 50_002)), prefix="x" + "p" * 20),
     "工作表中超过 500000 个单元格（载入前统计）"),
    (lambda: workbook('<row r="1">&cells;</row>',
                      doctype=f'<!DOCTYPE worksheet [<!ENTITY cells "{cell("A1", "1")}">]>'),
     "xl/worksheets/sheet1.xml 中有 DTD"),
], ids=["cells with a long namespace prefix", "cells made by a DTD entity"])
def test_the_cell_count_counts_what_the_loader_loads(make: Any, reason: str) -> None:
    from goallint.readers import read_bytes

    data = make()
    started = time.monotonic()
    result = read_bytes(data, "hostile.xlsx")
    assert result.problem is not None and result.problem[0] == "GL002" and reason in result.problem[1], result.problem
    assert time.monotonic() - started < 10


# -- item 7: files named by config or the command line have the limits of forms ---------------------------
def goallint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command in a child process, bounded in time and memory (what failed before blocked or grew)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run([sys.executable, "-m", "goallint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=30, preexec_fn=limit, check=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="no FIFOs or /dev/zero")
@pytest.mark.parametrize("config, args", [
    (None, ["--baseline", "/dev/zero"]),
    (None, ["--baseline", "fifo"]),
    ("baseline: /dev/zero\n", []),
    ("baseline: fifo\n", []),
    ("rules: [/dev/zero]\n", []),
    ("rules: [fifo]\n", []),
    (None, ["--config", "fifo"]),
    (None, ["--baseline", "large.yaml"]),
], ids=["--baseline /dev/zero", "--baseline FIFO", "baseline: /dev/zero", "baseline: FIFO", "rules: /dev/zero",
        "rules: FIFO", "--config FIFO", "--baseline of 21 MB"])
def test_files_named_by_config_are_regular_and_bounded(tmp_path: Path, config: str | None, args: list[str]) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "large.yaml").write_bytes(b"#" * (21 * 1024 * 1024))
    shutil.copy(GOOD, tmp_path / "form.txt")
    if config is not None:
        (tmp_path / "goallint.yaml").write_text(config, encoding="utf-8")
    else:
        args = ["--isolated", *args] if "--config" not in args else args
    result = goallint("check", "form.txt", *args, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("goallint: ") and ("不是普通文件" in line or "文件过大" in line), line


# -- item 8: -j is capped ------------------------------------------------------------------------------------
@pytest.mark.parametrize("files", [1, 3, 10, 200])
def test_workers_are_capped_by_files_and_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int) -> None:
    from click.testing import CliRunner

    from goallint.cli import main
    from goallint.engine import JOBS_PER_CORE, Engine

    started: list[int] = []
    real_run = Engine.run

    def run(self: Engine, inputs: Any, jobs: int = 1, **kwargs: Any) -> Any:
        started.append(jobs)
        return real_run(self, inputs[:1], jobs=1, **kwargs)  # the cap is what is asserted: lint one file

    monkeypatch.setattr(Engine, "run", run)
    for number in range(files):
        (tmp_path / f"f{number}.txt").write_text("x\n", encoding="utf-8")
    CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "-j", "1000", str(tmp_path)])
    assert started == [min(files, JOBS_PER_CORE * (os.cpu_count() or 1))]
    assert "two per core" in CliRunner().invoke(main, ["check", "--help"]).stdout


# -- item 9: structured files are bounded by forms and indicators ------------------------------------------
@pytest.mark.parametrize("suffix, document, reason", [
    (".json", {"forms": [{"kind": "project", "name": f"项目{i}"} for i in range(60_000)]},
     "一个文件中超过 5000 张表或 50000 个指标和任务（解析前数到 60001 个对象）"),
    (".yaml", {"forms": [{"kind": "project", "name": f"项目{i}"} for i in range(20_000)]},
     "一个文件中超过 5000 张表"),
    (".yaml", {"forms": [{"kind": "project", "name": "项目", "indicators": [{"name": "x"}] * 60_000}]},
     "一个文件中超过 50000 个指标和任务"),
], ids=["60,000 forms in JSON", "20,000 forms in YAML", "60,000 indicators in YAML"])
def test_structured_files_are_bounded_by_forms_and_indicators(suffix: str, document: dict[str, Any],
                                                              reason: str) -> None:
    import json

    from goallint.readers import read_bytes

    data = json.dumps(document, ensure_ascii=False).encode("utf-8")  # JSON is YAML too
    tracemalloc.start()
    try:
        result = read_bytes(data, f"many{suffix}")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.problem == ("GL002", reason)
    assert not result.forms
    assert peak < 150 * 1024 * 1024, f"{peak / 1e6:.0f} MB"  # the parse only: no form is built


# -- item 14: formulas without a saved value, shared-string indexes -----------------------------------------
def test_a_formula_without_a_saved_value_says_so() -> None:
    data = workbook(f'<row r="1">{cell("A1", "预算金额")}<c r="B1"><f>SUM(C1:D1)</f></c>'
                    '<c r="C1"><f>1+1</f><v>2</v></c></row>')
    [row] = workbook_rows(data)[0].rows
    assert [c.raw for c in row] == ["预算金额", FORMULA_WITHOUT_VALUE, "2"]
    assert "没有保存计算结果" in FORMULA_WITHOUT_VALUE


def test_a_shared_string_index_below_zero_is_gl002() -> None:
    from goallint.readers import read_bytes

    data = workbook('<row r="1"><c r="A1" t="s"><v>-1</v></c></row>')
    result = read_bytes(data, "negative.xlsx")
    assert result.problem is not None and result.problem[0] == "GL002" and "共享字符串 -1" in result.problem[1]
