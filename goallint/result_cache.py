"""Reports of unchanged files, kept between runs (as ruff and mypy keep theirs).

A file's report (its findings, the forms' records, what the cross-form GL5xx rules compare) is kept under a
hash of three things:
- the file's bytes, the path it is shown as, and the working folder;
- the run's settings (selection, severity overrides, profile, per-file-ignores, output shape:
  `Engine.settings`);
- everything else that decides findings, hashed once per run by `ResultCache.open`: the content of
  goallint's own code and data files (a new version or an edited checkout misses; the same release installed
  again, as in a fresh CI job, hits), the installed versions of the libraries that read forms, and the text
  of any extra rule packs.
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
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goallint.atomic import write_cache_file
from goallint.named_files import read_named

if TYPE_CHECKING:
    from goallint.engine import FileReport

FORMAT = 1
"""Bump when what an entry holds changes shape. An entry is a zlib-compressed pickle of (its key, the report
without its diagnostics, the diagnostics as `spool.rows_of` tuples): about 6 kB for a file of six forms."""
MAX_ENTRIES = 50_000
"""Entries kept (about 300 MB at most); the least recently used go first when there are more."""
CODE_MEMOS = 16
"""Hashes of goallint's code kept (one per install or edit of the code; the newest stay)."""
SNAPSHOTS = 16
"""Validated rule packs and profiles kept (`goallint/snapshot.py`; one or two per install or pack edit)."""
PRUNE_EVERY = 3600.0
"""Seconds between two prunings of the folder."""
_LIBRARIES = {"lark": "lark", "pydantic": "pydantic", "pydantic_core": "pydantic_core", "yaml": "PyYAML",
              "openpyxl": "openpyxl", "charset_normalizer": "charset_normalizer"}
"""The libraries whose version can change what a form reads as: import name → distribution name."""


def enabled() -> bool:
    return os.environ.get("GOALLINT_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def _files(roots: Iterable[Path]) -> list[tuple[str, Path]]:
    """Every file under `roots` but bytecode, with its path relative to its root, in a stable order."""
    out: list[tuple[str, Path]] = []
    unique = set(roots)  # installed, the data folders are inside the package folder: each file read once
    for root in sorted(r for r in unique if not any(r != other and r.is_relative_to(other) for other in unique)):
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            out.extend((os.path.relpath(os.path.join(folder, name), root), Path(folder, name))
                       for name in sorted(files) if not name.endswith((".pyc", ".pyo")))
    return out


def _code_digest(roots: Iterable[Path], folder: Path) -> bytes:
    """A hash of the content of every file under `roots` (goallint's code and data): the same release
    installed again, as in a fresh CI job, hashes the same. Reading and hashing ~100 files costs ~30 M
    instructions, so the result is kept in `folder` under a hash of their sizes and modification times and
    read back while those do not change (~2 M)."""
    files = _files(roots)
    stats = hashlib.sha256()
    for relative, path in files:
        try:
            info = path.stat()
            stats.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
        except OSError:
            stats.update(f"{relative}\0missing\0".encode("utf-8", "surrogateescape"))
    memo = folder / f"{stats.hexdigest()[:48]}.code"
    try:
        known = memo.read_bytes()
        if len(known) == 32:
            return known
    except OSError:
        pass
    content = hashlib.sha256()
    for relative, path in files:
        content.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        try:
            content.update(path.read_bytes())
        except OSError:
            content.update(b"\0missing")
        content.update(b"\0")
    digest = content.digest()
    write_cache_file(memo, digest)
    return digest


def _library_stamps() -> Iterable[str]:
    """Each library's installed distribution (`lark-1.3.1.dist-info`), else where it lies."""
    from importlib.util import find_spec

    for name, distribution in _LIBRARIES.items():
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        if not origin:
            yield f"{name}:absent"
            continue
        site = Path(origin).parent.parent
        wanted = distribution.lower().replace("-", "_")
        try:
            found = sorted(entry for entry in os.listdir(site) if entry.endswith((".dist-info", ".egg-info"))
                           and entry.split("-", 1)[0].lower() == wanted)
        except OSError:
            found = []
        yield f"{name}:{','.join(found) or origin}"


def private_folder() -> Path | None:
    """`<cache folder>/results/`, made private to the user (what it holds are pickles); None when there is no
    cache folder or it cannot be made."""
    from goallint.resources import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    folder = folder / "results"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return folder


_STAMPS: dict[Path, str] = {}


def code_stamp(folder: Path) -> str:
    """A hash of all that decides what goallint makes of its input, but the input and the settings: its
    version, Python's, the content of its code and data files (`_code_digest`, memoised in `folder`) and the
    installed versions of the libraries that read forms. Worked out once per process."""
    from goallint import __version__
    from goallint.resources import data_dir, package_dir

    stamp = _STAMPS.get(folder)
    if stamp is None:
        digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode("utf-8", "surrogateescape"))
        digest.update(_code_digest([package_dir(), data_dir("rules"), data_dir("grammar")], folder))
        for library in _library_stamps():
            digest.update(library.encode("utf-8", "surrogateescape") + b"\0")
        stamp = _STAMPS[folder] = digest.hexdigest()
    return stamp


class ResultCache:
    """Where reports are kept, and the part of their key that is the same for every file of a run."""

    def __init__(self, folder: Path, base: str) -> None:
        self.folder = folder
        self.base = base

    @classmethod
    def open(cls, extra_packs: Iterable[Path] = ()) -> ResultCache | None:
        """The cache of this run, or None when it is off or there is no writable cache folder."""
        if not enabled():
            return None
        folder = private_folder()
        if folder is None:
            return None
        try:
            here = os.getcwd()  # per-file-ignores match paths relative to the config's folder from here
        except OSError:
            return None
        digest = hashlib.sha256(f"{FORMAT}\0{code_stamp(folder)}\0{here}".encode("utf-8", "surrogateescape"))
        for pack in extra_packs:
            try:
                digest.update(str(pack).encode("utf-8", "surrogateescape") + b"\0" + read_named(pack) + b"\0")
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
        except Exception:  # noqa: BLE001 - a report that cannot be pickled is simply not kept
            return
        write_cache_file(self._path(key), data)

    def prune(self, keep: int = MAX_ENTRIES, every: float = PRUNE_EVERY) -> None:
        """`prune_folder(self.folder, keep, every)`."""
        prune_folder(self.folder, keep, every)


def prune_folder(folder: Path, keep: int = MAX_ENTRIES, every: float = PRUNE_EVERY) -> None:
    """Remove the least recently used reports beyond `keep` (and the oldest code hashes and snapshots beyond
    theirs), at most once per `every` seconds (listing a full folder takes ~50 ms, more than a one-form run
    should pay each time)."""
    import time

    stamp = folder / ".pruned"
    try:
        if every > 0 and time.time() - stamp.stat().st_mtime < every:
            return
    except OSError:
        pass  # never pruned yet
    try:
        stamp.touch()
        listed = list(os.scandir(folder))
        for suffix, kept in ((".pickle", keep), (".code", CODE_MEMOS), (".snapshot", SNAPSHOTS)):
            entries = [entry for entry in listed if entry.name.endswith(suffix)]
            if len(entries) > kept:
                entries.sort(key=lambda entry: entry.stat().st_mtime_ns)
                for entry in entries[:len(entries) - kept]:
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
