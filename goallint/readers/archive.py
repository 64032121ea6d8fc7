"""The zip container of .xlsx and .docx files, looked at before anything is inflated: whether it is one, and
whether its declared contents are within bounds (a zip bomb is refused from the central directory alone)."""

from __future__ import annotations

import io
import zipfile

from goallint.plumbing.records import record

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The compound-file header of a password-protected Office file, or of a legacy .xls/.doc."""
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
"""Archives inflating to less than this are never refused for their ratio (small XML compresses very well)."""
_MB = 1024 * 1024


@record(frozen=True)
class Container:
    """One kind of zip-based document and what to tell a reviewer about it."""

    suffix: str
    """`.xlsx`, `.docx`."""
    protected: str
    """The message for a password-protected file or a legacy one of the same program."""
    save_again: str
    """What to do about a broken file (`请在 Excel/WPS 中重新保存后再检查`)."""
    max_members: int
    max_uncompressed: int


def zip_members(data: bytes, kind: Container, error: type[Exception]) -> list[zipfile.ZipInfo]:
    """The archive's members, or `error` raised with one Chinese sentence saying what the file is instead."""
    if data.startswith(OLE_MAGIC):
        raise error(kind.protected)
    if not data.startswith(b"PK"):
        raise error(f"不是 {kind.suffix} 文件（{kind.suffix} 应是 zip 压缩包）；{kind.save_again}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:  # NotImplementedError:
        raise error(f"{kind.suffix} 文件已损坏或不完整（{exc}）；{kind.save_again}") from None  # a zip version field
    if len(members) > kind.max_members:
        raise error(f"{kind.suffix} 压缩包中超过 {kind.max_members} 个部件，不像是绩效目标表")
    inflated = sum(member.file_size for member in members)
    if inflated > kind.max_uncompressed:
        raise error(f"{kind.suffix} 解压后 {inflated // _MB} MB，超过上限 {kind.max_uncompressed // _MB} MB（压缩炸弹？）")
    packed = max(1, sum(member.compress_size for member in members))
    if inflated > RATIO_FLOOR and inflated / packed > MAX_RATIO:
        raise error(f"{kind.suffix} 的压缩比 {inflated // packed}:1 超过 {MAX_RATIO}:1（压缩炸弹？）")
    return members
