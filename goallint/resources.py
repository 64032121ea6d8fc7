"""Locate the data folders (`rules/`, `grammar/`) shipped inside the package or beside a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


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
