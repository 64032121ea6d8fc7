"""Reports of unchanged files, kept between runs (as ruff and mypy keep theirs).

A file's report (its findings, the forms' records, what the cross-form GL5xx rules compare) is kept under a
hash of three things:
- the file's bytes, the path it is shown as, and the working folder;
- the run's settings (selection, severity overrides, profile, per-file-ignores, output shape:
  `Engine.settings`);
- everything else that decides findings, hashed once per run by `ResultCache.open`: goallint's own code and
  data files (size and modification time, so a new version or an edited checkout misses), the libraries that
  read forms, and the text of any extra rule packs.
A change to any of them lints the file afresh.

Entries live in `<cache folder>/results/` (see `resources.cache_dir`), one compressed pickle per report,
written to a temporary file and renamed, and used only when whole and keyed right; anything else is linted
again. A report whose rules raised an internal error is never kept. After a run (at most once an hour) the
folder is pruned to its `MAX_ENTRIES` most recently used entries. Off with `--no-cache` or
`GOALLINT_NO_CACHE=1` (and, with the whole cache folder, `GOALLINT_CACHE_DIR=`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goallint.engine import FileReport

FORMAT = 1
"""Bump when what an entry holds changes shape. An entry is a zlib-compressed pickle of (its key, the report
without its diagnostics, the diagnostics as `spool.rows_of` tuples): about 6 kB for a file of six forms."""
MAX_ENTRIES = 50_000
"""Entries kept (about 300 MB at most); the least recently used go first when there are more."""
PRUNE_EVERY = 3600.0
"""Seconds between two prunings of the folder."""
_LIBRARIES = ("lark", "pydantic", "pydantic_core", "yaml", "openpyxl", "charset_normalizer")


def enabled() -> bool:
    return os.environ.get("GOALLINT_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def _tree_stamps(root: Path) -> Iterable[str]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")):
                yield _stamp(Path(folder, name))


def _library_stamps() -> Iterable[str]:
    from importlib.util import find_spec

    for name in _LIBRARIES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        yield f"{name}:{_stamp(Path(origin)) if origin else 'absent'}"


class ResultCache:
    """Where reports are kept, and the part of their key that is the same for every file of a run."""

    def __init__(self, folder: Path, base: str) -> None:
        self.folder = folder
        self.base = base

    @classmethod
    def open(cls, extra_packs: Iterable[Path] = ()) -> ResultCache | None:
        """The cache of this run, or None when it is off or there is no writable cache folder."""
        from goallint import __version__
        from goallint.resources import cache_dir, data_dir, package_dir

        if not enabled():
            return None
        folder = cache_dir()
        if folder is None:
            return None
        folder = folder / "results"
        try:
            folder.mkdir(exist_ok=True)
        except OSError:
            return None
        try:
            here = os.getcwd()  # per-file-ignores match paths relative to the config's folder from here
        except OSError:
            return None
        digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version}\0{here}".encode("utf-8", "surrogateescape"))
        roots = {package_dir(), data_dir("rules"), data_dir("grammar")}
        for root in sorted(roots):
            for stamp in _tree_stamps(root):
                digest.update(stamp.encode("utf-8", "surrogateescape") + b"\0")
        for stamp in _library_stamps():
            digest.update(stamp.encode("utf-8", "surrogateescape") + b"\0")
        for pack in extra_packs:
            try:
                digest.update(str(pack).encode("utf-8", "surrogateescape") + b"\0" + pack.read_bytes() + b"\0")
            except OSError:
                return None  # the pack loader reports an unreadable pack; nothing is kept for such a run
        return cls(folder, digest.hexdigest())

    def key(self, settings: str, shown: str, data: bytes) -> str:
        digest = hashlib.sha256(f"{self.base}\0{settings}\0{shown}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key[:48]}.pickle"

    def get(self, key: str) -> FileReport | None:
        """The report kept under `key`, or None (absent, unreadable or not an entry of this format)."""
        from goallint.engine import FileReport
        from goallint.spool import rebuild

        path = self._path(key)
        try:
            found = pickle.loads(zlib.decompress(path.read_bytes()))  # noqa: S301 - our own folder, as Lark's tables
            stored, report, rows = found
            if stored != key or not isinstance(report, FileReport) or report.diagnostics:
                return None
            report.diagnostics = [rebuild(row) for row in rows]
        except Exception:  # noqa: BLE001 - a missing, partial or foreign entry is a miss, never a failure
            return None
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        return report

    def put(self, key: str, report: FileReport) -> None:
        """Keep `report` under `key` (written to a temporary file, then renamed); failures are ignored."""
        from dataclasses import replace

        from goallint.spool import rows_of

        try:
            entry = (key, replace(report, diagnostics=[]), rows_of(report.diagnostics))
            data = zlib.compress(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), 1)
            fd, temp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, self._path(key))
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except Exception:  # noqa: BLE001 - a full disk or a read-only folder costs the next run time, no more
            return

    def prune(self, keep: int = MAX_ENTRIES, every: float = PRUNE_EVERY) -> None:
        """Remove the least recently used entries beyond `keep`, at most once per `every` seconds (listing a
        full folder takes ~50 ms, more than a one-form run should pay each time)."""
        import time

        stamp = self.folder / ".pruned"
        try:
            if every > 0 and time.time() - stamp.stat().st_mtime < every:
                return
        except OSError:
            pass  # never pruned yet
        try:
            stamp.touch()
            entries = [entry for entry in os.scandir(self.folder) if entry.name.endswith(".pickle")]
            if len(entries) <= keep:
                return
            entries.sort(key=lambda entry: entry.stat().st_mtime_ns)
            for entry in entries[:len(entries) - keep]:
                os.unlink(entry.path)
        except OSError:
            return


def settings_of(state: dict[str, Any]) -> str:
    """A stable text of an engine's settings (sorted keys, sets as sorted lists)."""
    import json

    def plain(value: Any) -> Any:
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items())}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return json.dumps(plain(state), sort_keys=True, ensure_ascii=False)
