"""Numbers and money as a reader expects them: `2,369,000元`, `240,939.54元`, `10.3万元`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goallint.arith.readings import Amount

WAN = Decimal(10000)
UNIT_FACTOR = {"元": Decimal(1), "万元": WAN, "万": WAN}
"""What one of a unit a form states for its bare numbers is in 元."""


def format_number(number: Decimal, places: int = 2) -> str:
    """Thousands separators, at most `places` decimals, no trailing zeros: 2369000 → `2,369,000`."""
    if number.is_infinite():
        return "∞"
    if not number.is_finite() or number.adjusted() > 30:  # 1e999999 or 10**100000 in a hostile form: no
        return f"{number:.6g}"  # million-digit text (and quantize would overflow the context)
    quantum = Decimal(1).scaleb(-places)
    with localcontext(prec=64):
        rounded = number.quantize(quantum, rounding=ROUND_HALF_UP) if places >= 0 else number
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_money(number: Decimal) -> str:
    """`2,369,000元`; up to 2 decimals (分)."""
    return f"{format_number(number)}元"


def format_wan(number: Decimal) -> str:
    """An amount in 万元 as the department tables show it: `1,684.82万元`."""
    return f"{format_number(number, 2)}万元"


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
