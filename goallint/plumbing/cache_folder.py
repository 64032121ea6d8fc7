"""goallint's private cache folder, `<cache folder>/results/`: where it is, the stamp of the code and
libraries that decides what a kept entry is worth, and its pruning. The result cache (`result_cache.py`)
and the validated packs and profiles (`snapshot.py`) both keep their files here.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from goallint.plumbing.atomic import write_cache_file

MAX_ENTRIES = 50_000
"""Entries kept (about 300 MB at most); the least recently used go first when there are more."""
CODE_MEMOS = 16
"""Hashes of goallint's code kept (one per install or edit of the code; the newest stay)."""
SNAPSHOTS = 16
"""Validated rule packs and profiles kept (`goallint/plumbing/snapshot.py`; one or two per install or pack edit)."""
PRUNE_EVERY = 3600.0
"""Seconds between two prunings of the folder."""
_LIBRARIES = {"lark": "lark", "pydantic": "pydantic", "pydantic_core": "pydantic_core", "yaml": "PyYAML",
              "openpyxl": "openpyxl", "charset_normalizer": "charset_normalizer"}
"""The libraries whose version can change what a form reads as: import name → distribution name."""


def enabled() -> bool:
    return os.environ.get("GOALLINT_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def _files(roots: Iterable[Path]) -> list[tuple[str, str]]:
    """Every file under `roots` but bytecode, with its path relative to its root, in a stable order (as plain
    strings: every run lists ~150 files, and a `Path` each cost more than the rest of the listing)."""
    out: list[tuple[str, str]] = []
    unique = set(roots)  # installed, the data folders are inside the package folder: each file read once
    for root in sorted(r for r in unique if not any(r != other and r.is_relative_to(other) for other in unique)):
        top = os.fspath(root)
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            inner = os.path.relpath(folder, top)
            out.extend((name if inner == "." else os.path.join(inner, name), os.path.join(folder, name))
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
            info = os.stat(path)
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
            with open(path, "rb") as handle:
                content.update(handle.read())
        except OSError:
            content.update(b"\0missing")
        content.update(b"\0")
    digest = content.digest()
    write_cache_file(memo, digest)
    return digest


def _library_stamps() -> Iterable[str]:
    """Each library's installed distribution (`lark-1.3.1.dist-info`), else where it lies."""
    from goallint.plumbing.resources import library_stamp

    return [library_stamp(name, distribution) for name, distribution in _LIBRARIES.items()]


def private_folder() -> Path | None:
    """`<cache folder>/results/`, made private to the user (what it holds are pickles); None when there is no
    cache folder or it cannot be made."""
    from goallint.plumbing.resources import cache_dir

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
    from goallint.plumbing.resources import data_dir, package_dir

    stamp = _STAMPS.get(folder)
    if stamp is None:
        digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode("utf-8", "surrogateescape"))
        digest.update(_code_digest([package_dir(), data_dir("rules"), data_dir("grammar")], folder))
        for library in _library_stamps():
            digest.update(library.encode("utf-8", "surrogateescape") + b"\0")
        stamp = _STAMPS[folder] = digest.hexdigest()
    return stamp



def prune_folder(folder: Path, keep: int = MAX_ENTRIES, every: float = PRUNE_EVERY) -> None:
    """Remove the least recently used reports beyond `keep` (and the oldest code hashes and snapshots beyond
    theirs), at most once per `every` seconds (listing a full folder costs more than a one-form run
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
