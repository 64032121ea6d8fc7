"""Outputs never overwrite inputs, and never replace a device or pipe by a regular file (issue 21, items 1
and 4). docs/robustness.md lists these cases."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from goallint.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.fixture
def forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(GOOD, tmp_path / "a.txt")
    shutil.copy(GOOD, tmp_path / "f.txt")
    return tmp_path


@pytest.mark.parametrize("args", [
    ["check", "--isolated", "a.txt", "f.txt", "-o", "a.txt"],
    ["check", "--isolated", "f.txt", "a.txt", "-o", "./sub/../a.txt"],
    ["check", "--isolated", "f.txt", "link.txt", "-o", "a.txt"],
    ["check", "--isolated", "a.txt", "f.txt", "--write-baseline", "a.txt"],
    ["check", "--isolated", "--diff", "a.txt", "-o", "a.txt"],
    ["check", "--isolated", "forms", "-o", "forms/c.txt"],
    ["convert", "a.txt", "--to", "yaml", "-o", "a.txt"],
    ["convert", "link.txt", "--to", "json", "-o", "a.txt"],
], ids=["-o", "-o via ..", "-o via a symlink", "--write-baseline", "--diff -o", "-o a form in the folder",
        "convert -o", "convert -o via a symlink"])
def test_an_output_that_is_an_input_is_refused(forms: Path, args: list[str]) -> None:
    (forms / "sub").mkdir()
    (forms / "link.txt").symlink_to(forms / "a.txt")
    (forms / "forms").mkdir()
    shutil.copy(GOOD, forms / "forms" / "c.txt")
    code, stderr = invoke(*args)
    assert code == 2
    assert len(stderr.splitlines()) == 1 and "输出文件" in stderr, stderr
    assert (forms / "a.txt").read_bytes() == GOOD.read_bytes()
    assert (forms / "forms" / "c.txt").read_bytes() == GOOD.read_bytes()


@pytest.mark.parametrize("fmt, option", [("json", "-o"), ("sarif", "-o"), ("concise", "-o"), ("full", "-o"),
                                         ("github", "-o"), ("json", "--write-baseline")])
def test_a_report_inside_the_linted_folder_is_not_linted_on_the_next_run(forms: Path, fmt: str,
                                                                         option: str) -> None:
    target = "report.json" if fmt in ("json", "sarif") else "report.txt"
    first, _ = invoke("check", "--isolated", ".", "--format", fmt, option, target)
    before = (forms / target).read_bytes()
    second, stderr = invoke("check", "--isolated", ".", "--format", fmt, option, target)
    assert first == second and "输出文件" not in stderr, stderr
    assert (forms / target).read_bytes() == before  # the previous report was not linted as a form


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(fifo, "rb") as stream:
            into.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("args", [
    ["check", "--isolated", "a.txt", "--write-baseline", "out"],
    ["convert", "a.txt", "--to", "yaml", "-o", "out"],
    ["check", "--isolated", "a.txt", "-o", "out"],
], ids=["--write-baseline", "convert -o", "check -o"])
def test_a_device_or_pipe_is_written_into_never_replaced(forms: Path, args: list[str]) -> None:
    fifo = forms / "out"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    code, stderr = invoke(*args)
    reader.join(10)
    assert code in (0, 1), stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the FIFO, not a regular file in its place
    assert got and got[0], "the output went through the pipe"


@pytest.mark.parametrize("fmt", ["json", "sarif", "concise", "full", "github", "baseline"])
def test_a_report_inside_the_linted_folder_is_no_form_for_a_plain_run(forms: Path, fmt: str) -> None:
    target = "report.json" if fmt in ("json", "sarif") else "report.yaml" if fmt == "baseline" else "report.txt"
    option = ["--write-baseline", target] if fmt == "baseline" else ["--format", fmt, "-o", target]
    invoke("check", "--isolated", "a.txt", *option)
    result = CliRunner().invoke(main, ["check", "--isolated", "--format", "json", "."])
    linted = {d["path"] for d in json.loads(result.stdout)["diagnostics"]}
    assert linted == {"./a.txt", "./f.txt"}, linted  # the report has no finding: it is no form
