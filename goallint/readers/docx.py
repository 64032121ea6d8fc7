"""Read Word .docx forms (through python-docx): the body's paragraphs and tables in document order as rows.

A table's cells are placed by their grid: `gridSpan` widens a cell, `gridBefore` skips leading grid columns,
and a `vMerge` continuation reads empty (the merged value stands in the top cell, as in `grid.py`). A table
that holds tables (a page laid out in a frame table) is read as what its cells hold, in order; a table
nested in a form table's cell follows the row it sits in, as a table of its own (`表2.1`). Cells are located `表2!R3C4`
(the document's second table, row 3, column 4); a paragraph outside tables is `正文!第5段`.

The zip's declared sizes are checked before python-docx inflates anything (it keeps every part in memory).
python-docx is imported lazily.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

from goallint.readers.archive import Container, zip_members
from goallint.readers.base import Assembler, ReadResult
from goallint.readers.grid import (
    DocumentError,
    Placed,
    RowStream,
    one_line,
    place,
    read_document,
)

DOCX = Container(".docx", "文档有密码保护，或是旧版 Word 文档（.doc）；请去掉密码并另存为 .docx 后再检查",
                 "请在 Word/WPS 中重新保存后再检查", max_members=5_000, max_uncompressed=64 * 1024 * 1024)
MAX_DOCUMENT_XML = 32 * 1024 * 1024
"""The body's XML, parsed whole by lxml (several times its size in memory)."""
MAX_ELEMENTS = 100_000
"""Paragraphs and table cells in the body (a dense twenty-page form has a few thousand)."""
MAX_DEPTH = 5
"""Tables nested deeper than this are not read (their text is still in the cell that holds them)."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_archive(data: bytes) -> None:
    """Refuse what is not a .docx zip, or one whose declared contents are too big. Raises DocumentError."""
    members = zip_members(data, DOCX, DocumentError)
    body = [m for m in members if m.filename == "word/document.xml"]
    if not body:
        raise DocumentError("压缩包中没有 Word 正文（word/document.xml），不是 .docx 文档；请另存为 .docx 后再检查")
    if body[0].file_size > MAX_DOCUMENT_XML:
        raise DocumentError(f".docx 正文超过 {MAX_DOCUMENT_XML // (1024 * 1024)} MB，不像是绩效目标表")
    elements = _count_elements(data, body[0])
    if elements > MAX_ELEMENTS:
        raise DocumentError(f".docx 正文中超过 {MAX_ELEMENTS} 个段落和单元格，不像是绩效目标表；请只保留表格后另存再检查")


_ELEMENT = re.compile(rb"<w:(?:p|tc)[\s/>]")
_CARRY = 8
"""Bytes kept between chunks: longer than an element's opening, so one split by a chunk boundary counts once."""


def _count_elements(data: bytes, body: zipfile.ZipInfo) -> int:
    """Paragraphs and table cells in the body, counted by streaming its XML before lxml parses it whole
    (lxml and python-docx keep about 1 KB an element, so the count must come before the tree)."""
    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(body) as stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                block = tail + chunk
                cut = len(block) - _CARRY
                count += sum(1 for found in _ELEMENT.finditer(block) if found.start() < cut)
                tail = block[max(cut, 0):]
                if count > MAX_ELEMENTS:
                    return count
            count += len(_ELEMENT.findall(tail))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise DocumentError(f".docx 文件已损坏或不完整（{exc}）；请在 Word/WPS 中重新保存后再检查") from None
    return count


_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag"}
"""Elements that wrap paragraphs, tables, rows or cells without being one (content controls, custom XML)."""
_TEXT = {f"{_W}t": "", f"{_W}tab": " ", f"{_W}ptab": " ", f"{_W}br": "\n", f"{_W}cr": "\n",
         f"{_W}noBreakHyphen": "-"}
"""What a paragraph's text is made of (`w:t` holds text; deleted text is `w:delText`, field codes `w:instrText`)."""


def _kids(element: Any, tag: str) -> list[Any]:
    """The children of `element` with this tag, those inside content controls and custom XML included."""
    found, stack = [], list(element)[::-1]
    while stack:
        child = stack.pop()
        if child.tag == tag:
            found.append(child)
        elif child.tag in _WRAPPERS:
            stack.extend(list(child)[::-1])
    return found


def _cell_text(cell: Any) -> str:
    """The text of a table cell's own paragraphs (not of tables nested in it), on one line."""
    return "".join(_paragraph(p) for p in _kids(cell, f"{_W}p"))


def _paragraph(element: Any) -> str:
    """A paragraph's text as Word shows it: its runs wherever they sit (hyperlinks, tracked insertions,
    content controls, fields), tabs as spaces, line breaks joined as the text exports join them."""
    parts = [node.text or "" if node.tag == f"{_W}t" else _TEXT[node.tag] for node in element.iter(*_TEXT)]
    return one_line("".join(parts))


def _int(element: Any, tag: str, default: int) -> int:
    found = element.find(tag) if element is not None else None
    if found is None:
        return default
    try:
        return int(found.get(f"{_W}val", default))
    except ValueError:
        return default


def _table(table: Any, name: str, stream: RowStream, depth: int) -> None:
    """One table's rows (and after each row, the tables nested in its cells)."""
    grid_rows: list[list[Placed]] = []
    nested: list[tuple[int, Any]] = []
    for row in _kids(table, f"{_W}tr"):
        placed: list[Placed] = []
        skip = _int(row.find(f"{_W}trPr"), f"{_W}gridBefore", 0)
        placed.extend(("", 1, 1) for _ in range(min(max(skip, 0), 64)))
        for cell in _kids(row, f"{_W}tc"):
            props = cell.find(f"{_W}tcPr")
            span = _int(props, f"{_W}gridSpan", 1)
            merge = props.find(f"{_W}vMerge") if props is not None else None
            continued = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
            placed.append(("" if continued else _cell_text(cell), span, 1))
            nested.extend((len(grid_rows), inner) for inner in _kids(cell, f"{_W}tbl"))
        grid_rows.append(placed)
    grid = place(grid_rows, stream.budget)
    done = 0
    for index, (row_index, inner) in enumerate(nested, start=1):
        stream.add_grid(grid[done:row_index + 1], name, done + 1)
        done = row_index + 1
        if depth < MAX_DEPTH:
            _table(inner, f"{name}.{index}", stream, depth + 1)
    stream.add_grid(grid[done:], name, done + 1)


def document_rows(data: bytes) -> RowStream:
    """The body's rows in document order. Raises DocumentError (one Chinese line)."""
    check_archive(data)
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise DocumentError(f"未安装 python-docx，无法读取 .docx（{exc}）") from None
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors for damaged packages
        reason = " ".join(str(exc).split())[:120]
        if "Excessive depth" in reason:  # lxml refuses XML nested deeper than 256 elements
            raise DocumentError("Word 文档中表格嵌套过深（超过 256 层），不像是绩效目标表；请另存一份只含表格的 .docx 后再检查") from None
        raise DocumentError(f".docx 文件无法打开（{type(exc).__name__}: {reason}）；请在 Word/WPS 中另存为 .docx 后再检查") from None
    stream = RowStream()
    _flow(body, stream, [0, 0], 1)
    return stream


def _is_layout(table: Any) -> bool:
    """A table that holds tables in its cells: a page frame laid out with a table, not a form table."""
    return any(_kids(cell, f"{_W}tbl") for row in _kids(table, f"{_W}tr") for cell in _kids(row, f"{_W}tc"))


def _flow(container: Any, stream: RowStream, counts: list[int], depth: int) -> None:
    """The paragraphs and tables of the body (or of a layout table's cell) in document order. `counts`:
    paragraphs and tables so far, for their locations (`正文!第5段`, `表2`)."""
    for child in container.iterchildren():
        if child.tag in _WRAPPERS:  # a content control or custom XML around paragraphs and tables
            _flow(child, stream, counts, depth)
            continue
        if child.tag == f"{_W}p":
            counts[0] += 1
            stream.add_text(_paragraph(child), "正文", f"第{counts[0]}段")
        elif child.tag == f"{_W}tbl":
            if depth < MAX_DEPTH and _is_layout(child):  # read what the frame holds, cell by cell
                for row in _kids(child, f"{_W}tr"):
                    for cell in _kids(row, f"{_W}tc"):
                        _flow(cell, stream, counts, depth + 1)
                continue
            counts[1] += 1
            _table(child, f"表{counts[1]}", stream, depth)


def read(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read a .docx into forms. Never raises: GL002 when it cannot be read, GL001 when no form is in it."""
    try:
        return read_document(data, path, assemble, document_rows, "Word 文档")
    except RecursionError:
        return ReadResult(path=path, problem=("GL002", ".docx 中表格嵌套过深，无法读取"))


__all__ = ["check_archive", "document_rows", "read"]
