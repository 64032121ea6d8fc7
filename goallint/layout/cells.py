"""Cell helpers for the assembler: part of a cell with its exact span, trimmed cells, fast construction."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from goallint.model import Cell, Span

Model = TypeVar("Model", bound=BaseModel)
_SPAN_SET = {"line", "column", "end_line", "end_column", "start", "end"}
_CELL_SET = {"raw", "span"}
_new = object.__new__
_set = object.__setattr__


def _trusted(cls: type[Model], values: dict[str, Any], fields_set: set[str]) -> Model:
    """An instance from values known to be valid: what `model_construct` does, without its per-field loop
    (the reader builds one Cell and one Span per field of every line; this is its hot path).

    Cell and Span are frozen, so every instance can share one fields-set (pydantic only adds to it on
    assignment): no 216–728-byte set per object."""
    instance = _new(cls)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", fields_set)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def located_cell(raw: str, line: int, column: int, start: int) -> Cell:
    """A one-line text cell at 1-based `line`/`column` and character offset `start`."""
    length = len(raw)
    span = _trusted(Span, {"line": line, "column": column, "end_line": line, "end_column": column + length,
                           "start": start, "end": start + length, "sheet": None, "ref": None}, _SPAN_SET)
    return _trusted(Cell, {"raw": raw, "span": span}, _CELL_SET)


def sub_cell(cell: Cell, begin: int, finish: int) -> Cell:
    """The part `cell.raw[begin:finish]` as a cell of its own, its span narrowed to exactly that text.

    Cells without character offsets (Excel: sheet and ref) keep their span: the part lives in that cell."""
    raw = cell.raw[begin:finish]
    span = cell.span
    if span is None or span.start is None or span.line != span.end_line:
        return Cell.model_construct(raw=raw, span=span)
    return located_cell(raw, span.line, span.column + begin, span.start + begin)


def trimmed(cell: Cell) -> Cell:
    """The cell without surrounding whitespace (span shrunk to match); the cell itself when already trim."""
    raw = cell.raw
    stripped = raw.strip()
    if len(stripped) == len(raw):
        return cell
    begin = len(raw) - len(raw.lstrip())
    return sub_cell(cell, begin, begin + len(stripped))
