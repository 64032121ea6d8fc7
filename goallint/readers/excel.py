"""Read .xlsx workbooks: each visible sheet becomes rows of located cells for the layout assembler.

Merged cells read as a person sees them: the top-left value fills the merged range (with the top-left cell's
span). The zip's declared sizes are checked before openpyxl inflates anything. openpyxl is imported lazily.

Sheets are read in openpyxl's read-only mode, with the merged ranges taken from each sheet's `<mergeCell>`
elements: a full load spends half its time giving every merged range its borders and placeholder cells, which
nothing here reads (examples/excel/example.xlsx: 8.2 → 5.3 ms). What it reads is what a full load reads, cell for
cell (`tests/test_excel_reader.py` holds the two equal); a full load remains for an openpyxl that does not
say where a read-only sheet's XML is.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from goallint.model import AnyForm, Cell, Span
from goallint.readers.archive import Container, zip_members
from goallint.readers.base import Assembler, ReadResult, Rows

XLSX = Container(".xlsx", "工作簿有密码保护，或是旧版 .xls 文件；请去掉密码后另存为 .xlsx 再检查",
                 "请在 Excel/WPS 中重新保存后再检查", max_members=10_000, max_uncompressed=200 * 1024 * 1024)
MAX_CELLS = 500_000
"""Cells per workbook after merged ranges are filled, and again once rows are laid out (a row as long as its
last cell)."""
MAX_GAP = 8
"""Empty rows (or columns) kept of a run of them: a form's layout needs a blank line, not millions."""

_DECIMALS = re.compile(r"\.([0#]+)")



class WorkbookError(ValueError):
    """The workbook cannot be read; the message is one line for GL002."""


@dataclass
class SheetRows:
    """One sheet's rows (row 1 first; an empty row is `[]`), each cell located by sheet and ref."""

    sheet: str
    rows: Rows


def check_archive(data: bytes) -> None:
    """Refuse what is not an xlsx zip, or a zip whose declared contents are too big. Raises WorkbookError."""
    members = zip_members(data, XLSX, WorkbookError)
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise WorkbookError("是 zip 压缩包，但不是 .xlsx 工作簿；请在 Excel/WPS 中另存为 .xlsx 后再检查")
    stored = _stored_cells(data, [m for m in members if "worksheets/" in m.filename and m.filename.endswith(".xml")])
    if stored > MAX_CELLS:
        raise WorkbookError(f"工作表中超过 {MAX_CELLS} 个单元格（载入前统计），不像是绩效目标表")


_CELL_TAG = re.compile(rb"<(?:[^\s<>/!?:]*:)?c[\s/>]")
"""A cell element with any namespace prefix, however long (the loader resolves every prefix)."""
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
MAX_TAG = 1 << 20
"""Bytes of one tag (from its `<` to the next): longer is no spreadsheet XML."""


def _stored_cells(data: bytes, sheets: list[zipfile.ZipInfo]) -> int:
    """Cells stored in the worksheet parts, counted by streaming the XML (openpyxl spends tens of µs and about 2 KB
    per cell loading a sheet, so a huge sheet must be refused before it is loaded).

    The count is at least what the loader loads: a cell tag is counted whatever its namespace prefix, a tag
    split by a chunk boundary once (each chunk is scanned up to its last `<`); a part with a DTD (whose
    entities could expand to cells the count never sees) or that is not UTF-8 XML is refused."""
    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            others = [m for m in archive.infolist() if m.filename.endswith((".xml", ".rels", ".vml"))
                      and m.filename not in {sheet.filename for sheet in sheets}]
            for member in [*sheets, *others]:  # the sheets first: the count may stop the scan early
                counted = member in sheets
                with archive.open(member) as stream:
                    tail = b""
                    first = True
                    while chunk := stream.read(1 << 20):
                        block = tail + chunk
                        if first:
                            _utf8_xml(block, member.filename)
                            first = False
                        if _DTD.search(block):
                            raise WorkbookError(f"{member.filename} 中有 DTD（工作簿中不允许）")
                        cut = block.rfind(b"<")
                        cut = len(block) if cut < 0 else cut
                        if counted:
                            count += len(_CELL_TAG.findall(block, 0, cut))
                        tail = block[cut:]
                        if len(tail) > MAX_TAG:
                            raise WorkbookError(f"{member.filename} 中有超过 {MAX_TAG // (1024 * 1024)} MB 的标签")
                        if count > MAX_CELLS:
                            return count
                    if counted:
                        count += len(_CELL_TAG.findall(tail))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        if isinstance(exc, WorkbookError):
            raise
        raise WorkbookError(f".xlsx 文件已损坏或不完整（{exc}）；请在 Excel/WPS 中重新保存后再检查") from None
    return count


def _utf8_xml(head: bytes, name: str) -> None:
    """A part is UTF-8 XML (what Excel writes): in UTF-16 no tag would be seen by the count above."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:64]:
        raise WorkbookError(f"{name} 不是 UTF-8 编码的 XML")


def _number_text(value: float | int | Decimal, number_format: str) -> str:
    """A number as the sheet shows it, for the common formats (General, 0, 0.00, #,##0.00, 0%, 0.00%)."""
    fmt = number_format.split(";")[0]
    percent = "%" in fmt
    number = Decimal(str(value)) * (100 if percent else 1)
    if "0" in fmt:  # a digit placeholder: fixed decimals, maybe grouped
        decimals = _DECIMALS.search(fmt)
        grouping = "," if "#,##" in fmt else ""
        text = f"{number:{grouping}.{len(decimals.group(1)) if decimals else 0}f}"
    elif number == number.to_integral_value():
        text = str(int(number))
    else:
        text = format(float(number), ".15g")
    return text + ("%" if percent else "")


def cell_text(value: Any, number_format: str = "General") -> str:
    """The text a person sees in a cell with this value and number format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        try:
            return _number_text(value, number_format or "General")
        except (ValueError, ArithmeticError):
            return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _ref(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    return f"{get_column_letter(column)}{row}"


def _located(raw: str, sheet: str, row: int, column: int) -> Cell:
    span = Span(line=row, column=column, end_line=row, end_column=column + 1, sheet=sheet, ref=_ref(row, column))
    return Cell(raw=raw, span=span)


Merge = tuple[int, int, int, int]
"""A merged range: (min_row, min_col, max_row, max_col)."""

_MERGE_CELL = re.compile(rb'<(?:\w{1,8}:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')


def _merges_in(xml: bytes) -> list[Merge]:
    """The merged ranges a worksheet part declares (`<mergeCell ref="A1:F1"/>`)."""
    from openpyxl.utils.cell import range_boundaries  # type: ignore[import-untyped]

    out = []
    for ref in _MERGE_CELL.findall(xml):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
        if min_row > max_row or min_col > max_col:
            raise WorkbookError(f"合并区域 {ref.decode('ascii')} 的终点在起点之前，工作簿已损坏")
        out.append((min_row, min_col, max_row, max_col))
    return out


def _grid_rows(title: str, stored: Iterator[tuple[int, int, Any, str]], merges: list[Merge],
               budget: list[int]) -> SheetRows:
    """Rows of one sheet from its stored cells (row, column, value, number format) and merged ranges: a cell
    a range covers (not its top-left) reads empty, as in Excel, and the range is filled with its top-left.
    `budget` is what is left of the workbook's cells, and of the cells its merged ranges may cover."""
    budget[1] -= sum((max_row - min_row + 1) * (max_col - min_col + 1) for min_row, min_col, max_row, max_col in merges)
    if budget[1] < 0:  # checked before any range is walked (`A1:XFD1048576` is 17 billion cells)
        raise WorkbookError(f"合并区域覆盖超过 {MAX_CELLS} 个单元格，不像是绩效目标表")
    covered = {(row, column) for min_row, min_col, max_row, max_col in merges
               for row in range(min_row, max_row + 1) for column in range(min_col, max_col + 1)
               if (row, column) != (min_row, min_col)}
    grid: dict[tuple[int, int], Cell] = {}
    for row, column, value, number_format in stored:
        if value is None or (row, column) in covered:
            continue
        text = cell_text(value, number_format)
        if text:
            grid[(row, column)] = _located(text, title, row, column)
    for min_row, min_col, max_row, max_col in merges:
        top_left = grid.get((min_row, min_col))
        if top_left is None:
            continue
        area = (max_row - min_row + 1) * (max_col - min_col + 1)
        budget[0] -= area
        if budget[0] < 0:
            raise WorkbookError(f"展开合并区域后超过 {MAX_CELLS} 个单元格，不像是绩效目标表")
        for row in range(min_row, max_row + 1):
            for column in range(min_col, max_col + 1):
                grid[(row, column)] = top_left
    budget[0] -= len(grid)
    if budget[0] < 0:
        raise WorkbookError(f"超过 {MAX_CELLS} 个单元格，不像是绩效目标表")
    return SheetRows(title, _compact_rows(title, grid, budget))


def _kept(used: set[int]) -> list[int]:
    """The row (or column) numbers laid out: every used one, with at most MAX_GAP of each run of unused ones
    before it (a cell at row 200,000,000 or column XFD is not preceded by millions of empty ones)."""
    kept: list[int] = []
    previous = 0
    for number in sorted(used):
        kept.extend(range(previous + 1, min(number, previous + 1 + MAX_GAP)))
        kept.append(number)
        previous = number
    return kept


def _compact_rows(title: str, grid: dict[tuple[int, int], Cell], budget: list[int]) -> Rows:
    """The sheet's rows for the assembler: a cell keeps its real place (row, column, ref) in its span, but
    rows and columns empty throughout the sheet are laid out at most MAX_GAP in a row, so memory follows the
    cells present. The padded grid (a row is as long as its last cell) shares the workbook's cell budget."""
    if not grid:
        return []
    last_column: dict[int, int] = {}
    for row, column in grid:
        if column > last_column.get(row, 0):
            last_column[row] = column
    columns = _kept({column for _, column in grid})
    rows: Rows = []
    for row in _kept(set(last_column)):
        width = last_column.get(row, 0)
        if not width:
            rows.append([])
            continue
        laid = columns[:bisect_right(columns, width)]
        budget[0] -= len(laid)
        if budget[0] < 0:
            raise WorkbookError(f"按行排布后超过 {MAX_CELLS} 个单元格（稀疏的工作表：单元格在行列上相距很远）")
        rows.append([grid.get((row, column)) or _located("", title, row, column) for column in laid])
    return rows


def _read_only_rows(workbook: Any, worksheet: Any, budget: list[int]) -> SheetRows:
    """A sheet of a read-only workbook: its cells streamed, its merged ranges read from its XML part."""
    worksheet.reset_dimensions()  # read every stored row, whatever the sheet's declared <dimension> says
    with workbook._archive.open(worksheet._worksheet_path) as part:
        merges = _merges_in(part.read())
    return _grid_rows(str(worksheet.title), _stored_read_only(worksheet), merges, budget)


FORMULA_WITHOUT_VALUE = "公式（文件中没有保存计算结果，请在 Excel 中打开并保存后再检查）"
"""The text of a formula cell whose computed value the workbook does not hold."""


class _SharedStrings:
    """The workbook's shared strings, indexed as a sheet's cells index them: an index below 0 is an error
    (Python's list read `-1` as the last string, silently)."""

    def __init__(self, strings: Any) -> None:
        self.strings = strings

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            raise WorkbookError(f"单元格引用了不存在的共享字符串 {index}")
        return self.strings[index]

    def __len__(self) -> int:
        return len(self.strings)


def _stored_read_only(worksheet: Any) -> Iterator[tuple[int, int, Any, str]]:
    """The cells a read-only sheet stores, parsed as openpyxl's `iter_rows` parses them but without the empty
    row it yields for every missing one (a cell at row 200,000,000 was 200 million empty rows)."""
    try:
        from openpyxl.cell.read_only import ReadOnlyCell  # type: ignore[import-untyped]
        from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - an openpyxl without them
        yield from ((cell.row, cell.column, cell.value, cell.number_format)
                    for row in worksheet.iter_rows() for cell in row if cell.value is not None)
        return
    book = worksheet.parent
    with worksheet._get_source() as source:
        class Parser(WorkSheetParser):  # type: ignore[misc]
            def parse_cell(self, element: Any) -> Any:
                """A formula whose result the file does not hold (saved by a program that does not compute)
                reads as saying so, not as an empty cell ("缺少预算金额")."""
                cell = super().parse_cell(element)
                if cell["value"] is None and self.data_only and element.find(FORMULA_TAG) is not None:
                    cell["value"], cell["data_type"] = FORMULA_WITHOUT_VALUE, "s"
                return cell

        parser = Parser(source, _SharedStrings(worksheet._shared_strings), data_only=book.data_only,
                                 epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for _, row in parser.parse():
            for stored in row:
                if stored["value"] is not None:
                    cell = ReadOnlyCell(worksheet, **stored)
                    yield cell.row, cell.column, cell.value, cell.number_format


def _loaded_rows(worksheet: Any, budget: list[int]) -> SheetRows:
    """A sheet of a fully loaded workbook (the stored cells only, not the styled extent)."""
    merges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in worksheet.merged_cells.ranges]
    stored = ((row, column, cell.value, cell.number_format) for (row, column), cell in worksheet._cells.items())
    return _grid_rows(str(worksheet.title), stored, merges, budget)


def workbook_rows(data: bytes, read_only: bool = True) -> list[SheetRows]:
    """Every visible sheet's rows. Raises WorkbookError (one-line message) for anything unreadable.
    `read_only=False` reads through a full load (what the read-only path is held equal to)."""
    check_archive(data)
    try:
        from openpyxl import load_workbook  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise WorkbookError(f"没有安装 openpyxl，无法读取工作簿（{exc}）") from None
    budget = [MAX_CELLS, MAX_CELLS]  # cells once merged ranges are filled; cells merged ranges cover
    try:  # openpyxl raises many kinds (KeyError, zipfile, XML errors) for broken files, read-only ones as it reads
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
            try:
                sheets = [sheet for sheet in workbook.worksheets
                          if getattr(sheet, "sheet_state", "visible") == "visible"]
                if read_only and sheets and not (hasattr(workbook, "_archive") and hasattr(sheets[0], "_worksheet_path")):
                    return workbook_rows(data, read_only=False)  # an openpyxl that hides the sheets' parts
                if read_only:
                    return [_read_only_rows(workbook, sheet, budget) for sheet in sheets]
                return [_loaded_rows(sheet, budget) for sheet in sheets]
            finally:
                workbook.close()
    except WorkbookError:
        raise
    except Exception as exc:
        reason = " ".join(str(exc).split())[:200]
        raise WorkbookError(f"无法读取工作簿（{type(exc).__name__}: {reason}）；请在 Excel/WPS 中重新保存后再检查") from None


def _assembler() -> Assembler | None:
    """The layout assembler (`goallint.layout.assemble`) when it is available."""
    try:
        from goallint import layout
    except ImportError:
        return None
    assemble = getattr(layout, "assemble", None)
    return assemble if callable(assemble) else None


def read(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read an .xlsx workbook into forms (one or several per sheet). Never raises."""
    try:
        sheets = workbook_rows(data)
    except WorkbookError as exc:
        return ReadResult(path=path, problem=("GL002", str(exc)))
    assemble = assemble or _assembler()
    if assemble is None:
        return ReadResult(path=path, problem=("GL001", "无法按表格读取（没有可用的表格识别）"))
    forms: list[AnyForm] = []
    for sheet in sheets:
        forms.extend(assemble(sheet.rows, path))
    if not forms:
        return ReadResult(path=path, problem=("GL001", "工作簿的各工作表中都没有找到绩效目标表"))
    return ReadResult(path=path, forms=forms)


__all__ = ["SheetRows", "WorkbookError", "cell_text", "check_archive", "read", "workbook_rows"]
