"""Cell helpers for the assembler: part of a cell with its exact span, trimmed cells, fast construction."""

from __future__ import annotations

from goallint.model import Cell, Span

_new = tuple.__new__


def located_cell(raw: str, line: int, column: int, start: int) -> Cell:
    """A one-line text cell at 1-based `line`/`column` and character offset `start`.

    The reader makes one per field of every line, so both tuples are made with `tuple.__new__`, not the
    named tuples' constructors, which are Python functions and cost twice as much; every field is given."""
    length = len(raw)
    return _new(Cell, (raw, _new(Span, (line, column, line, column + length, start, start + length, None, None))))


def sub_cell(cell: Cell, begin: int, finish: int) -> Cell:
    """The part `cell.raw[begin:finish]` as a cell of its own, its span narrowed to exactly that text.

    Cells without character offsets (Excel: sheet and ref) keep their span: the part lives in that cell."""
    raw = cell.raw[begin:finish]
    span = cell.span
    if span is None or span.start is None or span.line != span.end_line:
        return Cell(raw, span)
    return located_cell(raw, span.line, span.column + begin, span.start + begin)


def trimmed(cell: Cell) -> Cell:
    """The cell without surrounding whitespace (span shrunk to match); the cell itself when already trim."""
    raw = cell.raw
    stripped = raw.strip()
    if len(stripped) == len(raw):
        return cell
    begin = len(raw) - len(raw.lstrip())
    return sub_cell(cell, begin, begin + len(stripped))
