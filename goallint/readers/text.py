"""Read tab-separated text (forms extracted from PDFs): decode, split into located cells, assemble forms."""

from __future__ import annotations

from goallint.layout import assemble as assemble_forms
from goallint.model import Cell, Span
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.outputs import is_own_output_text
from goallint.readers.base import Assembler, ReadResult
from goallint.readers.encoding import DecodeError, decode

MAX_FIELDS = 1_000_000
"""Tabs plus line breaks in one file. A cell costs about 1 KB and 10 µs, so a file of nothing but tabs
must be refused before it is split; real forms have about 65,000 per MB."""


LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""What ends a line: what `str.splitlines` splits on (so rows and the report's source lines agree). A bare CR
(old Mac exports), a NEL or U+2028 each end a line as LF does; CRLF is one break."""


def split_rows(text: str) -> list[list[Cell]]:
    """One row per line (ended by LF, CRLF, a bare CR or any LINE_BREAKS character; the break is not part of
    the line), one cell per tab-separated field.

    A cell's raw text is the field without surrounding whitespace; its span covers exactly that text, so
    `text[span.start:span.end] == cell.raw`. A blank line is an empty row. (The reader's hottest loop:
    most fields have no surrounding whitespace (`strip` then returns the field itself), and those skip the
    arithmetic of the lead.)"""
    rows: list[list[Cell]] = []
    offset = 0
    new = tuple.__new__  # `located_cell` inlined: this runs for every field of every line
    lines = text.splitlines(keepends=True)
    if not text or text[-1] in LINE_BREAKS:
        lines.append("")  # the empty line after the last break, as `split("\n")` gives it
    for number, line in enumerate(lines, start=1):
        body = line[:-2] if line.endswith("\r\n") else line[:-1] if line and line[-1] in LINE_BREAKS else line
        if not body or body.isspace():
            rows.append([])
        else:
            cells: list[Cell] = []
            add = cells.append
            start = offset  # the field's offset in the text; its 1-based column is `start - base`
            base = offset - 1
            for part in body.split("\t"):
                if not part:  # an empty field (half of a table's): no text to measure or trim
                    column = start - base
                    add(new(Cell, (part, new(Span, (number, column, number, column, start, start, None, None)))))
                    start += 1
                    continue
                end = start + len(part)
                raw = part.strip()
                if raw is part:
                    add(new(Cell, (raw, new(Span, (number, start - base, number, end - base, start, end, None,
                                                    None)))))
                else:
                    here = start + len(part) - len(part.lstrip()) if raw else start
                    column, length = here - base, len(raw)
                    add(new(Cell, (raw, new(Span, (number, column, number, column + length, here, here + length,
                                                   None, None)))))
                start = end + 1
            rows.append(cells)
        offset += len(line)
    return rows


def _fields(text: str) -> int:
    """Tabs plus line breaks (each break character counted: an upper bound of the lines), by C-speed counts."""
    return text.count("\t") + sum(text.count(mark) for mark in LINE_BREAKS)


_SPACED_COLUMNS = on_use(r"\S(?: {2,}|\u3000+)\S")
"""Two cells of a row separated by a run of spaces (or full-width spaces) instead of a tab."""


def spaced_columns(text: str) -> int | None:
    """The first line of a text written with spaces where the layout has tabs, or None. A text with any tab is
    tab-separated; one without needs at least two lines whose cells are spaced apart (a single spaced line is
    as likely a sentence), and one of them a label the forms start with."""
    if "\t" in text:
        return None
    spaced = [number for number, line in enumerate(text.splitlines(), start=1) if _SPACED_COLUMNS.search(line)]
    if len(spaced) < 2 or not any(label in text for label in ("项目名称", "部门名称", "绩效指标", "一级指标")):
        return None
    return spaced[0]


def read(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read one text file into forms. Never raises: GL002 when undecodable, GL001 when no form is found."""
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        return ReadResult(path=path, problem=("GL002", str(exc)))
    if not text.strip():
        return ReadResult(path=path, problem=("GL001", "文件是空的"), text=text, encoding=encoding)
    if len(text) > MAX_FIELDS and _fields(text) > MAX_FIELDS:  # each counted mark is a character of the text
        return ReadResult(path=path, problem=("GL002", f"超过 {MAX_FIELDS} 个单元格和行"), encoding=encoding)
    if is_own_output_text(text):  # a report goallint wrote into the folder: no form, no finding
        return ReadResult(path=path, text=text, encoding=encoding)
    spaced = spaced_columns(text)
    if spaced is not None:  # read as it is, it would be a form of one column: every field missing, at 1:1
        return ReadResult(path=path, problem=("GL001", f"各栏用空格而不是制表符（Tab）分隔（第 {spaced} 行起），无法按表格读取："
                                              "请把栏与栏之间的空格换成一个 Tab，或从 PDF 重新导出为以 Tab 分隔的文本"
                                              "（见 README“文本表格的格式”）"), text=text, encoding=encoding,
                          problem_line=spaced)
    forms = (assemble or assemble_forms)(split_rows(text), path)
    if not forms:
        return ReadResult(path=path, problem=("GL001", "没有找到“项目名称”或“部门名称”行，也没有表单标题"),
                          text=text, encoding=encoding)
    return ReadResult(path=path, forms=forms, text=text, encoding=encoding)
