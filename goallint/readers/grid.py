"""Tables of documents (PDF, Word, saved web pages) as rows of located cells, shared by their readers.

A document's cells are placed on a grid as a browser places an HTML table: a cell spanning rows or columns
occupies those positions, and the next cell of a row goes to the first free column. The value stands in the
top-left position only, and the positions a merge covers read empty: that is how the text exports of these
documents read (the seeds were extracted so), and the assembler carries a merged 一级/二级 label down by itself.

Cells are located as `sheet!ref` (a page `p3` or a table `表2`, and `R12C5`), with `line` counting the rows of
the whole file, so that the path:line:column of a finding orders the findings of a file as it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field

from goallint.model import AnyForm, Cell, Span
from goallint.plumbing.records import record
from goallint.readers.base import Assembler, ReadResult, Rows

MAX_CELLS = 500_000
"""Grid positions per file, spans included: a `rowspan=65534 colspan=1000` cell is refused, not filled."""
MAX_SPAN = 1000
"""The widest or tallest merge kept; longer spans are clipped (HTML clips colspan at 1000 too)."""

Placed = tuple[str, int, int]
"""A source cell: its text, its column span and its row span (both >= 1)."""


class DocumentError(ValueError):
    """The document cannot be read; the message is one Chinese line for GL002, saying what to do."""


@record(slots=True)
class RowStream:
    """The rows of one file in reading order, each cell located; `line` counts the rows given so far."""

    rows: Rows = field(default_factory=list)
    budget: int = MAX_CELLS

    def spend(self, cells: int) -> None:
        self.budget -= cells
        if self.budget < 0:
            raise DocumentError(f"文件中的单元格超过 {MAX_CELLS} 个，不像是绩效目标表；请只导出表格所在的页或工作表后再检查")

    def add_text(self, text: str, sheet: str, ref: str) -> None:
        """One line of text outside any table (a title, a paragraph) as a one-cell row."""
        raw = text.strip()
        if not raw:
            self.rows.append([])
            return
        self.spend(1)
        line = len(self.rows) + 1
        self.rows.append([Cell(raw, Span(line, 1, line, 2, sheet=sheet, ref=ref))])

    def add_grid(self, grid: list[list[str]], sheet: str, first_row: int = 1) -> None:
        """A table's grid rows (already placed); cells are `sheet!R{row}C{column}`, rows from `first_row`."""
        for offset, texts in enumerate(grid):
            width = len(texts)
            while width and not texts[width - 1].strip():
                width -= 1
            self.spend(width)
            line = len(self.rows) + 1
            number = first_row + offset
            self.rows.append([Cell(texts[column].strip(), Span(line, column + 1, line, column + 2, sheet=sheet,
                                                                ref=f"R{number}C{column + 1}"))
                              for column in range(width)])


def place(rows: Iterable[list[Placed]], budget: int = MAX_CELLS) -> list[list[str]]:
    """A table's cells on a grid: spans occupy their positions (covered ones read ''), the value top-left.
    Raises DocumentError when the grid would exceed `budget` positions."""
    table = list(rows)
    grid: list[list[str]] = []
    taken: dict[int, set[int]] = {}
    used = 0
    for index, cells in enumerate(table):
        while len(grid) <= index:
            grid.append([])
        row = grid[index]
        occupied = taken.pop(index, set())
        column = 0
        for text, colspan, rowspan in cells:
            while column in occupied:
                column += 1
            # a span is clipped to the table's rows (as a browser does) and to MAX_SPAN columns
            colspan, rowspan = max(1, min(colspan, MAX_SPAN)), max(1, min(rowspan, MAX_SPAN, len(table) - index))
            used += colspan * rowspan
            if used > budget:
                raise DocumentError(f"表格合并后超过 {budget} 个单元格，不像是绩效目标表；请检查文件是否完整")
            if len(row) < column + colspan:
                row.extend([""] * (column + colspan - len(row)))
            row[column] = text
            for below in range(index + 1, index + rowspan):
                taken.setdefault(below, set()).update(range(column, column + colspan))
            column += colspan
    return grid


def one_line(text: str) -> str:
    """A cell's text on one line (line breaks inside a cell are wrapping, as the text exports join them)."""
    return "".join(part.strip() for part in text.splitlines()) if "\n" in text or "\r" in text else text.strip()


def assemble_rows(rows: Rows, path: str, assemble: Assembler | None = None) -> list[AnyForm]:
    """Forms from a document's rows, through `assemble` (the layout assembler unless another is given)."""
    if assemble is None:
        from goallint.layout import assemble as assemble_forms

        return assemble_forms(rows, path)
    return assemble(rows, path)


def read_document(data: bytes, path: str, assemble: Assembler | None, rows_of: Callable[[bytes], RowStream],
                  kind: str) -> ReadResult:
    """A document's forms: GL002 when `rows_of` cannot read it (a `DocumentError`), GL001 naming the `kind` of
    document (`PDF`, `Word 文档`, `网页`) when no form is in it. Never raises."""
    try:
        stream = rows_of(data)
    except DocumentError as exc:
        return ReadResult(path=path, problem=("GL002", str(exc)))
    forms = assemble_rows(stream.rows, path, assemble)
    if not forms:
        return ReadResult(path=path, problem=("GL001", f"{kind}中没有找到绩效目标表（没有“项目名称”“部门名称”或表名）"))
    return ReadResult(path=path, forms=forms)


__all__ = ["MAX_CELLS", "DocumentError", "Placed", "RowStream", "assemble_rows", "one_line", "place",
           "read_document"]
