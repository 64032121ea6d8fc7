"""Detectors for the `markup` check kind: what is wrong with a cell's raw text, and its safe fixed text.

A detector returns None (the cell is clean) or its facts: what it found, the cell as it should read, and the
fixed text of a safe fix (None when there is none). A fixed text is returned only when it keeps the cell's
meaning: a value parses to the same typed value, any text normalises the same. The words are the rule's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from goallint.model import Cell
from goallint.plumbing.memo import make_room
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.values import normalize, parse_value
from goallint.values.normalizer import (
    INVISIBLE,
    collapse_spaces,
    find_invisible,
    standardize_symbols,
    strip_html,
    strip_invisible,
    strip_ocr_markup,
)


class Facts(NamedTuple):
    """What a detector found in a cell (`{found}`), the cell as it should read (`{fixed}`, shortened), and the
    fixed text of a safe fix (None: no fix is safe)."""

    found: str
    shown: str
    fixed: str | None


Found = Facts | None

_OCR = re.compile(r"\$[^$\n]{0,60}\$|\\(?:geqslant|leqslant|geq|leq|ge|le|gt|lt|times|cdot|pm|sim|approx)(?![A-Za-z])|\\%")
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>]{0,80})?/?>")
_MASK = re.compile(r"\*\*|＊＊")
_TRAILING = re.compile(r"[.。，,]+(?=\s*$)")
_SYMBOL = re.compile(r">=|<=|＞＝|＜＝|≧|≦|％|[０-９]+|＞|＜|＝|～|》(?=\s*[0-9０-９])")
_SPACED = re.compile(r"[≥≤><=]\s+(?=[0-9.])|[0-9]\s+(?=[%\u4e00-\u9fffA-Za-z/])")
_SPACE = re.compile(r"\s+")


def clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _same_text(raw: str, fixed: str) -> bool:
    return normalize(raw).text == normalize(fixed).text


def _same_value(raw: str, fixed: str) -> bool:
    return _same_text(raw, fixed) and parse_value(raw) == parse_value(fixed)


def _checked(group: str, raw: str, fixed: str) -> str | None:
    """`fixed` if it keeps the meaning of `raw` (values by their typed reading), else None."""
    keep = _same_value if group == "values" else _same_text
    return fixed if fixed != raw and keep(raw, fixed) else None


def ocr(group: str, cell: Cell) -> Found:
    match = _OCR.search(cell.raw)
    if match is None:
        return None
    fixed = strip_ocr_markup(cell.raw)
    if group == "values":
        fixed = collapse_spaces(fixed)
    return Facts(clip(match.group()), clip(fixed), _checked(group, cell.raw, fixed))


def html(group: str, cell: Cell) -> Found:
    tags = list(dict.fromkeys(_HTML.findall(cell.raw)))
    if not tags:
        return None
    fixed = strip_html(cell.raw)
    return Facts("、".join(tags[:4]), clip(fixed), _checked(group, cell.raw, fixed))


def masked(group: str, cell: Cell) -> Found:
    match = _MASK.search(cell.raw) if group == "names" else None
    if match is None:
        return None
    return Facts(match.group(), clip(cell.raw), None)


def punctuation(group: str, cell: Cell) -> Found:
    match = _TRAILING.search(cell.raw)
    if group != "names" or match is None:
        return None
    fixed = cell.raw[: match.start()] + cell.raw[match.end():]
    safe = normalize(fixed).text == _TRAILING.sub("", normalize(cell.raw).text)
    return Facts(match.group(), clip(fixed), fixed if safe else None)


def symbol(group: str, cell: Cell) -> Found:
    found = list(dict.fromkeys(_SYMBOL.findall(cell.raw)))
    if not found:
        return None
    fixed = standardize_symbols(cell.raw)
    marks = "、".join(f"“{mark}”" for mark in found[:4])
    return Facts(marks, clip(fixed), _checked(group, cell.raw, fixed))


def space(group: str, cell: Cell) -> Found:
    spaced = _SPACED.search(cell.raw) if group == "values" else None
    if spaced is None:
        return None
    fixed = collapse_spaces(cell.raw)
    only_spaces = _SPACE.sub("", fixed) == _SPACE.sub("", cell.raw)
    return Facts(spaced.group(), fixed.strip(), _checked(group, cell.raw, fixed) if only_spaces else None)


_INVISIBLE_NAMES = {"\u00ad": "软连字符", "\u200b": "零宽空格", "\u200c": "零宽不连字", "\u200d": "零宽连字",
                    "\u200e": "从左到右标记", "\u200f": "从右到左标记", "\u202e": "从右到左覆盖", "\u2060": "字连接符",
                    "\ufeff": "零宽不换行空格"}


def invisible(group: str, cell: Cell) -> Found:
    found = list(dict.fromkeys(find_invisible(cell.raw)))
    if not found:
        return None
    names = "、".join(f"U+{ord(char):04X}" + (f"（{_INVISIBLE_NAMES[char]}）" if char in _INVISIBLE_NAMES else "")
                     for char in found[:4])
    fixed = strip_invisible(cell.raw)
    return Facts(names, clip(fixed), _checked(group, cell.raw, fixed))


_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ocr", _OCR), ("html", _HTML), ("masked", _MASK), ("punctuation", _TRAILING), ("symbol", _SYMBOL),
    ("space", _SPACED), ("invisible", INVISIBLE))
"""Each detector's own pattern: a detector finds nothing in a text where its pattern does not match."""
_HINTS: dict[str, str] = {
    "ocr": "$\\\\", "html": "<", "masked": "*＊", "punctuation": ".。，,", "symbol": "<>＞＜≧≦％０-９＝～》", "space": "\\s",
    "invisible": INVISIBLE.pattern[1:-1]}
"""Each detector's characters, as a character class: its pattern matches no text without one of them (every
branch of `_OCR` starts with `$` or `\\`, `_SPACED` needs a space …)."""
_ANY_GROUP = frozenset({"ocr", "html", "symbol", "invisible"})
POSSIBLE: dict[str, frozenset[str]] = {
    "header": _ANY_GROUP, "texts": _ANY_GROUP, "tasks": _ANY_GROUP, "levels": _ANY_GROUP,
    "names": _ANY_GROUP | {"masked", "punctuation"}, "values": _ANY_GROUP | {"space"},
}
"""Per group of cells, the detectors that can find something there: `masked` and `punctuation` look only at
三级 names and `space` only at values (they return None elsewhere, whatever the text), so a goal text ending in
`。` is no cell for any rule to look at."""
_NONE: frozenset[str] = frozenset()


class _Signs:
    """The detectors that may find something in the texts of groups that allow the same ones, with what each
    distinct text was found to hold (bounded), and one search for all their patterns at once: a text it does
    not match holds none (a search for `a|b` matches where `a` or `b` does), which is most texts."""

    __slots__ = ("any", "hint", "known", "signs")

    def __init__(self, detectors: frozenset[str]) -> None:
        self.signs = tuple((name, pattern) for name, pattern in _SIGNS if name in detectors)
        self.any = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in self.signs))
        self.hint = re.compile("[" + "".join(_HINTS[name] for name, _ in self.signs) + "]")
        """A text without one of the detectors' characters holds none: a search for one character of a class
        skips along the text, where `any` tries each of its branches at every place."""
        self.known: dict[str, frozenset[str]] = {}

    def search(self, raw: str) -> frozenset[str]:
        known = self.known
        if len(known) >= CACHE_ENTRIES:
            make_room(known)
        found = _NONE
        if self.hint.search(raw) is not None and self.any.search(raw) is not None:
            found = frozenset([name for name, pattern in self.signs if pattern.search(raw)]) or _NONE
        known[raw] = found
        return found


_SIGNS_OF: dict[frozenset[str], _Signs] = {}
SIGNS: dict[str, _Signs] = {group: _SIGNS_OF.setdefault(detectors, _Signs(detectors))
                            for group, detectors in POSSIBLE.items()}
"""Per group of cells, its detectors' signs (groups that allow the same detectors share them)."""


def defects_in(raw: str, group: str) -> frozenset[str]:
    """The detectors that may find something in a text of a group (their patterns match it, and the group
    lets them look): most cells are clean, and every markup rule asks of every cell, so each distinct text is
    searched once per run (per kind of group) and a rule calls its detector only where this names it."""
    signs = SIGNS[group]
    found = signs.known.get(raw)
    return signs.search(raw) if found is None else found


def defects_of_each(raws: list[str], group: str) -> set[frozenset[str]]:
    """The distinct `defects_in` of some texts of a group: a form's cells asked together, in one pass over the
    remembered answers, and only the texts not yet seen searched."""
    signs = SIGNS[group]
    known = signs.known
    found: set[frozenset[str] | None] = set(map(known.get, raws))
    if None in found:
        found.discard(None)
        found.update([signs.search(raw) for raw in raws if raw not in known])
    return found  # type: ignore[return-value]  # None discarded


_DETECTORS: dict[str, Callable[[str, Cell], Found]] = {
    "ocr": ocr, "html": html, "masked": masked, "punctuation": punctuation, "symbol": symbol, "space": space,
    "invisible": invisible,
}
_FACTS: dict[tuple[str, str, str], Found] = {}


def facts_of(defect: str, group: str, cell: Cell) -> Found:
    """The detector of `defect` on a cell of `group`: a function of the defect, the group and the cell's raw
    text only, so each such triple is worked out once while it is remembered. Bounded."""
    key = (defect, group, cell.raw)
    try:
        return _FACTS[key]
    except KeyError:
        pass
    if len(_FACTS) >= CACHE_ENTRIES:
        make_room(_FACTS)
    found = _FACTS[key] = _DETECTORS[defect](group, cell)
    return found
