"""Locate the data folders (`rules/`, `grammar/`) shipped inside the package or beside a source checkout, and
the cache folder (Lark's tables, parsed rule packs)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent.parent  # goallint/, not goallint/plumbing/

CACHE_ENTRIES = 32768
"""The bound of every per-text cache of a process (values, labels, rule answers; a full cache forgets its older
half, `plumbing.memo`, or drops its least recently used entry). Caches are what a worker's memory grows with:
at this bound a worker over thousands of forms keeps the labels and values its department's forms repeat
without forgetting them half-way (the busiest caches hold ~20,000 label texts per 5,000 forms), and stays
near 120 MB."""


def package_dir() -> Path:
    """The folder of the goallint package itself (its code; the data folders are inside it when installed)."""
    return _HERE


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


@cache
def library_stamp(name: str, distribution: str) -> str:
    """Which release of the library imported as `name` is installed (`yaml:PyYAML-6.0.2.dist-info`, from the
    name of its distribution's metadata folder; else where it lies, or `absent`), found without importing it."""
    import os
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    origin = spec.origin if spec is not None else None
    if not origin:
        return f"{name}:absent"
    site = Path(origin).parent.parent
    wanted = distribution.lower().replace("-", "_")
    try:
        found = sorted(entry for entry in os.listdir(site) if entry.endswith((".dist-info", ".egg-info"))
                       and entry.split("-", 1)[0].lower() == wanted)
    except OSError:
        found = []
    return f"{name}:{','.join(found) or origin}"


def cache_dir() -> Path | None:
    """Where goallint keeps what it can rebuild (Lark's tables, parsed rule packs) between runs:
    `$GOALLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/goallint`, else `~/.cache/goallint`. None (no cache) when
    the folder cannot be created or `GOALLINT_CACHE_DIR` is empty."""
    import os

    folder = os.environ.get("GOALLINT_CACHE_DIR")
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "goallint")
    if not folder:
        return None
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return Path(folder)


def parser_cache(grammar: str) -> str | bool:
    """Where Lark keeps the analysed LALR tables of `grammar` between runs (a cold start then skips the
    grammar analysis), in `cache_dir()`. Lark checks a hash of the grammar and its options before using the
    file, and rebuilds (and rewrites) a stale or broken one. False when there is no cache folder."""
    folder = cache_dir()
    if folder is None:
        return False
    from lark import __version__ as lark_version

    return str(folder / f"{Path(grammar).stem}-lark{lark_version}.lark-cache")


def cached_parse(text: str, parse: Callable[[str], Any]) -> Any:
    """`parse(text)`, kept between runs as JSON in `cache_dir()` under a hash of the text, goallint's version
    and PyYAML's installed distribution (read from its folder: a run that finds its data kept never imports
    PyYAML) (the rule packs: composing 50 KB of YAML cost ~100 M instructions, reading it back as
    JSON ~3 M). Only a result that JSON gives back exactly is kept (str keys; str, int, float, bool, None,
    lists and mappings), and an error from `parse` is never kept. An unreadable or broken cache file is
    parsed again and rewritten; a cache that cannot be written is skipped."""
    import hashlib
    import json

    from goallint import __version__

    folder = cache_dir()
    if folder is None:
        return parse(text)
    key = hashlib.sha256(f"{__version__}\0{library_stamp('yaml', 'PyYAML')}\0{text}".encode()).hexdigest()
    path = folder / f"parsed-{key[:40]}.json"
    try:
        found = json.loads(path.read_bytes())
        if isinstance(found, dict) and found.get("key") == key and "data" in found:
            return found["data"]
    except (OSError, ValueError, RecursionError):
        pass
    data = parse(text)
    try:
        encoded = json.dumps({"key": key, "data": data}, ensure_ascii=False, allow_nan=False)
        plain = json.loads(encoded)["data"] == data
    except (TypeError, ValueError, RecursionError):
        plain = False  # not plain JSON data (a date, an int key)
    if plain:
        from goallint.plumbing.atomic import write_cache_file

        write_cache_file(path, encoded.encode("utf-8"))
    return data


def load_yaml(text: str) -> Any:
    """`yaml.safe_load` through libyaml when PyYAML was built with it (the pure-Python scanner is slow enough on
    labels.yaml and the profiles to show in a one-form run); the same safe constructors either way."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
