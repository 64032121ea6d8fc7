"""Bounded memos: what a run remembers of a pure function of a text (or of a few texts and labels).

Real forms of one department and template repeat their labels and standard values, so the reader and the
check kinds remember what they work out per raw text instead of working it out again on every form. Every such
memo is bounded at CACHE_ENTRIES answers. When one is full it forgets its older half (a dict keeps insertion
order), not everything: a worker over many files meets more distinct texts than a memo holds, and emptying it
whole would forget the texts every form repeats along with the ones seen once.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Any, TypeVar

from goallint.plumbing.resources import CACHE_ENTRIES

K = TypeVar("K")
V = TypeVar("V")


def make_room(memo: dict[Any, Any]) -> None:
    """Forget the older half of a full memo's answers (those remembered first)."""
    for key in list(islice(memo, len(memo) // 2)):
        del memo[key]


class Memo(dict[K, V]):
    """`memo[key]` is `work(key)`, worked out on the first asking and remembered (bounded, see `make_room`).

    A hit is a plain mapping look-up with no Python call of ours: the assembler asks about every cell of every
    row, and the check kinds about every value cell, nearly always a text met before. The key must hold
    everything the answer depends on."""

    __slots__ = ("_work",)

    def __init__(self, work: Callable[[K], V]) -> None:
        super().__init__()
        self._work = work

    def __missing__(self, key: K) -> V:
        if len(self) >= CACHE_ENTRIES:
            make_room(self)
        value = self[key] = self._work(key)
        return value
