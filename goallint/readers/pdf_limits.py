"""Bounded stream decoding for pdfminer: a PDF's compressed streams inflate to at most a set size.

pdfminer decodes a stream whole (`zlib.decompress`, LZW, run-length), and a 20 MB PDF can hold streams that
inflate to gigabytes: a flate bomb, a flate stream compressed twice (`/Filter [/FlateDecode /FlateDecode]`),
an LZW or run-length bomb, or a truncated one that pdfminer retries byte by byte. `install()` replaces the
decoders pdfminer's `pdftypes` module calls with equivalents that stop at `MAX_STREAM` bytes a stream and
`MAX_INFLATED` bytes a document, raising `StreamTooLarge`; below the limits they return what the originals
return. pdfminer's `resolve1` follows a loop of references forever (`/Length 5 0 R`, 5 naming 6, 6 naming 5):
the installed one stops after MAX_REFERENCES. And what is drawn on a page is counted as it is drawn, up to
MAX_PAGE_OBJECTS. Installed once, on the first PDF read (only pdfminer's and
pdfplumber's own references change).
"""

from __future__ import annotations

import zlib
from typing import Any

MAX_STREAM = 8 * 1024 * 1024
"""Decoded bytes of one stream (a dense page of a form is under 100 KB of content)."""
MAX_INFLATED = 64 * 1024 * 1024
"""Decoded bytes of every stream of one document."""

_spent = [0]
_installed = [False]


MAX_PAGE_OBJECTS = 50_000
"""Characters and path segments drawn on one page, counted as pdfminer draws them: pdfplumber keeps about
2 KB and 20 µs for each; a dense form page has a few thousand."""

_drawn = [0]


class LimitExceeded(Exception):
    """The document goes beyond a limit; `message` says which, in Chinese, for GL002."""

    message = "PDF 超出了读取限制，不像是绩效目标表；请重新导出 PDF 后再检查"


class StreamTooLarge(LimitExceeded):
    """A stream (or the document's streams together) decodes beyond the limits."""

    message = (f"PDF 中的压缩内容解压后超过 {MAX_STREAM // (1024 * 1024)} MB 一段或 {MAX_INFLATED // (1024 * 1024)} MB "
               "合计（压缩炸弹？），不像是绩效目标表；请重新导出 PDF 后再检查")


class PageTooDense(LimitExceeded):
    """A page draws more characters and lines than any form has."""

    message = (f"PDF 的一页上绘制了超过 {MAX_PAGE_OBJECTS} 个字符和线段，不像是绩效目标表；"
               "请只导出表格所在的页后再检查")


def reset() -> None:
    """Start counting a new document's decoded bytes."""
    _spent[0] = 0


def _spend(size: int) -> None:
    if size > MAX_STREAM:
        raise StreamTooLarge(f"stream beyond {MAX_STREAM} bytes")
    _spent[0] += size
    if _spent[0] > MAX_INFLATED:
        raise StreamTooLarge(f"streams beyond {MAX_INFLATED} bytes")


class _Inflater:
    """`zlib.decompressobj()` whose output is bounded (pdfminer's retry of a corrupt stream uses one)."""

    def __init__(self) -> None:
        self._inflater = zlib.decompressobj()
        self._size = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inflater.decompress(data, MAX_STREAM + 1 - self._size)
        self._size += len(out)
        if self._size > MAX_STREAM or self._inflater.unconsumed_tail:
            raise StreamTooLarge(f"stream beyond {MAX_STREAM} bytes")
        return out

    def flush(self, length: int = zlib.DEF_BUF_SIZE) -> bytes:
        return self._inflater.flush(length)


class BoundedZlib:
    """Stands in for the `zlib` module inside pdfminer.pdftypes."""

    error = zlib.error
    DEF_BUF_SIZE = zlib.DEF_BUF_SIZE

    @staticmethod
    def decompress(data: bytes, *args: Any) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, MAX_STREAM + 1)
        if len(out) > MAX_STREAM or inflater.unconsumed_tail:
            raise StreamTooLarge(f"stream beyond {MAX_STREAM} bytes")
        if not inflater.eof:  # as zlib.decompress: an incomplete stream is an error (pdfminer then retries)
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        _spend(len(out))
        return out

    @staticmethod
    def decompressobj(*args: Any) -> _Inflater:
        return _Inflater()


def lzwdecode(data: bytes) -> bytes:
    import io

    from pdfminer.lzw import LZWDecoder

    out, size = [], 0
    for piece in LZWDecoder(io.BytesIO(data)).run():
        size += len(piece)
        if size > MAX_STREAM:
            raise StreamTooLarge(f"stream beyond {MAX_STREAM} bytes")
        out.append(piece)
    _spend(size)
    return b"".join(out)


def rldecode(data: bytes) -> bytes:
    """Run-length decoding (PDF 32000 7.4.5), bounded."""
    out = bytearray()
    index = 0
    while index < len(data):
        length = data[index]
        if length == 128:
            break
        if length < 128:
            out += data[index + 1:index + 2 + length]
            index += length + 2
        else:
            out += data[index + 1:index + 2] * (257 - length)
            index += 2
        if len(out) > MAX_STREAM:
            raise StreamTooLarge(f"stream beyond {MAX_STREAM} bytes")
    _spend(len(out))
    return bytes(out)


MAX_REFERENCES = 64
"""References followed to resolve one value (`5 0 R` naming `6 0 R` naming `5 0 R` … loops forever in
pdfminer's own `resolve1`)."""


class ReferenceLoop(LimitExceeded):
    """An indirect reference that does not end in a value."""

    message = "PDF 中有循环引用的对象（文件已损坏或被构造），无法读取；请从原文件重新导出 PDF 后再检查"


def _bounded_resolve1(original: Any) -> Any:
    from pdfminer.pdftypes import PDFObjRef

    def resolve1(x: object, default: object = None) -> Any:
        for _ in range(MAX_REFERENCES):
            if not isinstance(x, PDFObjRef):
                return x
            x = x.resolve(default=default)
        raise ReferenceLoop(f"more than {MAX_REFERENCES} references in a row (a reference loop)")

    resolve1.__doc__ = original.__doc__
    return resolve1


def install() -> None:
    """Put the bounded decoders where pdfminer.pdftypes looks them up, and the bounded `resolve1` wherever a
    pdfminer or pdfplumber module took pdfminer's own (once, after pdfplumber is imported)."""
    if _installed[0]:
        return
    import sys

    from pdfminer import pdftypes

    pdftypes.zlib = BoundedZlib  # type: ignore[attr-defined,assignment]
    pdftypes.lzwdecode = lzwdecode  # type: ignore[attr-defined]
    pdftypes.rldecode = rldecode  # type: ignore[attr-defined]
    original = pdftypes.resolve1
    bounded = _bounded_resolve1(original)
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("pdfminer", "pdfplumber") and getattr(module, "resolve1", None) is original:
            module.resolve1 = bounded  # type: ignore[attr-defined]
    _count_drawing()
    _installed[0] = True


def _count_drawing() -> None:
    """Count what pdfminer draws on each page (characters as they are drawn, path segments as a path is
    built), from the start of the page."""
    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.pdfinterp import PDFPageInterpreter

    render_char, process_page = PDFLayoutAnalyzer.render_char, PDFPageInterpreter.process_page

    def counted_char(self: Any, *args: Any, **kwargs: Any) -> Any:
        _draw(1)
        return render_char(self, *args, **kwargs)

    def counted_page(self: Any, page: Any) -> Any:
        _drawn[0] = 0
        return process_page(self, page)

    PDFLayoutAnalyzer.render_char = counted_char  # type: ignore[method-assign]
    PDFPageInterpreter.process_page = counted_page  # type: ignore[method-assign]
    # path segments, as the path is built; pdfminer passes an operator as many operands as its method takes
    # arguments, so each counted method keeps its signature
    do_m, do_l, do_re = PDFPageInterpreter.do_m, PDFPageInterpreter.do_l, PDFPageInterpreter.do_re
    do_c, do_v, do_y = PDFPageInterpreter.do_c, PDFPageInterpreter.do_v, PDFPageInterpreter.do_y

    def counted_m(self: Any, x: Any, y: Any) -> None:
        _draw(1)
        do_m(self, x, y)

    def counted_l(self: Any, x: Any, y: Any) -> None:
        _draw(1)
        do_l(self, x, y)

    def counted_re(self: Any, x: Any, y: Any, w: Any, h: Any) -> None:
        _draw(1)
        do_re(self, x, y, w, h)

    def counted_c(self: Any, x1: Any, y1: Any, x2: Any, y2: Any, x3: Any, y3: Any) -> None:
        _draw(1)
        do_c(self, x1, y1, x2, y2, x3, y3)

    def counted_v(self: Any, x2: Any, y2: Any, x3: Any, y3: Any) -> None:
        _draw(1)
        do_v(self, x2, y2, x3, y3)

    def counted_y(self: Any, x1: Any, y1: Any, x3: Any, y3: Any) -> None:
        _draw(1)
        do_y(self, x1, y1, x3, y3)

    PDFPageInterpreter.do_m, PDFPageInterpreter.do_l, PDFPageInterpreter.do_re = (  # type: ignore[method-assign]
        counted_m, counted_l, counted_re)
    PDFPageInterpreter.do_c, PDFPageInterpreter.do_v, PDFPageInterpreter.do_y = (  # type: ignore[method-assign]
        counted_c, counted_v, counted_y)


def _draw(count: int) -> None:
    _drawn[0] += count
    if _drawn[0] > MAX_PAGE_OBJECTS:
        raise PageTooDense(f"more than {MAX_PAGE_OBJECTS} characters and path segments on a page")


_MARKS: dict[type[LimitExceeded], str] = {StreamTooLarge: "stream beyond", PageTooDense: "path segments on a page",
                                          ReferenceLoop: "references in a row"}
"""What each limit's exception says, found in the text of an exception that wraps it without its chain."""


def limit_message(exc: BaseException) -> str | None:
    """The Chinese message of the limit an exception comes from (pdfplumber wraps pdfminer's), or None."""
    node: BaseException | None = exc
    for _ in range(20):
        if node is None:
            break
        if isinstance(node, LimitExceeded):
            return node.message
        node = node.__cause__ or node.__context__
    text = str(exc)
    return next((kind.message for kind, mark in _MARKS.items() if mark in text), None)


__all__ = ["MAX_INFLATED", "MAX_PAGE_OBJECTS", "MAX_STREAM", "LimitExceeded", "install", "limit_message", "reset"]
