"""Read forms published as web pages (through lxml): the page's text and its tables, in page order, as rows.

A table's cells are placed as a browser places them (`rowspan`/`colspan`, the value top-left: `grid.py`); a
table holding tables (a page laid out in a frame table, as government sites are) is read as what its cells
hold, in page order; a table nested in a form table's cell follows it, as a table of its own (`表2.1`); the page's own text
around the tables (a title, a year, navigation) is one row per block (`正文!第5段`). The encoding is the one
the page declares (BOM, `<meta charset>` or `http-equiv`), GBK/GB2312 read as GB18030; undeclared, UTF-8 or
else GB18030. Nothing in the page runs or is fetched: scripts, styles and comments are dropped, the parser
loads no external entity; what the page hides (`hidden`, `display:none`) is not read, a table's `<caption>`
is. lxml is imported lazily.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from goallint.readers.base import Assembler, ReadResult
from goallint.readers.grid import (
    DocumentError,
    Placed,
    RowStream,
    one_line,
    place,
    read_document,
)

MAX_DEPTH = 4
"""Tables nested deeper than this are not read as tables (the text of a cell nested so deep is kept)."""
MAX_TABLES = 2_000
MAX_ELEMENTS = 1_000_000
MAX_TAGS = 400_000
"""`<` in the page, counted before it is parsed (a large portal page has some tens of thousands)."""
MAX_CELLS_IN_PAGE = 100_000
_CELL = re.compile(rb"<t[dh][\s>/]", re.IGNORECASE)

_META = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote",
           "center", "form", "section", "article", "header", "footer", "nav", "aside", "main", "caption", "br", "hr",
           "address", "figure", "figcaption", "fieldset", "legend", "body", "tr", "td", "th", "thead", "tbody",
           "tfoot"}
"""Elements that start and end a block of text (table parts are met only inside a frame table)."""
_SKIPPED = {"script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math", "select",
            "textarea", "button"}
_GB = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "gb18030", "cp936", "euc-cn", "x-euc-cn", "hz-gb-2312"}


def decode(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding it was read with."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    declared = _META.search(data[:8192])
    name = declared.group(1).decode("ascii").lower() if declared else None
    if name in _GB:
        return data.decode("gb18030", errors="replace"), "gb18030"
    if name is not None:
        try:
            return data.decode(codecs.lookup(name).name, errors="replace"), name
        except LookupError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


def _parse(text: str) -> Any:
    from lxml import etree, html  # type: ignore[import-untyped]

    parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, remove_blank_text=True,
                             huge_tree=False)
    try:
        return html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(f"网页无法解析（{exc}）；请在浏览器中重新另存为 .html 后再检查") from None


_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _skipped(element: Any, tag: str) -> bool:
    """Not read: scripts and the like, comments, and what the page hides (a reviewer never sees it)."""
    if not tag or tag in _SKIPPED:
        return True
    return element.get("hidden") is not None or bool(_HIDDEN.search(element.get("style") or "")) \
        or (tag == "input" and (element.get("type") or "").lower() == "hidden")


def _tag(element: Any) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _text(element: Any) -> str:
    """The text of an element without the tables nested in it and without scripts (iteratively: pages nest
    deeper than Python recurses)."""
    out: list[str] = [element.text or ""]
    stack = [(child, True) for child in reversed(element)]
    while stack:
        node, enter = stack.pop()
        if not enter:
            out.append(node.tail or "")
            continue
        tag = _tag(node)
        stack.append((node, False))
        if tag == "table" or _skipped(node, tag):
            continue
        out.append(node.text or "")
        stack.extend((child, True) for child in reversed(node))
    return one_line(" ".join("".join(out).split()))


def _own_rows(table: Any) -> list[Any]:
    """The rows of this table, not of tables nested in it (rows sit in thead/tbody/tfoot or directly)."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if _tag(row) == "tr")
    return rows


def _span(cell: Any, name: str) -> int:
    try:
        return int(str(cell.get(name, "1")).strip() or 1)
    except ValueError:
        return 1


def _table(table: Any, name: str, stream: RowStream, depth: int) -> None:
    cells_by_row: list[list[Placed]] = []
    inner: list[Any] = []
    caption = next((child for child in table if _tag(child) == "caption"), None)
    if caption is not None and not _skipped(caption, "caption"):
        stream.add_text(_text(caption), name, "标题")  # the form's title, as the caption says it
    for row in _own_rows(table):
        placed: list[Placed] = []
        if _skipped(row, "tr"):
            continue
        for cell in row:
            if _tag(cell) not in ("td", "th") or _skipped(cell, _tag(cell)):
                continue
            placed.append((_text(cell), _span(cell, "colspan"), _span(cell, "rowspan")))
            inner.extend(_tables_in(cell))
        cells_by_row.append(placed)
    stream.add_grid(place(cells_by_row, stream.budget), name)
    if depth < MAX_DEPTH:
        for index, nested in enumerate(inner, start=1):
            _table(nested, f"{name}.{index}", stream, depth + 1)


def _is_layout(table: Any) -> bool:
    """A table holding tables in its cells (a page laid out in a frame table), itself nested in fewer than
    MAX_DEPTH tables."""
    if not any(_tables_in(cell) for row in _own_rows(table) for cell in row if _tag(cell) in ("td", "th")):
        return False
    return sum(1 for _ in table.iterancestors("table")) < MAX_DEPTH


def _tables_in(element: Any) -> list[Any]:
    """The tables directly in an element (not those inside them), found without descending into tables."""
    found, stack = [], list(element)
    while stack:
        node = stack.pop()
        if _tag(node) == "table":
            found.append(node)
        elif not _skipped(node, _tag(node)):
            stack.extend(node)
    return found[::-1]


def document_rows(data: bytes) -> RowStream:
    """The page's text blocks and tables in page order. Raises DocumentError (one Chinese line)."""
    text, _ = decode(data)
    if not text.strip():
        return RowStream()
    try:
        import lxml  # noqa: F401
    except ImportError as exc:  # pragma: no cover - lxml is a dependency
        raise DocumentError(f"未安装 lxml，无法读取网页（{exc}）") from None
    tags, cells = data.count(b"<"), len(_CELL.findall(data))
    if tags > MAX_TAGS or cells > MAX_CELLS_IN_PAGE:  # counted before lxml builds the tree (~0.5 KB an element)
        raise DocumentError(f"网页超过 {MAX_TAGS} 个标记或 {MAX_CELLS_IN_PAGE} 个表格单元格，不像是绩效目标表")
    root = _parse(text)
    body = root.find("body")
    body = body if body is not None else root
    stream = RowStream()
    line: list[str] = []
    blocks = tables = elements = 0

    def flush() -> None:
        nonlocal blocks
        joined = " ".join(" ".join(line).split())
        line.clear()
        if joined:
            blocks += 1
            stream.add_text(joined, "正文", f"第{blocks}段")

    line.append(body.text or "")
    stack = [(child, True) for child in reversed(body)]
    while stack:
        node, enter = stack.pop()
        tag = _tag(node)
        if not enter:
            if tag in _BLOCKS:
                flush()
            line.append(node.tail or "")
            continue
        elements += 1
        if elements > MAX_ELEMENTS:
            raise DocumentError(f"网页超过 {MAX_ELEMENTS} 个元素，不像是绩效目标表")
        stack.append((node, False))
        if _skipped(node, tag):
            continue
        if tag == "table" and _is_layout(node):
            flush()  # a page laid out in a frame table: what its cells hold is read in order, as the page
            stack.extend((child, True) for child in reversed(node))
            continue
        if tag == "table":
            flush()
            tables += 1
            if tables > MAX_TABLES:
                raise DocumentError(f"网页中超过 {MAX_TABLES} 个表格，不像是绩效目标表")
            _table(node, f"表{tables}", stream, 1)
            continue
        if tag in _BLOCKS:
            flush()
        line.append(node.text or "")
        stack.extend((child, True) for child in reversed(node))
    flush()
    return stream


def read(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read a saved web page into forms. Never raises: GL002 when unreadable, GL001 when no form is in it."""
    return read_document(data, path, assemble, document_rows, "网页")


__all__ = ["decode", "document_rows", "read"]
