"""Bounded stream decoding for pdfminer: a PDF's compressed streams inflate to at most a set size.

pdfminer decodes a stream whole (`zlib.decompress`, LZW, run-length), and a 20 MB PDF can hold streams that
inflate to gigabytes: a flate bomb, a flate stream compressed twice (`/Filter [/FlateDecode /FlateDecode]`),
an LZW or run-length bomb, or a truncated one that pdfminer retries byte by byte. `install()` replaces the
decoders pdfminer's `pdftypes` module calls with equivalents that stop at `MAX_STREAM` bytes a stream and
`MAX_INFLATED` bytes a document, raising `StreamTooLarge`; below the limits they return what the originals
return. pdfminer's `resolve1` follows a loop of references forever (`/Length 5 0 R`, 5 naming 6, 6 naming 5):
the installed one stops after MAX_REFERENCES. Installed once, on the first PDF read (only pdfminer's and
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


class StreamTooLarge(Exception):
    """A stream (or the document's streams together) decodes beyond the limits."""


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


class ReferenceLoop(ValueError):
    """An indirect reference that does not end in a value."""


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
    _installed[0] = True


def too_large(exc: BaseException) -> bool:
    """Whether an exception (pdfplumber wraps pdfminer's) comes from a stream beyond the limits."""
    seen = 0
    node: BaseException | None = exc
    while node is not None and seen < 20:
        if isinstance(node, StreamTooLarge):
            return True
        node = node.__cause__ or node.__context__
        seen += 1
    return "StreamTooLarge" in str(exc) or "stream beyond" in str(exc)


__all__ = ["MAX_INFLATED", "MAX_STREAM", "StreamTooLarge", "install", "reset", "too_large"]
