"""Closed/open intervals of non-negative Decimals (with ∞) for conservative budget arithmetic."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from goallint.plumbing.records import record

INF = Decimal("Infinity")
ZERO = Decimal(0)
APPROX = Decimal("0.05")
"""`约` widens a value by 5% on each side."""

Side = Literal["below", "inside", "above"]


def _mul(a: Decimal, b: Decimal) -> Decimal:
    """a × b with 0 × ∞ = 0 (a count of nothing costs nothing, whatever the rate)."""
    if a == 0 or b == 0:
        return ZERO
    return a * b


@record(frozen=True)
class Interval:
    """[lo, hi] with either end open; `hi` may be ∞ (always open). Values are ≥ 0 in budget arithmetic."""

    lo: Decimal
    hi: Decimal
    lo_open: bool = False
    hi_open: bool = False

    def __post_init__(self) -> None:
        if self.hi.is_infinite() and not self.hi_open:
            object.__setattr__(self, "hi_open", True)

    # -- construction ---------------------------------------------------------------------------------
    @classmethod
    def made(cls, lo: Decimal, hi: Decimal, lo_open: bool = False, hi_open: bool = False) -> Interval:
        """`Interval(lo, hi, lo_open, hi_open)`, made without the frozen class's guarded `__setattr__` per field
        (every factor, product and total of every reading is one): the same object, the same `__post_init__`."""
        out = object.__new__(cls)
        fields = out.__dict__
        fields["lo"] = lo
        fields["hi"] = hi
        fields["lo_open"] = lo_open
        fields["hi_open"] = hi_open or hi.is_infinite()
        return out

    @classmethod
    def point(cls, value: Decimal) -> Interval:
        return cls.made(value, value)

    @classmethod
    def from_op(cls, op: str, value: Decimal, approx: bool = False) -> Interval:
        """The values a written target allows: `=` a point, `≥`/`>` up to ∞, `≤`/`<` down to 0; `约` ± 5%."""
        low = value * (1 - APPROX) if approx else value
        high = value * (1 + APPROX) if approx else value
        if op == ">=":
            return cls.made(low, INF)
        if op == ">":
            return cls.made(low, INF, not approx)
        if op == "<=":
            return cls.made(ZERO, high)
        if op == "<":
            return cls.made(ZERO, high, False, not approx)
        return cls.made(low, high)

    @classmethod
    def between(cls, low: Decimal, high: Decimal) -> Interval:
        return cls.made(min(low, high), max(low, high))

    # -- shape ----------------------------------------------------------------------------------------
    @property
    def is_point(self) -> bool:
        return self.lo == self.hi and not self.lo_open and not self.hi_open

    @property
    def bounded(self) -> bool:
        return not self.hi.is_infinite()

    # -- arithmetic -----------------------------------------------------------------------------------
    def __mul__(self, other: Interval) -> Interval:
        """The product of two non-negative intervals; an end is open unless both factors reach it (or a
        closed 0 makes the product 0)."""
        lo = _mul(self.lo, other.lo)
        hi = _mul(self.hi, other.hi)
        lo_closed = (not self.lo_open and not other.lo_open) or (self.lo == 0 and not self.lo_open) \
            or (other.lo == 0 and not other.lo_open)
        hi_closed = (not self.hi_open and not other.hi_open) or (self.hi == 0 and not self.hi_open) \
            or (other.hi == 0 and not other.hi_open)
        return Interval.made(lo, hi, not lo_closed, not hi_closed)

    def __add__(self, other: Interval) -> Interval:
        return Interval.made(self.lo + other.lo, self.hi + other.hi, self.lo_open or other.lo_open,
                             self.hi_open or other.hi_open)

    def scale(self, factor: Decimal) -> Interval:
        return self * Interval.point(factor)

    # -- comparison -----------------------------------------------------------------------------------
    def side(self, value: Decimal, tolerance: Decimal = ZERO) -> Side:
        """Where `value` lies. Closed ends are widened by `tolerance`; an open end stays strict."""
        if value < self.lo - tolerance or (self.lo_open and value <= self.lo):
            return "below"
        if value > self.hi + tolerance or (self.hi_open and value >= self.hi):
            return "above"
        return "inside"

    def distance(self, value: Decimal) -> Decimal:
        """How far `value` is from the interval (0 inside or on an end)."""
        if value < self.lo:
            return self.lo - value
        if value > self.hi:
            return value - self.hi
        return ZERO


def tolerance_for(budget: Decimal) -> Decimal:
    """The tolerance for exact products: max(1 元, 0.1% of the budget)."""
    return max(Decimal(1), abs(budget) * Decimal("0.001"))
