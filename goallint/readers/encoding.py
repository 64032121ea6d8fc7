"""Decode form files: UTF-8 (with or without BOM), UTF-16 or UTF-32 (with a BOM, or told by where their NUL bytes
fall), GB18030/GBK, else a charset-normalizer guess."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.05
"""Text with more control characters than this (NUL, BEL, ESC …; not tab, CR, LF, FF) is binary."""
_NOT_CONTROL = bytes(byte for byte in range(256) if not _CONTROL.match(chr(byte)))
"""The bytes other than those control characters (`bytes.translate` deletes them to count the rest)."""


class DecodeError(ValueError):
    """The bytes are not text in any encoding goallint can tell."""


def _checked(text: str, encoding: str) -> tuple[str, str]:
    sample = text[:8192]
    if sample and control_count(sample) > MAX_CONTROL_SHARE * len(sample):
        raise DecodeError("binary file (control characters)")
    return text, encoding


def control_count(text: str) -> int:
    """How many control characters (`_CONTROL`) the text holds. Counted in its UTF-8 bytes, at C speed: UTF-8
    writes an ASCII character as its own byte and every other one as bytes of 0x80 and above."""
    return len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL))


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises DecodeError for binary or undecodable bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _checked(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-8 after a UTF-8 BOM at byte {exc.start + 3}") from None
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: FF FE starts both
        try:
            return _checked(data.decode("utf-32"), "utf-32")
        except UnicodeDecodeError:
            raise DecodeError("invalid UTF-32 after a UTF-32 BOM") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise DecodeError("invalid UTF-16 after a UTF-16 BOM") from None
    if b"\x00" in data[:4096]:
        wide = _wide_without_bom(data)
        if wide is not None:
            return wide
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


def _wide_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-32 or UTF-16 text without a BOM, told from where its NUL bytes fall, and only when it decodes to
    text; None for anything else. In UTF-32 nearly every unit has two NUL high bytes (Chinese is below
    U+10000); in UTF-16 tabs, line breaks and digits have a NUL high byte (a form has many)."""
    head = data[:4096]
    if not len(data) % 4 and len(head) >= 16:
        units = [head[i:i + 4] for i in range(0, len(head) - 3, 4)]
        for codec, high in (("utf-32-le", slice(2, 4)), ("utf-32-be", slice(0, 2))):
            if sum(1 for unit in units if unit[high] == b"\x00\x00") >= 0.9 * len(units):
                return _decoded(data, codec)
    if not len(data) % 2:
        nuls = [i % 2 for i in range(len(head)) if head[i] == 0]
        for codec, place in (("utf-16-le", 1), ("utf-16-be", 0)):
            placed = sum(1 for at in nuls if at == place)  # a CJK character U+xx00 puts one elsewhere
            if len(nuls) >= 8 and placed >= 0.9 * len(nuls):
                return _decoded(data, codec)
    return None


def _decoded(data: bytes, codec: str) -> tuple[str, str] | None:
    try:
        return _checked(data.decode(codec), codec)
    except (UnicodeDecodeError, DecodeError):
        return None
