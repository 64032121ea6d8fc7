"""Walk the folders `goallint check` is given without recursion, so that one odd path never ends the run:
a folder nested a thousand deep (os.walk recursed once per level: RecursionError), a name too long to stat."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder; False for what cannot even be looked at (a component over 255 bytes)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def walk(top: str, onerror: Callable[[OSError], None]) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top, onerror=onerror)` top-down, without following folder links, on a stack instead of the
    call stack: the caller may prune `dirs` in place, as with os.walk."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            onerror(exc)
            continue
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] = set()
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                if is_dir and entry.is_symlink():
                    links.add(entry.name)
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
        yield folder, dirs, files
        stack.extend(os.path.join(folder, name) for name in reversed(dirs) if name not in links)
