"""Readings of a form's arithmetic: which quantities can fill which denominator of a cost standard.

A cost standard (`3500元/月/人`) is multiplied by one filler per denominator: a person count for `/人`, a
count of the entity for `/村` (or a count in 个 whose indicator name names 村), 12 for `/月` and 1 for `/年`
of an annual budget, a day count for `/天`. Where several quantities could fill a denominator, every reading
is kept (each candidate, and the sum of the candidates of one unit): a form is only judged wrong when the
budget lies outside the product in every reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import field
from decimal import Decimal
from functools import lru_cache
from itertools import product
from typing import Any

from goallint.arith.interval import Interval, Side, tolerance_for
from goallint.arith.money import UNIT_FACTOR, WAN, format_money, format_number
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.values import normalize, parse_value
from goallint.values.bounds import out_of_range
from goallint.values.types import Bound, Compound, Quantity, Range, Value
from goallint.values.units import (
    MONEY_UNITS,
    PERSON_UNITS,
    TIME_FACTORS,
    Unit,
    entity_named,
    parse_unit,
)

READING_LIMIT = 512
"""More combined readings than this and the form is not judged (conservative, and bounded in time)."""

PERSON = "人"
DAY_UNITS = frozenset({"天", "日"})
ENTITY_COUNTERS = frozenset({"个", "家", "处", "所", "支"})
"""Counters that can stand for the entity their indicator name (or noun) names: `补助村数 20个`."""
UNIT_ALIASES: dict[str, str] = {"场次": "场", "名": PERSON, "个月": "月", "日": "天", "期次": "期"}
OP_SYMBOLS: dict[str, str] = {"=": "", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_WAN = WAN
CLOSED_OPS = {"<": "<=", ">": ">="}
"""How budget arithmetic reads a written strict bound: as the cap or floor it is meant to be."""


def unit_key(part: str) -> str:
    """The key two unit words are matched on (名 ≡ 人, 场次 ≡ 场, 个月 ≡ 月)."""
    return UNIT_ALIASES.get(part, part)


@record(frozen=True)
class Amount:
    """One number with its unit as written: an exact value, a bound, a range; `约` widens it."""

    op: str
    value: Decimal
    unit: Unit
    text: str
    approx: bool = False
    high: Decimal | None = None
    """The upper end of a range (`op` is then `range` and `value` the lower end)."""
    noun: str = ""
    label: str = ""
    interval: Interval = field(init=False, repr=False, compare=False)
    """The values it allows (worked out once: amounts are remembered per cell text and multiplied form after
    form)."""

    def __post_init__(self) -> None:
        if self.high is not None:
            interval = Interval.between(self.value, self.high)
        else:  # a strict bound is read as reviewers read it, with its boundary: `<9万元/人/年 × 2人` allows 180,000
            interval = Interval.from_op(CLOSED_OPS.get(self.op, self.op), self.value, self.approx)
        object.__setattr__(self, "interval", interval)

    @property
    def cap(self) -> bool:
        return self.op in ("<=", "<", "range")

    @property
    def floor(self) -> bool:
        return self.op in (">=", ">", "range")


def render(op: str, value: Decimal, unit: str, approx: bool = False) -> str:
    """A value as a reader writes it: `≤9万元/人/年`, `约500人`, `≥120份`."""
    number = format_number(value, 4).replace(",", "")
    if unit.startswith("元") and value >= _WAN and (value / _WAN) == (value / _WAN).quantize(Decimal("0.01")):
        number, unit = format_number(value / _WAN, 2).replace(",", "") + "万", unit
    return f"{'约' if approx else ''}{OP_SYMBOLS.get(op, '')}{number}{unit}"


def amounts(value: Value, text: str = "") -> list[Amount]:
    """The numeric items of a typed value (a compound gives several). `text` (the cell's normalised text)
    is shown for a single item, without its label; items of a compound are rendered from their values."""
    if isinstance(value, Compound):
        return [item for sub in value.items for item in amounts(sub)]
    if isinstance(value, Quantity | Bound):
        if out_of_range(value.value):  # beyond any amount: never computed with (GL107 names a budget so)
            return []
        shown = text.removeprefix(value.label or "").strip() if text else ""
        shown = shown or render(value.op, value.value, value.unit, value.approx)
        return [Amount(value.op, value.value, parse_unit(value.unit), shown, value.approx,
                       noun=value.noun or "", label=value.label or "")]
    if isinstance(value, Range) and value.low_unit is None and value.low >= 0 \
            and not out_of_range(value.low) and not out_of_range(value.high):
        shown = text.removeprefix(value.label or "").strip() if text else ""
        return [Amount("range", value.low, parse_unit(value.unit), shown or f"{value.low}～{value.high}{value.unit}",
                       high=value.high, label=value.label or "")]
    return []


@record(frozen=True)
class Count:
    """A quantity that could fill a denominator: its amount, the indicator's name and the value's noun/label."""

    amount: Amount
    name: str = ""
    noun: str = ""
    base: str = field(init=False, repr=False, compare=False)
    """The unit it counts in, as denominators are matched (`名` is `人`)."""
    annual: bool = field(init=False, repr=False, compare=False)
    """A plain count, or a count per year (`约500人/年` is 500 in the budget year)."""

    def __post_init__(self) -> None:
        # asked of every count for every denominator of every standard: worked out once
        unit = self.amount.unit
        object.__setattr__(self, "base", unit_key(unit.base))
        object.__setattr__(self, "annual", unit.per in ((), ("年",)))

    def names(self, entity: str) -> bool:
        return any(entity_named(words, entity) for words in (self.noun, self.name) if words)


@record(frozen=True)
class Standard:
    """A money-valued cost standard; `ref` is whatever the caller needs to place a finding (not compared)."""

    amount: Amount
    name: str = ""
    ref: Any = field(default=None, compare=False, hash=False)
    own: tuple[Count, ...] = ()
    """Counts that belong to this standard alone (its indicator's name, `饲料库120平米` for `490元/平米`): they
    fill its entity denominators besides the form's counts (each a reading), and no other standard's."""


@record(frozen=True)
class Factor:
    """One multiplier of a term: a count, a sum of counts, or a time factor (`12月`; `1年` is not shown)."""

    text: str
    interval: Interval
    cap: bool = False
    floor: bool = False
    shown: bool = True


@record(frozen=True)
class Term:
    """A standard times one filler per denominator."""

    standard: Standard
    factors: tuple[Factor, ...]
    flat: bool
    """No entity denominator: `X元`, `X元/年`, `X元/月` (× 12)."""
    product: Interval = field(init=False, repr=False, compare=False)
    """The standard times its factors (worked out once: every reading the term is in adds it)."""

    def __post_init__(self) -> None:
        out = self.standard.amount.interval
        for factor in self.factors:
            out = out * factor.interval
        object.__setattr__(self, "product", out)

    @property
    def text(self) -> str:
        return " × ".join([self.standard.amount.text, *(f.text for f in self.factors if f.shown)])

    @property
    def cap(self) -> bool:
        return self.standard.amount.cap or any(f.cap for f in self.factors)

    @property
    def floor(self) -> bool:
        return self.standard.amount.floor or any(f.floor for f in self.factors)


@record(frozen=True)
class Reading:
    """One way to read the whole budget: the sum of its terms."""

    terms: tuple[Term, ...]

    @property
    def total(self) -> Interval:
        out = self.terms[0].product
        for term in self.terms[1:]:
            out = out + term.product
        return out

    @property
    def flat(self) -> bool:
        return all(term.flat for term in self.terms)

    @property
    def cap(self) -> bool:
        return any(term.cap for term in self.terms)

    @property
    def floor(self) -> bool:
        return any(term.floor for term in self.terms)

    @property
    def text(self) -> str:
        """The arithmetic in full: `3500元/月/人 × 119人 × 12月 = 4,998,000元`."""
        return f"{' + '.join(term.text for term in self.terms)} {relation(self.total)}"


def relation(total: Interval) -> str:
    """`= 2,369,000元`, `≤ 180,000元`, `< 180,000元`, `≥ 180,000元`, `在 a～b元 之间`."""
    if total.is_point:
        return f"= {format_money(total.lo)}"
    if total.lo == 0 and not total.lo_open and total.bounded:
        return f"{'<' if total.hi_open else '≤'} {format_money(total.hi)}"
    if not total.bounded:
        return f"{'>' if total.lo_open else '≥'} {format_money(total.lo)}"
    return f"在 {format_number(total.lo)}～{format_money(total.hi)} 之间"


@record
class Resolution:
    """The terms one standard can form, or the denominators nothing in the form fills."""

    standard: Standard
    terms: list[Term]
    missing: list[str]


def _count_factor(counts: Sequence[Count]) -> Factor:
    if len(counts) == 1:
        amount = counts[0].amount
        return Factor(amount.text, amount.interval, amount.cap, amount.floor)
    interval = counts[0].amount.interval
    for count in counts[1:]:
        interval = interval + count.amount.interval
    text = counts[0].amount.text if len(counts) == 1 else "(" + " + ".join(c.amount.text for c in counts) + ")"
    return Factor(text, interval, any(c.amount.cap for c in counts), any(c.amount.floor for c in counts))


def _options(candidates: Sequence[Count]) -> list[Factor]:
    """Each candidate alone, and the sum of the candidates of one unit (when there are several)."""
    if len(candidates) < 2:  # no sum to add, nothing to tell apart
        return [_count_factor(candidates)] if candidates else []
    out: list[Factor] = []
    seen: set[tuple[str, Interval]] = set()
    groups: dict[str, list[Count]] = {}
    for count in candidates:
        groups.setdefault(count.amount.unit.canonical.replace("名", PERSON), []).append(count)
    choices = [[count] for count in candidates] + [group for group in groups.values() if len(group) > 1]
    for choice in choices:
        factor = _count_factor(choice)
        key = (factor.text if len(choice) > 1 else "", factor.interval)
        if key not in seen:
            seen.add(key)
            out.append(factor)
    return out


def fillers(slot: tuple[str, ...], counts: Sequence[Count]) -> list[Factor]:
    """Every factor that can fill one denominator (or the 人·次 pair, filled by a count in 人次)."""
    if len(slot) == 2:
        return _options([c for c in counts if c.base == "人次" and c.annual])
    denominator = unit_key(slot[0])
    if slot[0] in TIME_FACTORS or denominator in TIME_FACTORS:
        default = _time_factor(slot[0])
        explicit = [c for c in counts if c.base == denominator and not c.amount.unit.per]
        return [default, *_options(explicit)] if denominator != "年" else [default]
    if denominator in DAY_UNITS:
        return _options([c for c in counts if c.base == "天" and not c.amount.unit.per])
    if denominator == PERSON:
        found = [c for c in counts if c.annual and (c.amount.unit.base in PERSON_UNITS
                                                    or (c.base in ENTITY_COUNTERS and c.names(PERSON)))]
        return _options(found)
    found = [c for c in counts if c.annual and (c.base == denominator
                                                or (c.base in ENTITY_COUNTERS and c.names(denominator)))]
    return _options(found)


@lru_cache(maxsize=64)  # keyed by a time unit of TIME_FACTORS (or an alias of one): a handful
def _time_factor(part: str) -> Factor:
    """The factor a time denominator takes by default: `12月` for `/月` (`1年` for `/年`, not shown)."""
    denominator = unit_key(part)
    factor = TIME_FACTORS.get(part, TIME_FACTORS.get(denominator, Decimal(1)))
    return Factor(f"{format_number(factor)}{denominator}", Interval.point(factor), shown=factor != 1)


def _slots(per: tuple[str, ...], own: Sequence[Count], counts: Sequence[Count]) -> list[list[tuple[str, ...]]]:
    keys = [unit_key(part) for part in per]
    single: list[list[tuple[str, ...]]] = [[(part,) for part in per]]
    if PERSON in keys and "次" in keys and any(c.base == "人次" for group in (own, counts) for c in group):
        rest = list(per)
        rest.pop(keys.index(PERSON))
        rest.pop([unit_key(p) for p in rest].index("次"))
        single.append([("人", "次"), *((part,) for part in rest)])
    return single


def _own_fillers(slot: tuple[str, ...], own: Sequence[Count]) -> list[Factor]:
    """The fillers a standard's own counts give an entity denominator (none for a time one: `/月` stays 12)."""
    if not own or any(part in TIME_FACTORS or unit_key(part) in TIME_FACTORS for part in slot):
        return []
    return fillers(slot, own)


def resolve(standard: Standard, counts: Sequence[Count]) -> Resolution:
    """Every term the standard can form with the form's counts (each slot filled every possible way)."""
    terms: list[Term] = []
    missing: list[str] = []
    own = standard.own
    for slots in _slots(standard.amount.unit.per, own, counts):
        options = [[*_own_fillers(slot, own), *fillers(slot, counts)] if own else fillers(slot, counts)
                   for slot in slots]
        empty = ["/" + "·".join(slot) for slot, found in zip(slots, options, strict=True) if not found]
        if empty:
            missing = missing or empty
            continue
        flat = all(slot[0] in TIME_FACTORS or unit_key(slot[0]) in TIME_FACTORS for slot in slots)
        combos = 1
        for found in options:
            combos *= len(found)
        if combos > READING_LIMIT:
            continue
        order = sorted(range(len(slots)), key=lambda i: slots[i][0] in TIME_FACTORS)  # counts first, then 12月
        if order == list(range(len(slots))):  # already so (one slot, `/人/年`): a choice is the factors in order
            terms.extend(Term(standard, choice, flat) for choice in product(*options))
        else:
            terms.extend(Term(standard, tuple(choice[i] for i in order), flat) for choice in product(*options))
    return Resolution(standard, terms, [] if terms else missing or ["（读法过多）"])


def readings(resolutions: Sequence[Resolution]) -> list[Reading] | None:
    """Every reading of the budget: each standard alone, and (with several) the sum of all standards.
    A standard whose indicator names its own quantity (`饲料库120平米`, `防疫室84平米`) is one line of a cost
    build-up, never the whole budget alone, when there are several.
    None when a standard cannot be resolved or the readings are too many: the form is then not judged."""
    if not resolutions or any(not r.terms for r in resolutions):
        return None
    several = len(resolutions) > 1
    out = [Reading((term,)) for r in resolutions if not (several and r.standard.own) for term in r.terms]
    if several:
        combos = 1
        for r in resolutions:
            combos *= len(r.terms)
        if combos > READING_LIMIT:
            return None
        out.extend(Reading(tuple(choice)) for choice in product(*(r.terms for r in resolutions)))
    return out


@record(frozen=True)
class Verdict:
    """The budget lies outside every reading; `reading` is the closest one, `side` where the budget is."""

    reading: Reading
    side: Side
    difference: Decimal


def judge(budget: Decimal, candidates: Iterable[Reading], tolerance: Decimal | None = None) -> Verdict | None:
    """None when any reading holds the budget (within max(1元, 0.1%) on closed ends); else the closest."""
    tol = tolerance_for(budget) if tolerance is None else tolerance
    best: tuple[Reading, Side, Decimal] | None = None
    for reading in candidates:
        total = reading.total
        side = total.side(budget, tol)
        if side == "inside":
            return None
        difference = total.distance(budget)
        if best is None or difference < best[2]:
            best = (reading, side, difference)
    return Verdict(*best) if best is not None else None


NOT_COUNTED = MONEY_UNITS | {"%", "‰"}
"""Bases of amounts that count nothing: money (`is_money`) and percentages."""


def count_of(value: Value, name: str, text: str = "") -> list[Count]:
    """The counts a (non-cost) indicator value offers: numeric items that are not money nor percentages.
    Their text is rendered from the value (`23名党建组织员` shows as `23名`), or is `text` as `amounts` shows it."""
    return named_counts(countable(value, text), name)


def named_counts(found: Iterable[Amount], name: str) -> list[Count]:
    """Countable amounts given the indicator's name: each a `Count` of what it counts (its noun or label)."""
    return [Count(amount, name, amount.noun or amount.label) for amount in found]


def countable(value: Value, text: str = "") -> list[Amount]:
    """The amounts of `count_of`, before they are given the indicator's name."""
    return _counted(amounts(value, text))


def _counted(found: Iterable[Amount]) -> list[Amount]:
    """The amounts that count something: with a unit, and not money nor a percentage (`NOT_COUNTED`)."""
    return [amount for amount in found if amount.unit.base and amount.unit.base not in NOT_COUNTED]


PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
"""A cell that is only a number in ASCII digits (`247658`, `189.32`), or one with its thousands separated
(`1,866,357.00`): how most budgets and budget lines are written."""


def read_money(text: str, unit: str = "元", bare: str | None = None) -> Decimal | None:
    """`money_in(amounts(parse_value(text)), unit, bare)`: the one amount of money a cell's text states.
    A plain number (`PLAIN_NUMBER`, every form's budget) is read without the value grammar: it is a bare
    amount, as the grammar reads it (the normaliser leaves such a text as it is, or only drops its thousands
    separators)."""
    if PLAIN_NUMBER.fullmatch(text) is not None:
        value = Decimal(text.replace(",", "") if "," in text else text)
        if out_of_range(value):  # as `amounts` leaves it out: no amount
            return None
        return value if bare is None else value * UNIT_FACTOR[bare]
    return money_in(amounts(parse_value(text)), unit, bare)


@lru_cache(maxsize=CACHE_ENTRIES)
def countable_in(raw: str) -> tuple[Amount, ...]:
    """`countable` of a cell's value, remembered by the cell's raw text (the same value is written under many
    names, form after form): what the count readers (`reconcile`, `goal_counts`) read of a value cell. A plain
    amount (`PLAIN_AMOUNT`) is read without the value grammar."""
    return tuple(_counted(read_amounts(raw)))


def read_amounts(raw: str, text: str = "") -> list[Amount]:
    """`amounts(parse_value(raw), text)`: a plain amount (`PLAIN_AMOUNT`) read without the value grammar."""
    plain = PLAIN_AMOUNT.fullmatch(normalize(raw).text)
    return amounts(parse_value(raw), text) if plain is None else plain_amounts(plain, text.strip())


_BASES = "元|%|人次|场次|人|名|个|次|场|期|户|份|家|处|所|支|台|辆|件|套|间|亩|批|村|宗|册|篇|项|条|本|部"
PER_UNITS = "人次|场次|季度|人|年|月|村|次|天|日|份|户|场|期|个|名|家|处|所|支|周|台|辆|件|套|间|亩|批"
PLAIN_AMOUNT = re.compile(
    rf"([≤≥<>])?([0-9]{{1,15}}(?:\.[0-9]{{1,6}})?)(万)?({_BASES})((?:/(?:{PER_UNITS}))*)")
"""A normalised text that is one amount written plainly: `3500元/月/人`, `≤263元/人`, `<13万元/人/年`, `≥120份`,
`500人`: how most standards and targets are written, and every new one would cost a parse. The grammar reads
it as one amount: the number (`万` folded in) in that unit, with no label or noun."""
_PLAIN_OPS = {None: "=", "≤": "<=", "≥": ">=", "<": "<", ">": ">"}


def plain_amounts(plain: re.Match[str], text: str) -> list[Amount]:
    """`amounts(parse_value(raw), text)` of a raw text whose normalised text `PLAIN_AMOUNT` matches (`plain`):
    its one amount (none beyond any amount), shown as `text`, or rendered from the value without one."""
    value = Decimal(plain.group(2))
    if plain.group(3) is not None:  # `万` as the grammar folds it: an exact shift of the exponent
        sign, digits, exponent = value.as_tuple()
        value = Decimal((sign, digits, int(exponent) + 4))
    if out_of_range(value):
        return []
    op = _PLAIN_OPS[plain.group(1)]
    unit = plain.group(4) + plain.group(5)
    return [Amount(op, value, parse_unit(unit), text or render(op, value, unit))]


def money_in(found: Sequence[Amount], unit: str = "元", bare: str | None = None) -> Decimal | None:
    """The one exact amount of money among a cell's amounts (`arith.readings.amounts`), as a number in `unit`
    (元 or 万元), else None (no amount, several, a range, a rate per something, a count). An amount in 元
    (the value grammar folds `189.32万元` into 元) is converted; a bare number is taken as written, or, when
    the form states the unit of its bare numbers (`bare`: 元, 万元, 万), converted from it into 元.

    This is the one reading of money: a header field (`parse_amount`), a budget (`budget_yuan`) and a
    task's amount (`cell_number`) are all read here."""
    if len(found) != 1 or found[0].op != "=" or found[0].unit.per:
        return None
    amount = found[0]
    if amount.unit.base == "元":
        return amount.value / WAN if unit == "万元" else amount.value if unit == "元" else None
    if amount.unit.base:
        return None
    return amount.value if bare is None else amount.value * UNIT_FACTOR[bare]
