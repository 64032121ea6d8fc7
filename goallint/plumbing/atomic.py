"""Replace a file atomically: the one writer of `check --fix`, `check -o`, `--write-baseline`, `convert -o` and
the cache folder (parsed packs, kept reports: there without the fsyncs, `durable=False`)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


class ChangedOnDisk(OSError):
    """The file is not what it was when read (`unchanged`): it is left as it is."""


MAX_TEMP_STEM_BYTES = 100
"""Bytes of the target's name kept in a temporary name: a name of 80 CJK characters (240 bytes) plus the
random part would pass the 255-byte limit of a file name."""


def temp_prefix(name: str) -> str:
    """`.NAME.` with NAME cut to MAX_TEMP_STEM_BYTES of UTF-8 (on a character boundary)."""
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) > MAX_TEMP_STEM_BYTES:
        name = encoded[:MAX_TEMP_STEM_BYTES].decode("utf-8", "ignore")
    return f".{name}."


def write_atomic(path: Path, data: bytes | Iterable[bytes], durable: bool = True,
                 unchanged: bytes | None = None) -> None:
    """Write `data` (bytes, or pieces of it) to a temporary file in the same folder, fsync it, then
    os.replace it over `path` (and fsync the folder). `durable=False` skips both fsyncs: for files that can
    be rebuilt, whose loss after a crash costs time, not data.

    An existing file keeps its mode (and owner, when run as root); a symlink is followed (its target is
    rewritten, the link stays). A new file gets the mode the umask gives (not mkstemp's 0600). On any
    failure the original is intact and the temporary file is removed; the OSError propagates.

    With `unchanged` (what `--fix` read), the file is opened first and compared with it, and compared again on
    that same open file immediately before the rename (and the path must still name that file): an edit made
    meanwhile raises ChangedOnDisk and is kept."""
    target = Path(os.path.realpath(path))
    original = os.open(target, os.O_RDONLY) if unchanged is not None else None
    try:
        _write(target, data, durable, original, unchanged)
    finally:
        if original is not None:
            os.close(original)
    if not durable:
        return
    try:  # make the rename durable (best effort: not every platform can open a folder)
        folder = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def _same(original: int, target: Path, unchanged: bytes) -> bool:
    """Whether the open file still holds `unchanged` and the path still names it."""
    opened, named = os.fstat(original), os.stat(target)
    if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino) or opened.st_size != len(unchanged):
        return False
    return os.pread(original, len(unchanged) + 1, 0) == unchanged


def _write(target: Path, data: bytes | Iterable[bytes], durable: bool, original: int | None,
           unchanged: bytes | None) -> None:
    if original is not None and unchanged is not None and not _same(original, target, unchanged):
        raise ChangedOnDisk(errno.EAGAIN, "the file changed while goallint was fixing it")
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    fd, temp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask())
        if info is not None and hasattr(os, "chown") and os.geteuid() == 0:
            try:
                os.chown(temp, info.st_uid, info.st_gid)
            except OSError:
                pass
        if original is not None and unchanged is not None and not _same(original, target, unchanged):
            raise ChangedOnDisk(errno.EAGAIN, "the file changed while goallint was fixing it")
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a file of the cache folder, which can always be rebuilt: atomically, without the fsyncs, and
    without failing (a full disk or a read-only folder costs the next run time, no more)."""
    try:
        write_atomic(path, data, durable=False)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
