"""Locate the data folders (`rules/`, `grammar/`) shipped inside the package or beside a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent

CACHE_ENTRIES = 8192
"""The bound of every per-text cache of a process (values, labels, rule answers; a full cache is emptied, or
drops its least recently used entry). Caches are what a worker's memory grows with: in a 30,000-form `-j 2` run each worker held about
110 MB at 16,384 entries per cache and 78 MB at 8,192, with no measurable change in time."""


@cache
def data_dir(name: str) -> Path:
    """Return the folder `name` (``rules`` or ``grammar``): inside the installed package, else the checkout."""
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"goallint data folder {name!r} not found beside {_HERE}")


def rules_dir() -> Path:
    return data_dir("rules")


def grammar_path(filename: str) -> Path:
    return data_dir("grammar") / filename


def parser_cache(grammar: str) -> str | bool:
    """Where Lark keeps the analysed LALR tables of `grammar` between runs (a cold start then skips the
    grammar analysis): `$GOALLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/goallint`, else `~/.cache/goallint`.

    Lark checks a hash of the grammar and its options before using the file, and rebuilds (and rewrites)
    a stale or broken one. False (no cache) when the folder cannot be created or `GOALLINT_CACHE_DIR` is
    empty."""
    import os

    folder = os.environ.get("GOALLINT_CACHE_DIR")
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "goallint")
    if not folder:
        return False
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    from lark import __version__ as lark_version

    return os.path.join(folder, f"{Path(grammar).stem}-lark{lark_version}.lark-cache")


def load_yaml(text: str) -> Any:
    """`yaml.safe_load` through libyaml when PyYAML was built with it (the pure-Python scanner took ~40 ms of
    a one-form run for labels.yaml and the profiles); the same safe constructors either way."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
