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
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from goallint.plumbing.atomic import write_cache_file
from goallint.plumbing.cache_folder import (
    MAX_ENTRIES,
    PRUNE_EVERY,
    code_stamp,
    enabled,
    private_folder,
    prune_folder,
)
from goallint.plumbing.named_files import read_named
from goallint.results import FileReport

FORMAT = 1
"""Bump when what an entry holds changes shape. An entry is a zlib-compressed pickle of (its key, the report
without its diagnostics, the diagnostics as `model.rows_of` tuples): about 6 kB for a file of six forms."""


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
        from goallint.model import rebuild

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

        from goallint.model import rows_of

        try:
            entry = (key, replace(report, diagnostics=[]), rows_of(report.diagnostics))
            data = zlib.compress(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), 1)
        except Exception:  # noqa: BLE001 - a report that cannot be pickled is simply not kept
            return
        write_cache_file(self._path(key), data)

    def prune(self, keep: int = MAX_ENTRIES, every: float = PRUNE_EVERY) -> None:
        """`prune_folder(self.folder, keep, every)`."""
        prune_folder(self.folder, keep, every)


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
