"""A bounded memo of a pure function of its key, read as a mapping: what check kinds work out per cell text.

Real forms of one department and template repeat their labels and standard values, so a kind remembers what it
works out from a raw text (or a pair of texts) instead of working it out again on every form. A hit is one
mapping look-up (`memo[raw]`, no call of our own); a miss works the answer out and keeps it, and the memo is
emptied when it holds CACHE_ENTRIES answers. The key must hold everything the answer depends on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from goallint.plumbing.resources import CACHE_ENTRIES

K = TypeVar("K")
V = TypeVar("V")


class Remembered(dict[K, V]):
    """`memo[key]` is `work(key)`, worked out once while remembered (bounded: emptied when full)."""

    __slots__ = ("_work",)

    def __init__(self, work: Callable[[K], V]) -> None:
        super().__init__()
        self._work = work

    def __missing__(self, key: K) -> V:
        if len(self) >= CACHE_ENTRIES:
            self.clear()
        value = self[key] = self._work(key)
        return value
