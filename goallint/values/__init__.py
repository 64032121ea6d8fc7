"""Indicator values: normalisation, the Lark value grammar, typed values and unit algebra.

Public API: `normalize(raw)` and `parse_value(raw)`, both cached on their input string.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from goallint.model import read_cells_with
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.values.normalizer import normalize_text
from goallint.values.types import Value


class Normalized(NamedTuple):
    """The normalised text of a cell and the names of the normalisation steps that changed it."""

    text: str
    changes: tuple[str, ...]


@lru_cache(maxsize=CACHE_ENTRIES)
def normalize(raw: str) -> Normalized:
    """Normalise a value cell (OCR and HTML markup, look-alike symbols, spaces, thousands separators).

    `changes` names the steps that changed something, from "ocr", "html", "symbol", "space", "thousands"."""
    text, changes = normalize_text(raw)
    return Normalized(text, changes)


@lru_cache(maxsize=CACHE_ENTRIES)
def parse_value(raw: str) -> Value:
    """Parse a raw value cell into a typed value; never raises (unparseable cells are `text`)."""
    from goallint.values.grammar import parse_normalized
    from goallint.values.types import Text

    try:
        return parse_normalized(normalize(raw).text)
    except Exception:  # noqa: BLE001 - the contract: parse_value never raises
        return Text(text=raw)


@lru_cache(maxsize=CACHE_ENTRIES)
def _cell_text(raw: str) -> str:
    """`Cell.text`: asked of the same cells by many rules of every form, so answered from a cache of its own
    (one call into C) rather than through `normalize`'s."""
    return normalize(raw).text


read_cells_with(_cell_text, parse_value)

__all__ = ["Normalized", "Value", "normalize", "parse_value"]
