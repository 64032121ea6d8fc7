"""Predicates on one typed value cell (the `when:` of a `value` check): kind, unit, comparator, numbers, words.

Every key given must hold; `any` holds when one of its predicates does, `not` when its predicate does not.
Keys ending in `_vocabulary` name word lists of the packs (`FormContext.vocabulary`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import field
from dataclasses import field as dc_field
from decimal import Decimal
from functools import cached_property

from goallint.checks.support import value_facts as facts
from goallint.checks.support.value_facts import Numeric
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT
from goallint.values.bounds import out_of_range
from goallint.values.types import Bound, Comparator, Qualitative, Quantity, Range, Value

UNIT_CLASSES = ("percent", "money", "time", "count", "none")


@record(kw_only=True)
class LeafTest:
    """Holds when ONE numeric item (quantity, bound or range) of the value satisfies every key."""

    __pydantic_config__ = STRICT

    ops: list[Comparator] | None = None
    """The item's comparator (`=` for a quantity; a range has none)."""
    units: list[str] | None = None
    """Unit classes (`percent`, `money`, `time`, `count`, `none`) or bases (`分`, `人`) the item's unit is one of."""
    equals: Decimal | None = None
    at_least: Decimal | None = None
    below: Decimal | None = None
    """Every number of the item is below this (`≥80%` below 90: the target asks for too little)."""
    outside: tuple[Decimal, Decimal] | None = None
    """The target asks for a number outside [low, high] (`>100%`, `120%`, `-5%`; `≥100%` is inside)."""


@record(kw_only=True)
class When:
    """A predicate on one value cell; see the module docstring."""

    __pydantic_config__ = {**STRICT, "validate_by_name": True}

    kinds: list[str] | None = None
    """The value's kind, or for a compound the kind of any item, is one of these."""
    has_number: bool | None = None
    vague: bool | None = None
    """The grammar's vocabulary marks the value (or an item) vague."""
    text_vocabulary: str | None = None
    """The normalised cell text is one of these words."""
    contains_vocabulary: str | None = None
    """The normalised cell text contains one of these strings."""
    words_vocabulary: str | None = None
    """A non-numeric value (or item) of at most `max_words_length` characters contains one of these words."""
    max_words_length: int = 16
    units_all: list[str] | None = None
    """Every item is a number whose unit is one of these classes or bases (and there is one)."""
    leaf: LeafTest | None = None
    invalid_range: bool | None = None
    """A range whose low end exceeds its high end, or whose ends carry different units."""
    out_of_range: bool | None = None
    """A number beyond any amount a form can mean (10^15 or more, or below 10^-15: `values/bounds.py`)."""
    any_: list[When] | None = dc_field(default=None, metadata={"alias": "any"})
    not_: When | None = dc_field(default=None, metadata={"alias": "not"})

    @cached_property
    def active_checks(self) -> list[Callable[[When, Subject], bool]]:
        return [check for key, check in _CHECKS.items() if getattr(self, key) is not None]

    def vocabulary_names(self) -> Iterator[str]:
        for name in (self.text_vocabulary, self.contains_vocabulary, self.words_vocabulary):
            if name:
                yield name
        for sub in [*(self.any_ or []), *([self.not_] if self.not_ else [])]:
            yield from sub.vocabulary_names()


@record
class Subject:
    """What a predicate looks at: the typed value, the normalised text and the pack vocabularies."""

    value: Value
    text: str
    vocabulary: Callable[[str], list[str]]
    items: list[Value] = field(init=False)
    numeric: list[Numeric] = field(init=False)

    def __post_init__(self) -> None:
        self.items = list(facts.leaves(self.value))
        self.numeric = list(facts.numeric_leaves(self.value))


def unit_matches(unit: str, wanted: list[str]) -> bool:
    cls = facts.unit_class(unit) or "none"
    return any(token == cls if token in UNIT_CLASSES else facts.unit_base(unit) == token for token in wanted)


def _outside(leaf: Numeric, low: Decimal, high: Decimal) -> bool:
    """The target asks for a number outside [low, high]; a loose cap or floor (`≤120%`) asks for nothing."""
    if isinstance(leaf, Range):
        symmetric = leaf.low == -leaf.high
        return leaf.high > high or (leaf.low < low and not symmetric)
    number = leaf.value
    demands = {
        "=": number < low or number > high,
        ">=": number > high,
        ">": number >= high,
        "<=": number < low,
        "<": number <= low,
    }
    return demands[leaf.op]


def leaf_holds(test: LeafTest, leaf: Numeric) -> bool:
    op = None if isinstance(leaf, Range) else leaf.op
    numbers = facts.numbers(leaf)
    checks = (
        test.ops is None or op in test.ops,
        test.units is None or unit_matches(leaf.unit, test.units),
        test.equals is None or any(n == test.equals for n in numbers),
        test.at_least is None or any(n >= test.at_least for n in numbers),
        test.below is None or bool(numbers) and all(n < test.below for n in numbers),
        test.outside is None or _outside(leaf, *test.outside),
    )
    return all(checks)


def _words_hit(subject: Subject, words: list[str], max_length: int) -> bool:
    search = _finder(words)
    for leaf in subject.items:
        text = facts.value_text(leaf) or ("" if facts.is_numeric(leaf) else subject.text)
        if text and len(text) <= max_length and search(text) is not None:
            return True
    return False


_FINDERS: dict[int, tuple[list[str], Callable[[str], object]]] = {}
_WORD_SETS: dict[int, tuple[list[str], frozenset[str]]] = {}


def _finder(words: list[str]) -> Callable[[str], object]:
    """`search(text)`: not None when a word of the list occurs in the text (one pass in C, rather than one
    `in` per word). Made once per word list, by its identity (the packs' lists live for the whole run)."""
    if not words:  # an absent list is a new `[]` each time: not remembered
        return _nowhere
    known = _FINDERS.get(id(words))
    if known is None or known[0] is not words:
        known = _FINDERS[id(words)] = (words, re.compile("|".join(map(re.escape, words))).search)
    return known[1]


def _nowhere(text: str) -> None:
    return None


def _word_set(words: list[str]) -> frozenset[str]:
    """The list as a set, for whole-text look-ups; made once per list, by its identity."""
    if not words:
        return frozenset()
    known = _WORD_SETS.get(id(words))
    if known is None or known[0] is not words:
        known = _WORD_SETS[id(words)] = (words, frozenset(words))
    return known[1]


def _out_of_range(leaf: Value) -> bool:
    if not isinstance(leaf, Quantity | Bound | Range):
        return False
    return any(out_of_range(number) for number in facts.numbers(leaf))


def _invalid_range(leaf: Value) -> bool:
    if not isinstance(leaf, Range):
        return False
    mixed = leaf.low_unit is not None and leaf.low_unit != leaf.unit
    return mixed or leaf.low > leaf.high


def _units_all(w: When, s: Subject) -> bool:
    wanted = w.units_all or []
    return len(s.numeric) == len(s.items) > 0 and all(unit_matches(n.unit, wanted) for n in s.numeric)


_CHECKS: dict[str, Callable[[When, Subject], bool]] = {
    "kinds": lambda w, s: any(i.kind in (w.kinds or ()) for i in [s.value, *s.items]),
    "has_number": lambda w, s: facts.has_number(s.value, s.text) == w.has_number,
    "vague": lambda w, s: any(isinstance(i, Qualitative) and i.vague for i in s.items) == w.vague,
    "text_vocabulary": lambda w, s: s.text in _word_set(s.vocabulary(w.text_vocabulary or "")),
    "contains_vocabulary": lambda w, s: _finder(s.vocabulary(w.contains_vocabulary or ""))(s.text) is not None,
    "words_vocabulary": lambda w, s: _words_hit(s, s.vocabulary(w.words_vocabulary or ""), w.max_words_length),
    "units_all": _units_all,
    "leaf": lambda w, s: w.leaf is not None and any(leaf_holds(w.leaf, n) for n in s.numeric),
    "invalid_range": lambda w, s: any(_invalid_range(i) for i in s.items) == w.invalid_range,
    "out_of_range": lambda w, s: any(_out_of_range(i) for i in s.items) == w.out_of_range,
    "any_": lambda w, s: any(holds(sub, s) for sub in w.any_ or []),
    "not_": lambda w, s: w.not_ is not None and not holds(w.not_, s),
}


def holds(when: When, subject: Subject) -> bool:
    """Whether every key of `when` holds for the subject (keys left out hold)."""
    return all(check(when, subject) for check in when.active_checks)


__all__ = ["LeafTest", "Subject", "When", "holds", "leaf_holds"]
