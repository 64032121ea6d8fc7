"""Read tab-separated text (forms extracted from PDFs): decode, split into located cells, assemble forms."""

from __future__ import annotations

from goallint.layout import assemble
from goallint.layout.cells import located_cell
from goallint.model import Cell
from goallint.outputs import is_own_output_text
from goallint.readers.base import ReadResult
from goallint.readers.encoding import DecodeError, decode

MAX_FIELDS = 1_000_000
"""Tabs plus line breaks in one file. A cell costs about 1 KB and 10 µs: 2 MB of `a<tab>` (a million cells)
took 10 s and 1.1 GB, 20 MB would take 11 GB; real forms have about 65,000 per MB."""


LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""What ends a line: what `str.splitlines` splits on (so rows and the report's source lines agree). A bare CR
(old Mac exports), a NEL or U+2028 each end a line as LF does; CRLF is one break."""


def split_rows(text: str) -> list[list[Cell]]:
    """One row per line (ended by LF, CRLF, a bare CR or any LINE_BREAKS character; the break is not part of
    the line), one cell per tab-separated field.

    A cell's raw text is the field without surrounding whitespace; its span covers exactly that text, so
    `text[span.start:span.end] == cell.raw`. A blank line is an empty row. (The reader's hottest loop:
    half the fields of the seed layout are empty, and those skip the arithmetic.)"""
    rows: list[list[Cell]] = []
    offset = 0
    lines = text.splitlines(keepends=True)
    if not text or text[-1] in LINE_BREAKS:
        lines.append("")  # the empty line after the last break, as `split("\n")` gives it
    for number, line in enumerate(lines, start=1):
        body = line[:-2] if line.endswith("\r\n") else line[:-1] if line and line[-1] in LINE_BREAKS else line
        if not body or body.isspace():
            rows.append([])
        else:
            cells = []
            column = 0
            for part in body.split("\t"):
                raw = part.strip()
                lead = 0 if not raw or len(raw) == len(part) else len(part) - len(part.lstrip())
                cells.append(located_cell(raw, number, column + lead + 1, offset + column + lead))
                column += len(part) + 1
            rows.append(cells)
        offset += len(line)
    return rows


def _fields(text: str) -> int:
    """Tabs plus line breaks (each break character counted: an upper bound of the lines), by C-speed counts."""
    return text.count("\t") + sum(text.count(mark) for mark in LINE_BREAKS)


def read(data: bytes, path: str) -> ReadResult:
    """Read one text file into forms. Never raises: GL002 when undecodable, GL001 when no form is found."""
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        return ReadResult(path=path, problem=("GL002", str(exc)))
    if not text.strip():
        return ReadResult(path=path, problem=("GL001", "the file is empty"), text=text, encoding=encoding)
    if _fields(text) > MAX_FIELDS:
        return ReadResult(path=path, problem=("GL002", f"more than {MAX_FIELDS} cells and lines"), encoding=encoding)
    forms = assemble(split_rows(text), path)
    if not forms and is_own_output_text(text):  # a report goallint wrote into the folder: no form, no finding
        return ReadResult(path=path, text=text, encoding=encoding)
    if not forms:
        return ReadResult(path=path, problem=("GL001", "no 项目名称 or 部门名称 row and no form title found"),
                          text=text, encoding=encoding)
    return ReadResult(path=path, forms=forms, text=text, encoding=encoding)
