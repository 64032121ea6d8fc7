"""Hostile and broken inputs through `goallint check` (issue 9): each bad file is one GL001/GL002 finding with
a one-line reason, the good file of the same run is still linted, the exit status is 0 or 1, never a traceback.

docs/robustness.md lists these inputs with what goallint does; keep the two in step.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from goallint.cli import main
from goallint.readers import MAX_FILE_BYTES, read_path

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
WORKBOOK = ROOT / "examples" / "excel" / "example.xlsx"
SEED_FORM = ROOT / "examples" / "structured" / "党建组织员工资补贴.yaml"
ENCRYPTED = ROOT / "tests" / "data" / "encrypted.xlsx"
"""examples/excel/example.xlsx encrypted with the password `goallint` by msoffcrypto-tool 6.1.0
(`OOXMLFile(source).encrypt("goallint", out)`, made once outside the project's venv): what Excel writes for
a workbook with an open password, an OLE/CFB container holding EncryptionInfo and EncryptedPackage."""


def run(*args: str) -> tuple[int, dict[str, Any], str]:
    """`goallint check` in process: exit code, the JSON report, stderr."""
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", "--format", "json", "-j", "1", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout), result.stderr


def findings(report: dict[str, Any], path: Path | str) -> list[dict[str, Any]]:
    return [d for d in report["diagnostics"] if d["path"] == str(path)]


@pytest.fixture(scope="module")
def good_findings() -> list[tuple[str, int, str]]:
    """What the good form alone gets: every run below must still report exactly this for it."""
    code, report, _ = run(str(GOOD))
    assert code in (0, 1)
    out = [(d["code"], d["line"], d["message"]) for d in findings(report, GOOD)]
    assert out, "the good form must have findings for the test to mean anything"
    return out


def assert_survived(bad: Path | str, expected_code: str, reason: str, good_findings: list[tuple[str, int, str]],
                    *extra: str) -> dict[str, Any]:
    """Lint `bad` with the good form: one finding for `bad` with `reason`; the good form's findings intact."""
    started = time.monotonic()
    code, report, stderr = run(str(bad), str(GOOD), *extra)
    elapsed = time.monotonic() - started
    assert code in (0, 1), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr and "内部错误" not in stderr, stderr
    mine = findings(report, bad)
    assert [d["code"] for d in mine] == [expected_code], mine
    assert reason in mine[0]["message"], mine[0]["message"]
    assert "\n" not in mine[0]["message"]
    assert [(d["code"], d["line"], d["message"]) for d in findings(report, GOOD)] == good_findings
    assert elapsed < 20, f"took {elapsed:.1f} s"
    return mine[0]


def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch_central_directory(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite one field of every central directory header (signature PK\\1\\2)."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        struct.pack_into(fmt, out, at + offset, value)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def _many_cells(rows: int) -> bytes:
    """A well-formed workbook of `rows` × 10 random numbers: within the size and ratio limits, too many cells
    for openpyxl (1,000,000 cells took 56 s and 2.3 GB before the cells were counted ahead of loading)."""
    import random

    rng = random.Random(0)
    main_ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    cells = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{rng.randrange(10**9)}</v></c>' for c in "ABCDEFGHIJ")
                    + "</row>" for r in range(1, rows + 1))
    with zipfile.ZipFile(io.BytesIO(WORKBOOK.read_bytes())) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in members if name.startswith("xl/worksheets/sheet"))
    members[sheet] = f"<worksheet {main_ns}><sheetData>{cells}</sheetData></worksheet>".encode()
    return _zip(members, level=1)


def _mixed_encodings() -> bytes:
    text = GOOD.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(text[:3]).encode("utf-8") + "".join(["单位\t中文\n", *text[3:]]).encode("gb18030")


def _billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return ("\n".join(lines) + "\nforms: *i\n").encode()


def _huge_numbers_json() -> bytes:
    form = json.loads(json.dumps(__import__("yaml").safe_load(SEED_FORM.read_text(encoding="utf-8"))))
    project = form["forms"][0]
    text = json.dumps(form, ensure_ascii=False)
    text = text.replace(json.dumps(project["budget"]), "1e999999", 1)
    return text.replace('"10.3万元/人/年"', "1" + "0" * 100_000, 1).encode()


Make = Callable[[], bytes]
CASES: list[tuple[str, str, Make, str, str]] = [
    ("empty", "empty.txt", lambda: b"", "GL001", "文件是空的"),
    ("blank lines", "blank.txt", lambda: b"\n \n\t\n", "GL001", "文件是空的"),
    ("binary", "binary.txt", lambda: bytes(range(256)) * 40, "GL002", "binary file"),
    ("binary, no NUL", "control.txt", lambda: bytes(range(1, 32)) * 200, "GL002", "binary file"),
    ("NUL bytes", "nul.txt", lambda: GOOD.read_bytes().replace(b"\t", b"\t\x00", 5), "GL002", "NUL bytes"),
    ("undetectable encoding", "undetectable.txt", lambda: bytes(range(0x80, 0x100)) * 40, "GL002",
     "not UTF-8"),
    ("mixed encodings", "mixed.txt", _mixed_encodings, "GL002", "mixed encodings: UTF-8 text, then bytes that are "
     "not UTF-8 at line 4"),
    ("a single 10 MB line", "line.txt", lambda: b"x" * (10 * 1024 * 1024), "GL001", "没有找到“项目名称”或“部门名称”行"),
    ("a million cells on one line", "cells.txt", lambda: b"a\t" * 1_000_001, "GL002", "超过 1000000 个单元格和行"),
    ("a million short lines", "lines.txt", lambda: b"a\n" * 1_000_001, "GL002", "超过 1000000 个单元格和行"),
    ("truncated xlsx", "truncated.xlsx", lambda: WORKBOOK.read_bytes()[: WORKBOOK.stat().st_size // 2], "GL002",
     ".xlsx 文件已损坏或不完整"),
    ("garbled xlsx", "garbled.xlsx", lambda: WORKBOOK.read_bytes()[:200] + b"\x00" * 3000
     + WORKBOOK.read_bytes()[3200:], "GL002", ".xlsx 文件已损坏或不完整（Bad magic number for file header）"),
    ("not a zip", "text.xlsx", lambda: GOOD.read_bytes(), "GL002", "不是 .xlsx 文件"),
    ("zip bomb (declared size)", "declared.xlsx",
     lambda: _patch_central_directory(_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), 24, "<I",
                                      0xFFFF0000), "GL002", "超过上限 200 MB"),
    ("zip bomb (ratio)", "ratio.xlsx", lambda: _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                                                     "xl/worksheets/sheet1.xml": b"0" * (30 * 1024 * 1024)}),
     "GL002", "压缩炸弹"),
    ("600,000 cells in 6 MB", "cells.xlsx", lambda: _many_cells(60_000), "GL002",
     "工作表中超过 500000 个单元格（载入前统计）"),
    ("zip from a future version (fuzzing)", "version.xlsx",
     lambda: _patch_central_directory(WORKBOOK.read_bytes(), 6, "<H", 208), "GL002", "zip file version 20.8"),
    ("password-protected workbook", "encrypted.xlsx", ENCRYPTED.read_bytes, "GL002",
     "工作簿有密码保护，或是旧版 .xls 文件；请去掉密码后另存为 .xlsx 再检查"),
    ("password-protected / legacy", "protected.xlsx",
     lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage" + b"\x00" * 1000, "GL002",
     "工作簿有密码保护"),
    ("YAML billion laughs", "laughs.yaml", _billion_laughs, "GL002", "别名展开后"),
    ("YAML deep nesting", "deep.yaml", lambda: b"a: " + b"[" * 5000 + b"]" * 5000, "GL002", "第 1 行："),
    ("YAML deep block nesting", "deep-block.yaml",
     lambda: "".join(f"{'  ' * i}k{i}:\n" for i in range(200)).encode(), "GL002", "嵌套超过 64 层"),
    ("YAML with 1,000,001 nodes", "nodes.yaml", lambda: b"[" + b"a," * 1_000_000 + b"a]", "GL002",
     "第 1 行：超过 1000000 个节点"),
    ("YAML duplicate keys", "dup.yaml", lambda: SEED_FORM.read_bytes().replace(b"    name:", b"    name: x\n    name:", 1),
     "GL002", "键 'name' 重复"),
    ("YAML python tag", "python.yaml", lambda: b"forms: !!python/object/apply:os.system ['touch pwned']\n", "GL002",
     "不允许"),
    ("YAML python name tag", "python-name.yaml", lambda: b"forms:\n- !!python/name:os.system\n", "GL002",
     "不允许"),
    ("JSON deep nesting", "deep.json", lambda: b"[" * 100_000 + b"]" * 100_000, "GL002",
     "嵌套超过 64 层"),
    ("JSON duplicate keys", "dup.json", lambda: b'{"forms": [], "forms": []}', "GL002", "键 'forms' 重复"),
]


@pytest.mark.parametrize(("name", "filename", "make", "code", "reason"), CASES, ids=[case[0] for case in CASES])
def test_bad_file_is_one_finding_and_the_run_goes_on(tmp_path: Path, good_findings: list[tuple[str, int, str]],
                                                     name: str, filename: str, make: Make, code: str,
                                                     reason: str) -> None:
    bad = tmp_path / filename
    bad.write_bytes(make())
    assert_survived(bad, code, reason, good_findings)


def test_a_100_mb_file_is_refused_unread(tmp_path: Path, good_findings: list[tuple[str, int, str]]) -> None:
    big = tmp_path / "big.txt"
    chunk = GOOD.read_bytes()
    with big.open("wb") as stream:
        for _ in range(100 * 1024 * 1024 // len(chunk) + 1):
            stream.write(chunk)
    assert big.stat().st_size > 100 * 1024 * 1024
    finding = assert_survived(big, "GL002", "file too large (100.0 MB; the limit is 20 MB)", good_findings)
    assert finding["line"] == 1
    tracemalloc.start()
    try:
        result = read_path(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.problem is not None and result.problem[0] == "GL002"
    assert peak < 1024 * 1024, f"read {peak} bytes of a file it refuses"


def test_stdin_beyond_the_limit_is_refused(good_findings: list[tuple[str, int, str]]) -> None:
    data = b"x" * (MAX_FILE_BYTES + 10)
    result = CliRunner().invoke(main, ["check", "--isolated", "--format", "json", "--stdin-filename", "in.txt", "-"],
                                input=data)
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["diagnostics"]
    assert finding["code"] == "GL002" and "file too large" in finding["message"]


def test_huge_json_numbers_are_read_as_written(tmp_path: Path, good_findings: list[tuple[str, int, str]]) -> None:
    huge = tmp_path / "huge.json"
    huge.write_bytes(_huge_numbers_json())
    started = time.monotonic()
    code, report, stderr = run(str(huge), str(GOOD))
    assert time.monotonic() - started < 10
    assert code in (0, 1) and stderr == ""
    assert report["summary"]["forms"] >= 2  # the huge-number form was read and linted, not refused
    assert [(d["code"], d["line"], d["message"]) for d in findings(report, GOOD)] == good_findings


# -- folder walks ---------------------------------------------------------------------------------------------
def _folder_with_good_form(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.txt")
    return folder


def _folder_run(folder: Path, good_findings: list[tuple[str, int, str]]) -> dict[str, Any]:
    code, report, stderr = run(str(folder))
    assert code in (0, 1) and "Traceback" not in stderr and "internal error" not in stderr and "内部错误" not in stderr, stderr
    good = [(d["code"], d["line"], d["message"]) for d in findings(report, folder / "good.txt")]
    assert good == good_findings
    return report


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loops_in_a_folder(tmp_path: Path, good_findings: list[tuple[str, int, str]]) -> None:
    folder = _folder_with_good_form(tmp_path)
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # a folder that contains itself
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "a.txt").symlink_to(folder / "b.txt")  # two files that point at each other
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    report = _folder_run(folder, good_findings)
    paths = {d["path"] for d in report["diagnostics"]}
    assert paths == {str(folder / name) for name in ("good.txt", "a.txt", "b.txt", "dangling.txt")}
    for name, reason in (("a.txt", "symbolic links"), ("b.txt", "symbolic links"), ("dangling.txt", "No such file")):
        [finding] = findings(report, folder / name)
        assert finding["code"] == "GL002" and reason in finding["message"], finding


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         good_findings: list[tuple[str, int, str]]) -> None:
    folder = _folder_with_good_form(tmp_path)
    locked = folder / "locked.txt"
    shutil.copy(GOOD, locked)
    real_open = Path.open

    def refusing_open(self: Path, *args: Any, **kwargs: Any) -> Any:  # chmod 000 does not stop root
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    report = _folder_run(folder, good_findings)
    [finding] = findings(report, locked)
    assert finding["code"] == "GL002" and finding["message"] == "无法打开文件（没有读取权限：Permission denied）"


def test_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           good_findings: list[tuple[str, int, str]]) -> None:
    folder = _folder_with_good_form(tmp_path)
    (folder / "locked").mkdir()
    shutil.copy(GOOD, folder / "locked" / "hidden.txt")
    real_scandir = os.scandir

    def refusing_scandir(path: Any = ".") -> Any:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    report = _folder_run(folder, good_findings)
    [finding] = findings(report, folder / "locked")
    assert finding["code"] == "GL002" and finding["message"] == "无法列出文件夹的内容：Permission denied"


def test_file_that_vanishes_during_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           good_findings: list[tuple[str, int, str]]) -> None:
    folder = _folder_with_good_form(tmp_path)
    gone = folder / "a-gone.txt"  # sorted before good.txt: listed, then removed before it is read
    shutil.copy(GOOD, gone)
    from goallint.commands import check as check_command

    real_gather = check_command.gather

    def gather_then_remove(*args: Any, **kwargs: Any) -> Any:
        for item in real_gather(*args, **kwargs):
            if item.path is not None and item.path.name == "good.txt":
                gone.unlink()
            yield item

    monkeypatch.setattr(check_command, "gather", gather_then_remove)
    report = _folder_run(folder, good_findings)
    [finding] = findings(report, gone)
    assert finding["code"] == "GL002" and finding["message"] == "无法打开文件（文件不存在：No such file or directory）"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_in_a_folder_does_not_block_the_run(tmp_path: Path, good_findings: list[tuple[str, int, str]]) -> None:
    folder = _folder_with_good_form(tmp_path)
    os.mkfifo(folder / "pipe.txt")  # opening it to read would wait for a writer forever
    report = _folder_run(folder, good_findings)
    [finding] = findings(report, folder / "pipe.txt")
    assert finding["code"] == "GL002" and finding["message"] == "不是普通文件（FIFO、套接字或设备）"
