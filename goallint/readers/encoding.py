"""Decode form files: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, else a charset-normalizer guess."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.05
"""Text with more control characters than this (NUL, BEL, ESC …; not tab, CR, LF, FF) is binary."""


class DecodeError(ValueError):
    """The bytes are not text in any encoding goallint can tell."""


def _checked(text: str, encoding: str) -> tuple[str, str]:
    sample = text[:8192]
    if sample and len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise DecodeError("binary file (control characters)")
    return text, encoding


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises DecodeError for binary or undecodable bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _checked(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-8 after a UTF-8 BOM at byte {exc.start + 3}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise DecodeError("invalid UTF-16 after a UTF-16 BOM") from None
    if b"\x00" in data[:4096]:
        raise DecodeError("binary file (NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError(_undecodable(data))
    return _checked(str(best), best.encoding)


def _undecodable(data: bytes) -> str:
    """Where the text stops being UTF-8, and whether it was UTF-8 with non-ASCII text before (mixed)."""
    try:
        data.decode("utf-8")
        return "undecodable bytes: not UTF-8, GB18030 or any detectable encoding"
    except UnicodeDecodeError as exc:
        bad = exc.start
    line = data.count(b"\n", 0, bad) + 1
    mixed = not data[:bad].isascii()
    what = "mixed encodings: UTF-8 text, then" if mixed else "undecodable bytes:"
    return f"{what} bytes that are not UTF-8 at line {line}, and not GB18030 or any detectable encoding"
