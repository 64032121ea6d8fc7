"""Readers turn one file's bytes into forms with exactly located cells. One module per input format."""

from __future__ import annotations

from pathlib import Path

from goallint.readers.base import ReadResult

TEXT_SUFFIXES = (".txt", ".tsv")
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")
EXCEL_SUFFIXES = (".xlsx",)
FORM_SUFFIXES = TEXT_SUFFIXES + STRUCTURED_SUFFIXES + EXCEL_SUFFIXES


def read_bytes(data: bytes, path: str) -> ReadResult:
    """Read a file's bytes by its suffix. Never raises: failures become a GL002 problem."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix in STRUCTURED_SUFFIXES:
            from goallint.readers.structured import read as read_structured

            return read_structured(data, path)
        if suffix in EXCEL_SUFFIXES:
            from goallint.readers.excel import read as read_excel

            return read_excel(data, path)
        from goallint.readers.text import read as read_text

        return read_text(data, path)
    except Exception as exc:  # a reader bug must not stop the run; the file is reported instead
        return ReadResult(path=path, problem=("GL002", f"internal reader error: {type(exc).__name__}: {exc}"))


def read_path(path: Path, display: str | None = None) -> ReadResult:
    """Read a file from disk. Never raises."""
    shown = display if display is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadResult(path=shown, problem=("GL002", f"cannot open: {exc.strerror or exc}"))
    return read_bytes(data, shown)


__all__ = ["FORM_SUFFIXES", "ReadResult", "read_bytes", "read_path"]
