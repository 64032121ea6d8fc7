"""Read legacy Excel .xls workbooks (BIFF, through xlrd): each visible sheet becomes rows of located cells.

Cells are located as in the .xlsx reader (`批复表!B12`, line = row, column = column) and merged ranges are
filled with their top-left value, as the .xlsx reader fills them. A file named .xls that is really an .xlsx
(a zip) or a web page (what many finance systems export under an .xls name) is read as what it is.
xlrd is imported lazily.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from goallint.readers.base import ReadResult
from goallint.readers.excel import MAX_CELLS, cell_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class XlsError(ValueError):
    """The workbook cannot be read; one Chinese line for GL002."""


def _ref(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _text(book: Any, sheet: Any, row: int, column: int) -> str:
    import xlrd  # type: ignore[import-untyped]

    cell = sheet.cell(row, column)
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    fmt = "General"
    xf = book.xf_list[cell.xf_index] if book.xf_list and 0 <= cell.xf_index < len(book.xf_list) else None
    if xf is not None and xf.format_key in book.format_map:
        fmt = book.format_map[xf.format_key].format_str or "General"
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell_text(value, "General")
        return cell_text(moment if moment.time() != dt.time() else moment, "General")
    if kind == xlrd.XL_CELL_NUMBER:
        return cell_text(value, fmt)
    return str(value).strip()


def sheet_grids(data: bytes) -> list[tuple[str, list[list[tuple[int, int, str]]]]]:
    """Every visible sheet's rows as (row, column, text) triples, merged ranges filled. Raises XlsError."""
    try:
        import xlrd
    except ImportError as exc:  # pragma: no cover - xlrd is a dependency
        raise XlsError(f"未安装 xlrd，无法读取 .xls（{exc}）") from None
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True, on_demand=True,
                                  logfile=_Silent())
    except Exception as exc:  # xlrd raises its own errors, struct/index/assertion errors on damaged files
        reason = " ".join(str(exc).split())[:160]
        if "encrypted" in reason.lower():
            raise XlsError("工作簿有密码保护，无法读取；请去掉密码后另存为 .xlsx 再检查") from None
        raise XlsError(f".xls 文件已损坏或不完整（{type(exc).__name__}: {reason}）；请用 Excel 打开后另存为 .xlsx 再检查") from None
    budget = MAX_CELLS
    out = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if getattr(sheet, "visibility", 0) != 0:
                continue
            cells: dict[tuple[int, int], str] = {}
            for row in range(sheet.nrows):
                width = sheet.row_len(row)
                budget -= width
                if budget < 0:
                    raise XlsError(f"工作簿超过 {MAX_CELLS} 个单元格，不像是绩效目标表")
                for column in range(width):
                    text = _text(book, sheet, row, column)
                    if text:
                        cells[(row, column)] = text
            for low_row, high_row, low_col, high_col in sheet.merged_cells:
                area = (high_row - low_row) * (high_col - low_col)
                budget -= area
                if budget < 0:  # checked before the range is walked
                    raise XlsError(f"合并单元格超过 {MAX_CELLS} 个，不像是绩效目标表")
                top_left = cells.get((low_row, low_col))
                for row in range(low_row, high_row):
                    for column in range(low_col, high_col):
                        if (row, column) != (low_row, low_col):
                            if top_left is None:
                                cells.pop((row, column), None)
                            else:
                                cells[(row, column)] = top_left
            rows: list[list[tuple[int, int, str]]] = [[] for _ in range(max((r for r, _ in cells), default=-1) + 1)]
            for (row, column), text in sorted(cells.items()):
                rows[row].append((row, column, text))
            out.append((str(sheet.name), rows))
            book.unload_sheet(index)
    except XlsError:
        raise
    except Exception as exc:
        reason = " ".join(str(exc).split())[:160]
        raise XlsError(f".xls 文件已损坏（{type(exc).__name__}: {reason}）；请用 Excel 打开后另存为 .xlsx 再检查") from None
    finally:
        book.release_resources()
    return out


class _Silent:
    """xlrd writes warnings to a log file; they are not the reviewer's business."""

    def write(self, text: str) -> int:
        return len(text)


def read(data: bytes, path: str) -> ReadResult:
    """Read an .xls workbook into forms (each sheet assembled on its own). Never raises."""
    from goallint.model import Cell, Span

    if data.startswith(b"PK"):  # an .xlsx saved under an .xls name
        from goallint.readers.excel import read as read_xlsx

        return read_xlsx(data, path)
    if not data.startswith(_OLE_MAGIC):
        head = data[:2048].lstrip().lower()
        if head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<table" in head or b"<html" in head:
            from goallint.readers.html import read as read_html  # a web page exported as .xls

            return read_html(data, path)
        return ReadResult(path=path, problem=("GL002", "不是 Excel 工作簿（.xls 文件头不对）；请用 Excel 打开后另存为 .xlsx 再检查"))
    try:
        sheets = sheet_grids(data)
    except XlsError as exc:
        return ReadResult(path=path, problem=("GL002", str(exc)))
    from goallint.layout import assemble

    forms = []
    for name, grid in sheets:
        rows = []
        for cells in grid:
            row: list[Cell] = []
            for number, column, text in cells:
                while len(row) < column:
                    gap = len(row)
                    row.append(Cell("", Span(number + 1, gap + 1, number + 1, gap + 2, sheet=name, ref=_ref(number, gap))))
                row.append(Cell(text, Span(number + 1, column + 1, number + 1, column + 2, sheet=name,
                                           ref=_ref(number, column))))
            rows.append(row)
        forms.extend(assemble(rows, path))
    if not forms:
        return ReadResult(path=path, problem=("GL001", "工作簿的各工作表中都没有找到绩效目标表"))
    return ReadResult(path=path, forms=forms)


__all__ = ["XlsError", "read", "sheet_grids"]
