"""Read PDF forms (through pdfplumber): ruled tables as rows of cells, the text around them as rows too.

Each page's tables (found from their ruling lines) and its lines of text outside them are read top to bottom.
A table cell's wrapped lines are joined; a merged cell's value stands in its top-left position, the positions
it covers read empty (`grid.py`). A page that starts with a table whose first row repeats the first row of the
table that ended the previous page (a header row repeated on each page) has that row dropped: the table goes
on. Text outside tables (a title, a form laid out without ruling lines) is split into cells where a line has
a wide gap; a line that is only a page number is left out. Cells are located `p3!R12C5`: page 3, its 12th row, 5th column.

Limits (`pdf_limits.py`, applied inside pdfminer as it works): the size streams decode to (a 20 MB flate bomb
would become gigabytes), reference loops, and what is drawn on a page; here: pages, characters in all, and
ruling lines on a page. pdfplumber is imported
lazily.
"""

from __future__ import annotations

import io
import re
from typing import Any

from goallint.readers import pdf_limits
from goallint.readers.base import Assembler, ReadResult
from goallint.readers.grid import DocumentError, RowStream, one_line, read_document

MAX_PAGES = 500
MAX_CHARS = 2_000_000
"""Characters in the whole document (each page is bounded as it is drawn: `pdf_limits.MAX_PAGE_OBJECTS`)."""
MAX_RULES = 20_000
"""Lines and rectangles on one page (a form page has a few hundred)."""
GAP = 1.5
"""A gap wider than this many character heights splits a line of text into cells."""
JOIN = 0.5
"""A line closer than this many character heights below a line of several cells continues its cells (text
wrapped in cells without ruling lines)."""
SPACE = 0.2
"""A narrower gap wider than this many character heights is a space between words."""

_PAGE_NUMBER = re.compile(r"[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
                          r"|\d{1,4}\s*/\s*\d{1,4}|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?")
"""A line that is only a page number (`- 3 -`, `第 3 页 共 6 页`, `3/6`, `Page 3 of 6`)."""


def _open(data: bytes) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise DocumentError("PDF 有密码保护，无法读取；请去掉密码（或用“打印为 PDF”另存一份）后再检查") from None
    except Exception as exc:
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(exc).lower():
            raise DocumentError("PDF 有密码保护，无法读取；请去掉密码（或用“打印为 PDF”另存一份）后再检查") from None
        raise _broken(exc, "PDF 已损坏或不完整") from None


def _broken(exc: BaseException, what: str) -> DocumentError:
    """The one-line finding for an exception while reading (a limit of `pdf_limits.py`, or damage)."""
    limit = pdf_limits.limit_message(exc)
    if limit is not None:
        return DocumentError(limit)
    return DocumentError(f"{what}（{_reason(exc)}）；请从原文件重新导出 PDF 后再检查")


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}".rstrip(": ")


Line = tuple[float, float, list[tuple[float, str]]]
"""A line of text outside the tables: its top, its bottom, its cells (where each starts, its text)."""


def _lines_outside(page: Any, boxes: list[tuple[float, float, float, float]], heights: list[float]) -> list[Line]:
    """The lines of text outside the tables, each split into cells at wide gaps (page numbers left out).
    The characters' heights are added to `heights`."""
    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    lines: list[Line] = []
    for line in rest.extract_text_lines(return_chars=True, strip=True):
        cells: list[tuple[float, str]] = []
        current, start, last = "", 0.0, None
        for char in line["chars"]:
            height = max(char["bottom"] - char["top"], 1.0)
            gap = char["x0"] - last if last is not None else 0.0
            if gap > GAP * height and current.strip():
                cells.append((start, current.strip()))
                current = ""
            elif gap > SPACE * height and not current.endswith(" "):
                current += " "  # a space drawn as a gap between words, not as a character
            if not current.strip():
                start = float(char["x0"])
            current += char["text"]
            if char["text"].strip():
                last = char["x1"]
                heights.append(height)
        if current.strip():
            cells.append((start, current.strip()))
        if not cells or (len(cells) == 1 and _PAGE_NUMBER.fullmatch(cells[0][1])):
            continue  # nothing, or a page number in the margin: not a row of the form
        lines.append((float(line["top"]), float(line["bottom"]), cells))
    return lines


class _Columns:
    """Where the document's columns of text start (outside ruled tables): the starts of the cells of its
    lines of several cells, those within `tolerance` of each other as one. A line's cells are put in these
    columns, so that a form laid out without ruling lines keeps its empty cells, as a ruled row does; a
    wrapped line of a cell (closer below a row than JOIN character heights) goes on in that cell."""

    def __init__(self, lines: list[Line], heights: list[float]) -> None:
        self.height = sorted(heights)[len(heights) // 2] if heights else 10.0
        self.tolerance = GAP * self.height
        self.starts = _columns([x for _, _, cells in lines if len(cells) > 1 for x, _ in cells], self.tolerance)

    def rows(self, lines: list[Line]) -> list[list[str]]:
        out: list[list[str]] = []
        below = 0.0
        for top, bottom, cells in lines:
            row = _placed(cells, self.starts, self.tolerance)
            previous = out[-1] if out else []
            if len(previous) > 1 and top - below < JOIN * self.height and len(row) <= len(previous) \
                    and all(previous[i] for i, text in enumerate(row) if text):
                for i, text in enumerate(row):  # a cell's wrapped line: the row goes on
                    previous[i] += text
            else:
                out.append(row)
            below = bottom
        return out


def _columns(starts: list[float], tolerance: float) -> list[float]:
    """Where the page's columns start: the starts of cells, those within `tolerance` of each other as one."""
    columns: list[float] = []
    for x in sorted(starts):
        if not columns or x - columns[-1] > tolerance:
            columns.append(x)
    return columns


def _placed(cells: list[tuple[float, str]], columns: list[float], tolerance: float) -> list[str]:
    """A line's cells in the page's columns (empty where it has none); in order when they do not fit them
    (a paragraph, a title)."""
    if len(cells) == 1 and not any(abs(cells[0][0] - x) <= tolerance for x in columns[1:]):
        return [cells[0][1]]
    row: list[str] = []
    for x, text in cells:
        nearest = min(range(len(columns)), key=lambda i: abs(columns[i] - x)) if columns else 0
        if not columns or abs(columns[nearest] - x) > tolerance or nearest < len(row):
            return [text for _, text in cells]
        row.extend([""] * (nearest - len(row)))
        row.append(text)
    return row


def document_rows(data: bytes) -> RowStream:
    """The rows of every page. Raises DocumentError (one Chinese line) for what cannot be read."""
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise DocumentError("不是 PDF 文件（缺少 %PDF 文件头）；请从原文件重新导出 PDF 后再检查")
    try:
        import pdfplumber  # noqa: F401
    except ImportError as exc:  # pragma: no cover - pdfplumber is a dependency
        raise DocumentError(f"未安装 pdfplumber，无法读取 PDF（{exc}）") from None
    pdf_limits.install()
    pdf_limits.reset()
    stream = RowStream()
    pdf = _open(data)
    try:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise _broken(exc, "PDF 的页面结构已损坏") from None
        if not pages:
            raise DocumentError("PDF 中没有页面（文件已损坏或不完整）；请从原文件重新导出 PDF 后再检查")
        if len(pages) > MAX_PAGES:
            raise DocumentError(f"PDF 超过 {MAX_PAGES} 页，不像是绩效目标表；请只导出表格所在的页后再检查")
        chars = 0
        heights: list[float] = []
        read: list[list[Item]] = []
        for number, page in enumerate(pages, start=1):
            try:
                chars += len(page.chars)
                if chars > MAX_CHARS:
                    raise DocumentError(f"PDF 的文字超过 {MAX_CHARS} 个字符，不像是绩效目标表；请只导出表格所在的页后再检查")
                read.append(_page_items(page, number, heights))
            except DocumentError:
                raise
            except Exception as exc:
                raise _broken(exc, f"PDF 第 {number} 页无法读取") from None
            finally:
                page.close()
        if chars == 0:
            raise DocumentError("PDF 没有文字层（扫描件或图片）；请先做文字识别（OCR），或提供原始的 Word/Excel 文件")
    finally:
        try:
            pdf.close()
        except Exception:  # pdfplumber's close reads the page tree again, which may be broken
            pass
    columns = _Columns([line for items in read for _, kind, item in items if kind == 0 for line in [item]], heights)
    last_header: list[str] | None = None  # first row of the table that ended the previous page
    for number, items in enumerate(read, start=1):
        last_header = _add_page(items, f"p{number}", stream, last_header, columns)
    return stream


Item = tuple[float, int, Any]
"""What a page holds, top to bottom: (top, 0, a Line) or (top, 1, a table's rows)."""


def _page_items(page: Any, number: int, heights: list[float]) -> list[Item]:
    """A page's tables (their rows) and lines of text outside them, top to bottom."""
    if len(page.lines) + len(page.rects) > MAX_RULES:  # finding tables compares ruling lines pairwise
        raise DocumentError(f"PDF 第 {number} 页有超过 {MAX_RULES} 条线段，不像是绩效目标表；请重新导出 PDF 后再检查")
    tables = page.find_tables()
    items: list[Item] = [(float(t.bbox[1]), 1, [[one_line(cell or "") for cell in row] for row in t.extract()])
                         for t in tables]
    items += [(line[0], 0, line) for line in _lines_outside(page, [t.bbox for t in tables], heights)]
    items.sort(key=lambda item: (item[0], item[1]))
    return items


def _add_page(items: list[Item], sheet: str, stream: RowStream, last_header: list[str] | None,
              columns: _Columns) -> list[str] | None:
    """Add one page's rows; return the first row of its last table if the page ends with a table."""
    row_number, header = 1, None
    index = 0
    while index < len(items):
        if items[index][1] == 0:  # a run of lines of text, placed in the document's columns
            run = []
            while index < len(items) and items[index][1] == 0:
                run.append(items[index][2])
                index += 1
            rows = columns.rows(run)
            stream.add_grid(rows, sheet, row_number)
            row_number += len(rows)
            header = None
            continue
        grid = items[index][2]
        if index == 0 and grid and last_header is not None and grid[0] == last_header and sum(map(bool, grid[0])) > 1:
            grid = grid[1:]  # the header row repeated on a new page: the previous page's table goes on
            row_number += 1
            header = last_header
        elif grid:
            header = grid[0]
        stream.add_grid(grid, sheet, row_number)
        row_number += len(grid)
        index += 1
    return header


def read(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read a PDF into forms. Never raises: GL002 when it cannot be read, GL001 when no form is in it."""
    return read_document(data, path, assemble, document_rows, "PDF ")


__all__ = ["MAX_PAGES", "document_rows", "read"]
