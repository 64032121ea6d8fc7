"""Indicator values: normalisation, the Lark value grammar, typed values and unit algebra.

Public API: `normalize(raw)` and `parse_value(raw)`, both cached on their input string.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from goallint.values.types import Text, Value


class Normalized(NamedTuple):
    """The normalised text of a cell and the names of the normalisation steps that changed it."""

    text: str
    changes: tuple[str, ...]


@lru_cache(maxsize=65536)
def normalize(raw: str) -> Normalized:
    """Placeholder until the value grammar lands: collapse surrounding whitespace only."""
    text = raw.strip()
    return Normalized(text, () if text == raw else ("space",))


@lru_cache(maxsize=65536)
def parse_value(raw: str) -> Value:
    """Placeholder until the value grammar lands: everything is text."""
    return Text(text=normalize(raw).text)


__all__ = ["Normalized", "Value", "normalize", "parse_value"]
