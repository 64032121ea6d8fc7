"""Outputs never replace inputs: the files a command writes (`check -o`, `--write-baseline`, `convert -o`) are
compared with the files it reads, by identity (device and inode: a symlink, a hard link or `./a.txt` are the
same file as `a.txt`), before anything is linted or written.

A file named on the command line, a config or a rule pack is never an output: the command is refused (exit 2,
one line). A file found in a folder walk that is the output is the previous run's report or baseline
(`check . -o report.json`, run again): it is left out of the run and replaced, but only when its first bytes
are goallint's own output; a form found there is refused like one named on the command line."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

FileId = tuple[int, int]

_SNIFF_BYTES = 4096
_REPORT_LINE = re.compile(r"(?:\S.*:\d+:\d+: GL\d{3} |::(?:error|warning|notice) |\s+\d+:\d+\s+GL\d{3} )")
"""A line of a concise, github or full report (the first lines are enough: a form never starts so)."""


class OutputIsInput(ValueError):
    """An output path is one of the run's inputs (exit 2)."""


def file_id(path: str | Path) -> FileId | None:
    """The file's identity (device, inode), or None when it does not exist or cannot be reached."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def is_own_output(path: str | Path) -> bool:
    """Whether the file holds goallint's output (a report in any format, a baseline) or nothing: replacing
    it loses no form. Anything unreadable or unrecognised is treated as a form."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError:
        return False
    text = head.decode("utf-8", "replace")
    return not text.strip() or is_own_output_text(text)


def is_own_output_text(text: str) -> bool:
    """Whether text (its first 4 KB are enough) is a goallint report in any format or a baseline: a folder
    walk meets the report a previous run wrote there (`check . -o report.json`), which is no form."""
    head = text[:_SNIFF_BYTES].lstrip()
    if not head:
        return False
    if head.startswith("# goallint baseline") or "goallint-baseline:" in head[:2048]:
        return True
    if head[0] == "{" and ('"goallint": "' in head or ("sarif" in head and '"name": "goallint"' in head)):
        return True  # the json report's first key is its version, `"goallint": "0.1.0"`; sarif names its tool
    if head[0] == "<" and "goallint" in head:
        return True  # the html report
    return any(_REPORT_LINE.match(line) for line in head.splitlines()[:3])


def guard(outputs: Iterable[tuple[str, str | None]], named: Iterable[str | Path],
          found: Iterable[str | Path]) -> set[FileId]:
    """Refuse an output that is a named input; return the ids of folder-found files to leave out of the run.

    `outputs` are (option, path) pairs (`-o`, `--write-baseline`); `named` the inputs named on the command
    line, the config and the packs; `found` the files found in folders."""
    wanted = [(option, path, file_id(path)) for option, path in outputs if path]
    wanted = [(option, path, ident) for option, path, ident in wanted if ident is not None]
    if not wanted:
        return set()
    named_ids = {ident for ident in map(file_id, named) if ident is not None}
    found_ids = {ident for ident in map(file_id, found) if ident is not None}
    left_out: set[FileId] = set()
    for option, path, ident in wanted:
        if ident in named_ids:
            raise OutputIsInput(f"{option} {path}: 输出文件就是本次读取的输入文件，写入会覆盖它；请换一个输出路径")
        if ident in found_ids:
            if not is_own_output(path):
                raise OutputIsInput(f"{option} {path}: 输出文件是本次检查的文件夹中的一张表，写入会覆盖它；"
                                    "请换一个输出路径")
            left_out.add(ident)
    return left_out


def encoded(pieces: Iterable[str]) -> Iterable[bytes]:
    """Text as UTF-8 that is always valid: a lone surrogate (a file name with a byte that is not UTF-8, as
    Python decodes it) is written as its escape (`\\udcff`), never as a raw byte or an error."""
    for piece in pieces:
        yield piece.encode("utf-8", "backslashreplace")


def write_output(path: Path, pieces: Iterable[str] | bytes) -> None:
    """Write a report (text pieces, or a workbook's bytes), a baseline or converted forms to `path`: a regular
    (or new) file is replaced atomically (the earlier file stays whole if the write fails); anything else
    (`/dev/stdout`, a pipe, `/dev/null`) is written into, never replaced by a regular file. Raises OSError."""
    from goallint.plumbing.atomic import write_atomic

    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    data = pieces if isinstance(pieces, bytes) else encoded(pieces)
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory")
        with open(path, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                out.writelines(data)
        return
    write_atomic(path, data)


def shown_name(path: str) -> str:
    """A path as reports show it: a byte that is not UTF-8 (which Python keeps as a lone surrogate) is
    written `\\xff`, so every report, baseline and stdout stream stays valid UTF-8."""
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def link_out_of_folder(path: Path) -> str | None:
    """Where `path` leads when it is a symbolic link to a place outside its own folder (or a dangling one that
    would create a file there), else None: `--fix` and `init` do not write through such a link."""
    if not os.path.islink(path):
        return None
    real = os.path.realpath(path)
    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    try:
        inside = os.path.commonpath([real, folder]) == folder
    except ValueError:  # another drive
        inside = False
    return None if inside else real
