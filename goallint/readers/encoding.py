"""Decode form files: UTF-8 (with or without BOM), GB18030/GBK, else a charset-normalizer guess."""

from __future__ import annotations


class DecodeError(ValueError):
    """The bytes are not text in any encoding goallint can tell."""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises DecodeError for binary or undecodable bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError("binary file (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("undecodable bytes: not UTF-8, GB18030 or any detectable encoding")
    return str(best), best.encoding
