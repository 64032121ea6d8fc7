"""Readers turn one file's bytes into forms with exactly located cells. One module per input format."""

from __future__ import annotations

import os
from pathlib import Path

from goallint.readers.base import Assembler, ReadResult

TEXT_SUFFIXES = (".txt", ".tsv")
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")
EXCEL_SUFFIXES = (".xlsx",)
FORM_SUFFIXES = TEXT_SUFFIXES + STRUCTURED_SUFFIXES + EXCEL_SUFFIXES


MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger inputs are refused (GL002) before they are read: forms are kilobytes, and reading costs about
3 s and 75 MB per MB of forms (docs/robustness.md)."""


def _too_large(size: int) -> str:
    return f"file too large ({size / (1024 * 1024):.1f} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)"


def read_bytes(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read a file's bytes by its suffix. Never raises: failures become a GL002 problem. `assemble` replaces
    the layout assembler for the formats read as rows of cells (`convert --explain` traces it)."""
    suffix = Path(path).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        return ReadResult(path=path, problem=("GL002", _too_large(len(data))))
    try:
        if suffix in STRUCTURED_SUFFIXES:
            from goallint.readers.structured import read as read_structured

            return read_structured(data, path)
        if suffix in EXCEL_SUFFIXES:
            from goallint.readers.excel import read as read_excel

            return read_excel(data, path, assemble)
        from goallint.readers.text import read as read_text

        return read_text(data, path, assemble)
    except Exception as exc:  # a reader bug must not stop the run; the file is reported instead
        return ReadResult(path=path, problem=("GL002", f"internal reader error: {type(exc).__name__}: {exc}"))


def load_path(path: Path, display: str | None = None) -> bytes | ReadResult:
    """A file's bytes, or the GL002 result saying why they cannot be read. Never raises."""
    shown = display if display is not None else str(path)
    try:
        with path.open("rb") as stream:  # the size is checked before reading (a 100 MB file is not read)
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return ReadResult(path=shown, problem=("GL002", _too_large(size)))
            return stream.read(MAX_FILE_BYTES + 1)  # a file that grows while read stops here
    except OSError as exc:
        return ReadResult(path=shown, problem=("GL002", f"cannot open: {exc.strerror or exc}"))


def read_path(path: Path, display: str | None = None, assemble: Assembler | None = None) -> ReadResult:
    """Read a file from disk. Never raises."""
    data = load_path(path, display)
    if isinstance(data, ReadResult):
        return data
    return read_bytes(data, display if display is not None else str(path), assemble)


__all__ = ["FORM_SUFFIXES", "MAX_FILE_BYTES", "ReadResult", "load_path", "read_bytes", "read_path"]
