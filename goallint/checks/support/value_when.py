"""Predicates on one typed value cell (the `when:` of a `value` check): kind, unit, comparator, numbers, words.

Every key given must hold; `any` holds when one of its predicates does, `not` when its predicate does not.
Keys ending in `_vocabulary` name word lists of the packs (`FormContext.vocabulary`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import field as dc_field
from decimal import Decimal
from functools import cached_property, lru_cache
from operator import attrgetter

from goallint.checks.support import value_facts as facts
from goallint.checks.support.value_facts import Numeric
from goallint.plumbing.memo import make_room
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT
from goallint.values.bounds import out_of_range
from goallint.values.types import Bound, Comparator, Compound, Qualitative, Quantity, Range, Value

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

    @cached_property
    def predicate(self) -> Callable[[Numeric], bool]:
        """The test as one closure, made once."""
        return _compile_leaf(self)


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
    def predicate(self) -> Callable[[Subject], bool]:
        """The predicate as one closure over the subject's facts, made once per `When`: a value cell is then
        judged without looking up which keys are set."""
        return _compile(self)

    def vocabulary_names(self) -> Iterator[str]:
        for name in (self.text_vocabulary, self.contains_vocabulary, self.words_vocabulary):
            if name:
                yield name
        for sub in [*(self.any_ or []), *([self.not_] if self.not_ else [])]:
            yield from sub.vocabulary_names()


class Subject:
    """What a predicate looks at: the typed value, the normalised text and the pack vocabularies, with the facts
    about the value that several predicates ask, worked out once (a value is judged once for every rule)."""

    __slots__ = ("value", "text", "vocabulary", "items", "numeric", "kinds", "vague", "invalid_range",
                 "out_of_range", "_has_number")

    def __init__(self, value: Value, text: str, vocabulary: Callable[[str], list[str]]) -> None:
        self.value = value
        self.text = text
        self.vocabulary = vocabulary
        # one loop over the items for every fact (a value is most often a single item)
        items: list[Value] = list(facts.leaves(value)) if isinstance(value, Compound) else [value]
        numeric: list[Numeric] = []
        kinds = {value.kind}
        vague = invalid_range = beyond = False
        for item in items:
            kinds.add(item.kind)
            if isinstance(item, _NUMERIC):
                numeric.append(item)
                invalid_range = invalid_range or _invalid_range(item)
                beyond = beyond or _out_of_range(item)
            elif not vague and isinstance(item, Qualitative) and item.vague:
                vague = True
        self.items, self.numeric = items, numeric
        self.kinds = frozenset(kinds)
        """The value's kind and the kind of each of its items."""
        self.vague, self.invalid_range, self.out_of_range = vague, invalid_range, beyond
        self._has_number: bool | None = None

    @property
    def has_number(self) -> bool:
        """Whether the value states a number (`value_facts.has_number`; it searches the text: asked by few)."""
        if self._has_number is None:
            self._has_number = facts.has_number(self.value, self.text)
        return self._has_number


_NUMERIC = (Quantity, Bound, Range)


def unit_matches(unit: str, wanted: list[str]) -> bool:
    cls, base = _unit_kind(unit)
    return any(token == cls if token in UNIT_CLASSES else base == token for token in wanted)


@lru_cache(maxsize=CACHE_ENTRIES)
def _unit_kind(unit: str) -> tuple[str, str]:
    """A unit's class (`none` for no unit) and base, as `unit_matches` compares them."""
    return facts.unit_class(unit) or "none", facts.unit_base(unit)


def _unit_test(wanted: list[str]) -> Callable[[str], bool]:
    """`unit_matches(unit, wanted)` for one list, its answers remembered per unit (a pack's list is tested
    against the few units values write, value after value). Bounded."""
    known: dict[str, bool] = {}

    def unit_ok(unit: str) -> bool:
        answer = known.get(unit)
        if answer is None:
            if len(known) >= CACHE_ENTRIES:
                make_room(known)
            answer = known[unit] = unit_matches(unit, wanted)
        return answer

    return unit_ok


def _outside(leaf: Numeric, low: Decimal, high: Decimal) -> bool:
    """The target asks for a number outside [low, high]; a loose cap or floor (`≤120%`) asks for nothing."""
    if isinstance(leaf, Range):
        symmetric = leaf.low == -leaf.high
        return leaf.high > high or (leaf.low < low and not symmetric)
    number, op = leaf.value, leaf.op
    if op == "=":
        return number < low or number > high
    if op == ">=":
        return number > high
    if op == ">":
        return number >= high
    if op == "<=":
        return number < low
    if op == "<":
        return number <= low
    raise KeyError(op)


def leaf_holds(test: LeafTest, leaf: Numeric) -> bool:
    return test.predicate(leaf)


def _compile_leaf(test: LeafTest) -> Callable[[Numeric], bool]:
    """One numeric item satisfies every key of the test (keys left out hold)."""
    ops, units, equals, at_least, below, outside = \
        test.ops, test.units, test.equals, test.at_least, test.below, test.outside

    unit_ok = _unit_test(units) if units is not None else None

    def leaf_test(leaf: Numeric) -> bool:
        if isinstance(leaf, Range):
            if ops is not None and None not in ops:
                return False
            numbers: tuple[Decimal, ...] = (leaf.low, leaf.high)  # `facts.numbers`
        else:
            if ops is not None and leaf.op not in ops:
                return False
            numbers = (leaf.value,)
        if unit_ok is not None and not unit_ok(leaf.unit):
            return False
        # `any` / `all` over one or two numbers, written out
        if equals is not None and numbers[0] != equals and (len(numbers) == 1 or numbers[1] != equals):
            return False
        if at_least is not None and numbers[0] < at_least and (len(numbers) == 1 or numbers[1] < at_least):
            return False
        if below is not None and not (numbers[0] < below and (len(numbers) == 1 or numbers[1] < below)):
            return False
        return outside is None or _outside(leaf, *outside)

    return leaf_test


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
    if isinstance(leaf, Range):  # `facts.numbers`, read without a generator
        return out_of_range(leaf.low) or out_of_range(leaf.high)
    if isinstance(leaf, Quantity | Bound):
        return out_of_range(leaf.value)
    return False


def _invalid_range(leaf: Value) -> bool:
    if not isinstance(leaf, Range):
        return False
    mixed = leaf.low_unit is not None and leaf.low_unit != leaf.unit
    return mixed or leaf.low > leaf.high


def _fact_is(fact: str, wanted: bool) -> Callable[[Subject], bool]:
    """A test that one of the subject's yes/no facts (`Subject.vague`…) is `wanted`."""
    read = attrgetter(fact)
    return lambda s: read(s) == wanted


def _compile(w: When) -> Callable[[Subject], bool]:
    """The closures of the keys `w` sets, in one; each reads a fact of the subject or a vocabulary."""
    tests: list[Callable[[Subject], bool]] = []
    if w.kinds is not None:
        kinds = frozenset(w.kinds)
        tests.append(lambda s: not kinds.isdisjoint(s.kinds))
    for fact in ("has_number", "vague"):
        if (setting := getattr(w, fact)) is not None:
            tests.append(_fact_is(fact, setting))
    if w.text_vocabulary is not None:
        text_words = w.text_vocabulary
        tests.append(lambda s: s.text in _word_set(s.vocabulary(text_words)))
    if w.contains_vocabulary is not None:
        contained = w.contains_vocabulary
        tests.append(lambda s: _finder(s.vocabulary(contained))(s.text) is not None)
    if w.words_vocabulary is not None:
        words, max_length = w.words_vocabulary, w.max_words_length
        tests.append(lambda s: _words_hit(s, s.vocabulary(words), max_length))
    if w.units_all is not None:
        all_ok = _unit_test(w.units_all)
        tests.append(lambda s: len(s.numeric) == len(s.items) > 0 and all(all_ok(n.unit) for n in s.numeric))
    if w.leaf is not None:
        leaf_test = w.leaf.predicate

        def any_leaf(s: Subject) -> bool:
            for leaf in s.numeric:
                if leaf_test(leaf):
                    return True
            return False

        tests.append(any_leaf)
    for fact in ("invalid_range", "out_of_range"):
        if (setting := getattr(w, fact)) is not None:
            tests.append(_fact_is(fact, setting))
    if w.any_ is not None:
        alternatives = [sub.predicate for sub in w.any_]

        def any_of(s: Subject) -> bool:  # `any` written out: no generator per subject
            for test in alternatives:
                if test(s):
                    return True
            return False

        tests.append(any_of)
    if w.not_ is not None:
        negated = w.not_.predicate
        tests.append(lambda s: not negated(s))
    if not tests:
        return _always
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda s: first(s) and second(s)

    def every(s: Subject) -> bool:
        for test in tests:
            if not test(s):
                return False
        return True

    return every


def _always(subject: Subject) -> bool:
    return True


def holds(when: When, subject: Subject) -> bool:
    """Whether every key of `when` holds for the subject (keys left out hold)."""
    return when.predicate(subject)


__all__ = ["LeafTest", "Subject", "When", "holds", "leaf_holds"]
