"""Reader scaffold for the text format; its issue replaces this module."""

from __future__ import annotations

from goallint.readers.base import ReadResult


def read(data: bytes, path: str) -> ReadResult:
    return ReadResult(path=path, problem=("GL001", "the text reader is not built yet"))
