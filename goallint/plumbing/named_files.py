"""Read the files a config or the command line names besides forms (`--config`, `--baseline`, `baseline:`,
`rules:`) with the limits forms have: a regular file only (a FIFO would block the run, `/dev/zero` never
end), at most 20 MB. Failures are OSError with a one-line reason, which the callers already report."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_NAMED_BYTES = 20 * 1024 * 1024
"""As `MAX_FILE_BYTES` for forms: a config, pack or baseline is kilobytes (a large baseline a few MB)."""


def read_named(path: Path) -> bytes:
    """The file's bytes; OSError when it is not a regular file, is larger than MAX_NAMED_BYTES or cannot be
    read. Opened without blocking (a FIFO opens at once and is refused), then checked on the open file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "不是普通文件（FIFO、设备或套接字），不读取")
        if info.st_size > MAX_NAMED_BYTES:
            raise OSError(errno.EFBIG, _too_large(info.st_size))
        data = stream.read(MAX_NAMED_BYTES + 1)  # a file that grows while read stops here
    if len(data) > MAX_NAMED_BYTES:
        raise OSError(errno.EFBIG, _too_large(len(data)))
    return data


def read_named_text(path: Path) -> str:
    """The file as UTF-8 text (UnicodeDecodeError as `Path.read_text`)."""
    return read_named(path).decode("utf-8")


def _too_large(size: int) -> str:
    return f"文件过大（{size / (1024 * 1024):.1f} MB，上限 {MAX_NAMED_BYTES // (1024 * 1024)} MB）"
