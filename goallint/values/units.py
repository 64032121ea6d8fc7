"""Unit algebra for the budget checks: bases, denominators, persons, money, time factors, named entities."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache

from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES

PERSON_UNITS: frozenset[str] = frozenset({"人", "名"})
"""Units that count persons (`人次` counts visits, not persons)."""

MONEY_UNITS: frozenset[str] = frozenset({"元"})

MAGNITUDES: dict[str, Decimal] = {"百": Decimal(100), "千": Decimal(1000), "万": Decimal(10000), "亿": Decimal(10) ** 8}
"""Magnitude prefixes folded into the number (`10.3万元` → 103000 元)."""

TIME_FACTORS: dict[str, Decimal] = {"年": Decimal(1), "月": Decimal(12), "个月": Decimal(12), "季": Decimal(4), "季度": Decimal(4)}
"""How many of each time unit an annual budget covers (only the unambiguous ones: no 周, no 天)."""

UNIT_SYNONYMS: dict[str, str] = {
    "平米": "平方米", "平方": "平方米", "㎡": "平方米", "m²": "平方米", "m2": "平方米", "M²": "平方米", "M2": "平方米",
    "km²": "平方公里", "km2": "平方公里", "KM²": "平方公里", "KM2": "平方公里", "Km²": "平方公里", "Km2": "平方公里",
    "㎥": "立方米", "m³": "立方米", "m3": "立方米", "M³": "立方米", "M3": "立方米",
}
"""Other ways forms write a unit, each with the unit it is (`饲料库120平米` is 120 平方米, `490元/平米` is
元/平方米, `1804㎡` and `1804m²` are 1804 平方米): a value's unit is given in its canonical word, so `/平米` is matched by `120平方米` and the reverse."""
_SYNONYM_MARKS = frozenset(ch for word in UNIT_SYNONYMS for ch in word[:1])

_SPLIT = re.compile(r"[/·•]")
_GROUPED = re.compile(r"/[(（]([^()（）]*)[)）]")


@record(frozen=True)
class Unit:
    """A base unit with denominators in written order: `元/月/人` → Unit('元', ('月', '人'))."""

    base: str
    per: tuple[str, ...] = ()

    @property
    def canonical(self) -> str:
        """The contract's unit string: the base, then `/` and each denominator."""
        return "/".join((self.base, *self.per))

    def __str__(self) -> str:
        return self.canonical


def canonical_unit(text: str) -> str:
    """A unit string with each part in its canonical word: `元/平米` → `元/平方米`, `㎡` → `平方米`."""
    if _SYNONYM_MARKS.isdisjoint(text):
        return text
    return "/".join(UNIT_SYNONYMS.get(part, part) for part in text.split("/"))


def _person_key(part: str) -> str:
    return "人" if part in PERSON_UNITS else part


@lru_cache(maxsize=CACHE_ENTRIES)  # a form's values are written in a few units (`人`, `元/人/年`)
def parse_unit(text: str) -> Unit:
    """Read a unit string: `元/月/人` → ('元', ('月','人')); `元/人·月` → ('元', ('人','月'))."""
    cleaned = _GROUPED.sub(r"/\1", text.strip())
    parts = [part.strip() for part in _SPLIT.split(cleaned)]
    parts = [UNIT_SYNONYMS.get(part, part) for part in parts if part]
    if not parts:
        return Unit("")
    if text.strip().startswith("/"):
        return Unit("", tuple(parts))
    return Unit(parts[0], tuple(parts[1:]))


def is_money(unit: Unit | str) -> bool:
    """True when the base is money (元); magnitudes are already folded into the number."""
    return _as_unit(unit).base in MONEY_UNITS


def is_person(unit: Unit | str) -> bool:
    """True when the unit counts persons (人 or 名, without denominators)."""
    u = _as_unit(unit)
    return u.base in PERSON_UNITS and not u.per


def same_dimension(a: Unit | str, b: Unit | str) -> bool:
    """Same base and the same denominators as multisets (名 ≡ 人; `元/月/人` ≡ `元/人/月`)."""
    ua, ub = _as_unit(a), _as_unit(b)
    if _person_key(ua.base) != _person_key(ub.base):
        return False
    return Counter(map(_person_key, ua.per)) == Counter(map(_person_key, ub.per))


def multiply(unit: Unit | str, count_unit: Unit | str) -> Unit:
    """Multiply by a count, cancelling one matching denominator (`元/人/月` × `人` → `元/月`; `元/人` × `名` → `元`).

    Raises ValueError when no denominator matches the count's base."""
    u, count = _as_unit(unit), _as_unit(count_unit)
    key = _person_key(count.base)
    for index, part in enumerate(u.per):
        if _person_key(part) == key:
            return Unit(u.base, u.per[:index] + u.per[index + 1 :] + count.per)
    raise ValueError(f"{count.canonical} does not cancel a denominator of {u.canonical}")


def cancels(unit: Unit | str, count_unit: Unit | str) -> bool:
    """True when `multiply(unit, count_unit)` would cancel a denominator."""
    u, count = _as_unit(unit), _as_unit(count_unit)
    key = _person_key(count.base)
    return any(_person_key(part) == key for part in u.per)


def annualize(unit: Unit | str) -> tuple[Decimal, Unit] | None:
    """Cancel every time denominator for an annual budget: `元/人/月` → (12, 元/人); None if none can be."""
    u = _as_unit(unit)
    factor = Decimal(1)
    rest: list[str] = []
    found = False
    for part in u.per:
        if part in TIME_FACTORS:
            factor *= TIME_FACTORS[part]
            found = True
        else:
            rest.append(part)
    return (factor, Unit(u.base, tuple(rest))) if found else None


_ENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    "村": ("村", "行政村", "村（社区）", "村(社区)"),
    "社区": ("社区", "村（社区）", "村(社区)"),
    "户": ("户", "家庭", "农户"),
    "人": ("人", "名", "人员", "人数"),
}


def entity_named(indicator_name: str, entity: str) -> bool:
    """True when a count in 个 in an indicator named `indicator_name` can stand for `entity` (`补助村数` counts 村)."""
    name = indicator_name.strip()
    if not name or not entity:
        return False
    wanted = entity.strip().replace("(", "（").replace(")", "）")
    candidates = {wanted, *_ENTITY_ALIASES.get(wanted, ())}
    if wanted.endswith("（社区）"):
        candidates |= {wanted[: -len("（社区）")], "社区"}
    return any(candidate and candidate in name for candidate in candidates)


def _as_unit(unit: Unit | str) -> Unit:
    return unit if isinstance(unit, Unit) else parse_unit(unit)


__all__ = [
    "MAGNITUDES",
    "MONEY_UNITS",
    "PERSON_UNITS",
    "TIME_FACTORS",
    "UNIT_SYNONYMS",
    "Unit",
    "annualize",
    "canonical_unit",
    "cancels",
    "entity_named",
    "is_money",
    "is_person",
    "multiply",
    "parse_unit",
    "same_dimension",
]
