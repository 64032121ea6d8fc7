"""The range of amounts goallint computes with: a number beyond any budget is said to be out of range
before any arithmetic (a budget of a million nines overflowed Decimal inside the reconciling rules)."""

from __future__ import annotations

from decimal import Decimal

MAX_INTEGER_DIGITS = 15
"""Numbers of 10^15 or more (a thousand trillion: over thirty times a year of China's whole public budget,
in 元) are beyond any budget, cost standard or count."""
MIN_EXPONENT = -15
"""Fractions below 10^-15 are beyond any amount written in a form (`1e-999999元` is not a price)."""

LIMIT_TEXT = "不少于 10^15"


def out_of_range(number: Decimal) -> bool:
    """Whether `number` is beyond every amount a form can mean (checked from its exponent: no arithmetic)."""
    if not number.is_finite():
        return True
    return bool(number) and not MIN_EXPONENT <= number.adjusted() < MAX_INTEGER_DIGITS


def excerpt(text: str, length: int = 24) -> str:
    """The start of a long cell for a message (a million-digit budget is not echoed whole)."""
    return text if len(text) <= length else text[:length] + "…"
