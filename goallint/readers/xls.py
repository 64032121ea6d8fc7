"""Read legacy Excel .xls workbooks (BIFF, through xlrd): each visible sheet becomes rows of located cells.

Each sheet's stored cells and merged ranges go through the .xlsx reader's own grid (`excel._grid_rows`): cells
located `批复表!B12` (line = row, column = column), a merged range filled with its top-left cell, the same
cell limits. Numbers are shown in their number format, dates as dates. A file named .xls that is really an .xlsx
(a zip) or a web page (what many finance systems export under an .xls name) is read as what it is.
xlrd is imported lazily.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from goallint.readers.archive import OLE_MAGIC
from goallint.readers.base import Assembler, ReadResult
from goallint.readers.excel import MAX_CELLS, SheetRows, WorkbookError, _grid_rows, cell_text
from goallint.readers.grid import assemble_rows


class XlsError(ValueError):
    """The workbook cannot be read; one Chinese line for GL002."""


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


def sheets(data: bytes) -> list[SheetRows]:
    """Every visible sheet's rows, as the .xlsx reader makes them (merged ranges filled with their top-left
    cell, `Sheet!B12`). Raises XlsError."""
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
    budget = [MAX_CELLS, MAX_CELLS]  # as the .xlsx reader: cells once merged ranges are filled; cells they cover
    out = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if getattr(sheet, "visibility", 0) == 0:
                stored = list(_stored(book, sheet, budget))
                merges = [(low_row + 1, low_col + 1, high_row, high_col)  # xlrd's ends are exclusive, 0-based
                          for low_row, high_row, low_col, high_col in sheet.merged_cells]
                out.append(_grid_rows(str(sheet.name), iter(stored), merges, budget))
            book.unload_sheet(index)
    except XlsError:
        raise
    except WorkbookError as exc:
        raise XlsError(f"{exc}（不像是绩效目标表）") from None
    except Exception as exc:
        reason = " ".join(str(exc).split())[:160]
        raise XlsError(f".xls 文件已损坏（{type(exc).__name__}: {reason}）；请用 Excel 打开后另存为 .xlsx 再检查") from None
    finally:
        book.release_resources()
    return out


def _stored(book: Any, sheet: Any, budget: list[int]) -> Iterator[tuple[int, int, Any, str]]:
    """The sheet's stored cells as (row, column, text, 'General'), 1-based, the text as the sheet shows it."""
    left = budget[0]
    for row in range(sheet.nrows):
        width = sheet.row_len(row)
        left -= width
        if left < 0:  # the cells stored, counted before they are formatted (merges are counted after)
            raise XlsError(f"工作簿超过 {MAX_CELLS} 个单元格，不像是绩效目标表")
        for column in range(width):
            text = _text(book, sheet, row, column)
            if text:
                yield row + 1, column + 1, text, "General"


class _Silent:
    """xlrd writes warnings to a log file; they are not the reviewer's business."""

    def write(self, text: str) -> int:
        return len(text)


def read(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read an .xls workbook into forms (each sheet assembled on its own). Never raises."""
    if data.startswith(b"PK"):  # an .xlsx saved under an .xls name
        from goallint.readers.excel import read as read_xlsx

        return read_xlsx(data, path, assemble)
    if not data.startswith(OLE_MAGIC):
        head = data[:2048].lstrip().lower()
        if head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<table" in head or b"<html" in head:
            from goallint.readers.html import read as read_html  # a web page exported as .xls

            return read_html(data, path, assemble)
        return ReadResult(path=path, problem=("GL002", "不是 Excel 工作簿（.xls 文件头不对）；请用 Excel 打开后另存为 .xlsx 再检查"))
    try:
        found = sheets(data)
    except XlsError as exc:
        return ReadResult(path=path, problem=("GL002", str(exc)))
    forms = [form for sheet in found for form in assemble_rows(sheet.rows, path, assemble)]
    if not forms:
        return ReadResult(path=path, problem=("GL001", "工作簿的各工作表中都没有找到绩效目标表"))
    return ReadResult(path=path, forms=forms)


__all__ = ["XlsError", "read", "sheets"]
