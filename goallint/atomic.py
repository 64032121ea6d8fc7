"""Replace a file atomically: the one writer of `check --fix`, `check -o`, `--write-baseline`, `convert -o` and
the cache folder (parsed packs, kept reports: there without the fsyncs, `durable=False`)."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, data: bytes | Iterable[bytes], durable: bool = True) -> None:
    """Write `data` (bytes, or pieces of it) to a temporary file in the same folder, fsync it, then
    os.replace it over `path` (and fsync the folder). `durable=False` skips both fsyncs: for files that can
    be rebuilt, whose loss after a crash costs time, not data.

    An existing file keeps its mode (and owner, when run as root); a symlink is followed (its target is
    rewritten, the link stays). A new file gets the mode the umask gives (not mkstemp's 0600). On any
    failure the original is intact and the temporary file is removed; the OSError propagates."""
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
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
