"""Render text forms (tab-separated, as examples/*.txt) into the documents reviewers receive: PDF with ruled
tables, Word .docx, legacy .xls and a saved web page, with merged cells laid out as in the templates.

A line without a tab is a line of text above or between tables (a title, a year); a line with tabs is a table
row. The 一级/二级 labels of an indicator table are merged down over the rows that leave them empty, and a
label row's value is merged across the empty cells after it: what the template shows. Read back, every
format must give the text form's own rows (covered cells empty), hence the same forms and findings.

Run: .venv/bin/python tests/make_documents.py  (writes the FIXTURES into examples/pdf/, examples/docx/,
examples/xls/ and examples/html/; name seed files to render others). reportlab and xlwt come with the `test`
extra.
"""

from __future__ import annotations

import datetime
import html
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER_MARK = "一级指标"
XLS_MERGED = ("名称", "单位", "部门")
"""Labels whose value row is merged across in the .xls rendering."""
FONT = "STSong-Light"


@dataclass
class Block:
    """A paragraph (`text`) or a table (`rows`, with its merges: (row, col) -> (rowspan, colspan))."""

    text: str | None = None
    rows: list[list[str]] = field(default_factory=list)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    header: bool = False
    """The table starts with an indicator header row (repeated on each page it runs over)."""


def blocks_of(text: str) -> list[Block]:
    """The text form as paragraphs and tables; an indicator table is its own table, starting at its header."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    width = max((line.count("\t") + 1 for line in lines if "\t" in line), default=1)
    blocks: list[Block] = []
    table: Block | None = None
    for line in lines:
        if not line.strip():
            continue
        if "\t" not in line:
            blocks.append(Block(text=line.strip()))
            table = None
            continue
        cells = [part.strip() for part in line.split("\t")]
        cells += [""] * (width - len(cells))
        if HEADER_MARK in cells or table is None:
            table = Block(header=HEADER_MARK in cells)
            blocks.append(table)
        table.rows.append(cells)
    for block in blocks:
        if block.text is None:
            block.spans = _spans(block)
    return blocks


def _spans(table: Block) -> dict[tuple[int, int], tuple[int, int]]:
    rows, spans = table.rows, {}
    width = len(rows[0])
    if table.header:  # 一级 and 二级 labels merged down over the data rows that leave them empty
        for column in [rows[0].index(label) for label in (HEADER_MARK, "二级指标") if label in rows[0]]:
            for index in range(1, len(rows)):
                if not rows[index][column]:
                    continue
                end = index + 1
                while end < len(rows) and not any(rows[end][:column + 1]) and any(rows[end][column + 1:]):
                    end += 1
                if end - index > 1:
                    spans[(index, column)] = (end - index, 1)
    for index, row in enumerate(rows):  # a label's value merged across the empty cells after it
        filled = [column for column, text in enumerate(row) if text]
        if filled and filled[-1] <= 1 and filled[-1] < width - 1 and not table.header:
            spans[(index, filled[-1])] = (1, width - filled[-1])
    return spans


# ----------------------------------------------------------------------------------------------- PDF


def _wrap(text: str, width: float, size: float) -> str:
    """Text broken into lines that fit `width`; never at a space (it would be lost at a line's end)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, start = [], 0
    while start < len(text):
        end = start + 1
        while end < len(text) and stringWidth(text[start:end + 1], FONT, size) <= width:
            end += 1
        while end < len(text) and end - start > 1 and (text[end - 1].isspace() or text[end].isspace()):
            end -= 1
        lines.append(text[start:end])
        start = end
    return "\n".join(lines)


def _chunks(block: Block, heights: list[float], room: float) -> list[tuple[list[int], dict[tuple[int, int], tuple[int, int]]]]:
    """A table cut into pieces that each fit a page: (row indexes, spans within the piece). A piece after the
    first repeats an indicator table's header row; a merge cut by the page goes on as empty cells."""
    pieces: list[list[int]] = [[]]
    used = 0.0
    for index, height in enumerate(heights):
        if pieces[-1] and used + height > room:
            pieces.append([0] if block.header and index > 0 else [])
            used = heights[0] if block.header else 0.0
        pieces[-1].append(index)
        used += height
    out = []
    for rows in pieces:
        where = {index: position for position, index in enumerate(rows)}
        spans = {}
        for (row, column), (rowspan, colspan) in block.spans.items():
            if row in where and (row > 0 or rows[0] == 0):
                last = max(r for r in range(row, row + rowspan) if r in where)
                spans[(where[row], column)] = (last - row + 1, colspan)
        out.append((rows, spans))
    return out


def render_pdf(text: str, ruled: bool = True) -> bytes:
    """The form as a PDF: paragraphs as lines of text, tables ruled (or, `ruled=False`, laid out in columns
    without lines, as a text-only page). A table longer than a page goes on over the next pages, an
    indicator table with its header row repeated."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    size, page = 7.0, landscape(A4)
    style = ParagraphStyle("p", fontName=FONT, fontSize=10, leading=14)
    story: list = []
    usable, room = page[0] - 72, (page[1] - 72) * 0.85
    for block in blocks_of(text):
        if block.text is not None:
            story.append(Paragraph(html.escape(block.text), style))
            continue
        columns = len(block.rows[0])
        widths = [usable / columns] * columns
        data, heights = [], []
        for index, row in enumerate(block.rows):
            out = []
            for column, cell in enumerate(row):
                colspan = block.spans.get((index, column), (1, 1))[1]
                out.append(_wrap(cell, sum(widths[column:column + colspan]) - 12, size) if cell else "")
            data.append(out)
            heights.append(max(cell.count("\n") + 1 for cell in out) * size * 1.3 + 8)
        for number, (rows, spans) in enumerate(_chunks(block, heights, room)):
            commands = [("FONT", (0, 0), (-1, -1), FONT, size), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEADING", (0, 0), (-1, -1), size * 1.3)]
            if ruled:
                commands.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
            for (row, column), (rowspan, colspan) in spans.items():
                commands.append(("SPAN", (column, row), (column + colspan - 1, row + rowspan - 1)))
            if number:
                story.append(PageBreak())
            story.append(KeepTogether([Table([data[i] for i in rows], colWidths=widths, style=TableStyle(commands))]))
    out = io.BytesIO()
    def number(canvas: Any, document: Any) -> None:  # a page number in the bottom margin, as printed forms have
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(page[0] / 2, 18, f"第 {document.page} 页")

    SimpleDocTemplate(out, pagesize=page, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36,
                      title="绩效目标表", invariant=1).build(story, onFirstPage=number, onLaterPages=number)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------- Word


def render_docx(text: str, framed: bool = False) -> bytes:
    """The form as a Word document: paragraphs, and tables whose merges are gridSpan/vMerge (`framed`: all of
    it inside the one cell of a frame table, as some offices lay a page out)."""
    from docx import Document

    document = Document()
    holder: Any = document.add_table(rows=1, cols=1).cell(0, 0) if framed else document
    for block in blocks_of(text):
        if block.text is not None:
            holder.add_paragraph(block.text)
            continue
        table = holder.add_table(len(block.rows), len(block.rows[0])) if framed else \
            document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
        table.style = "Table Grid"
        for index, row in enumerate(block.rows):
            for column, cell in enumerate(row):
                if cell:
                    table.cell(index, column).text = cell
        for (row, column), (rowspan, colspan) in block.spans.items():
            table.cell(row, column).merge(table.cell(row + rowspan - 1, column + colspan - 1))
    out = io.BytesIO()
    fixed = datetime.datetime(2025, 1, 1)  # the same bytes every run: fixed dates inside and in the zip
    document.core_properties.created = document.core_properties.modified = fixed
    document.save(out)
    stable = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(zipfile.ZipInfo(member.filename, date_time=(2025, 1, 1, 0, 0, 0)), source.read(member),
                            compress_type=zipfile.ZIP_DEFLATED)
    return stable.getvalue()


# ----------------------------------------------------------------------------------------------- .xls


def render_xls(text: str) -> bytes:
    """The form as one sheet of a legacy workbook. Only the values of name rows are merged across: the .xls
    reader fills a merged range with its value, as Excel shows it, and a task row filled across would read
    as a task with its text repeated in the amount column."""
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("绩效目标表")
    row_number = 0
    for block in blocks_of(text):
        if block.text is not None:
            sheet.write(row_number, 0, block.text)
            row_number += 1
            continue
        for index, row in enumerate(block.rows):
            rowspan, colspan = 1, 1
            for column, cell in enumerate(row):
                rowspan, colspan = block.spans.get((index, column), (1, 1))
                if colspan > 1 and column == 1 and row[0].endswith(XLS_MERGED):
                    sheet.write_merge(row_number, row_number, column, column + colspan - 1, cell)
                elif cell:
                    sheet.write(row_number, column, cell)
            row_number += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------- HTML


def render_html(text: str, encoding: str = "utf-8", framed: bool = False) -> bytes:
    """The form as a saved government web page: navigation text above it, tables with rowspan/colspan, a script
    that would write a table if it ran. (No footer after the form: the assembler would read a line of text
    after the last indicator row as one more indicator.)"""
    parts = [f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
             "<title>部门预算公开</title><script>document.write('<table><tr><td>项目名称</td></tr></table>')</script>",
             "<style>td{border:1px solid}</style></head><body>",
             '<div class="nav">首页 &gt; 信息公开 &gt; 预算公开</div>']
    if framed:  # the page laid out in a frame table, as many government sites are
        parts.append('<table width="100%"><tr><td>站内搜索</td><td>')
    for block in blocks_of(text):
        if block.text is not None:
            parts.append(f"<p>{html.escape(block.text)}</p>")
            continue
        covered = {(row + r, column + c) for (row, column), (rowspan, colspan) in block.spans.items()
                   for r in range(rowspan) for c in range(colspan) if (r, c) != (0, 0)}
        parts.append('<table border="1" cellspacing="0">')
        for index, row in enumerate(block.rows):
            cells = []
            for column, cell in enumerate(row):
                if (index, column) in covered:
                    continue
                rowspan, colspan = block.spans.get((index, column), (1, 1))
                attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
                cells.append(f"<td{attrs}>{html.escape(cell)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    if framed:
        parts.append("</td></tr></table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode(encoding)


RENDERERS = {"pdf": render_pdf, "docx": render_docx, "xls": render_xls, "html": render_html}


FIXTURES = {"001_8dd0aec2d39c09c7": "utf-8", "004_958330f20d319429": "gbk"}
"""The seed forms committed rendered (four project forms; one department form over six pages), and the
encoding of their web page."""


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent / "examples"
    for stem, encoding in FIXTURES.items() if not argv else ((Path(name).stem, "utf-8") for name in argv):
        text = (root / f"{stem}.txt").read_text(encoding="utf-8")
        for kind, render in RENDERERS.items():
            target = root / kind / f"{stem}.{kind}"
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(render_html(text, encoding) if kind == "html" else render(text))
            print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
