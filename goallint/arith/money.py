"""Numbers and money as a reader expects them: `2,369,000元`, `240,939.54元`, `10.3万元`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

WAN = Decimal(10000)
UNIT_FACTOR = {"元": Decimal(1), "万元": WAN, "万": WAN}
"""What one of a unit a form states for its bare numbers is in 元."""


def format_number(number: Decimal, places: int = 2) -> str:
    """Thousands separators, at most `places` decimals, no trailing zeros: 2369000 → `2,369,000`."""
    if number.is_infinite():
        return "∞"
    if not number.is_finite() or number.adjusted() > 30:  # 1e999999 or 10**100000 in a hostile form: no
        return f"{number:.6g}"  # million-digit text (and quantize would overflow the context)
    text = str(number)
    if text.isdigit():  # a whole number written without exponent (`23`, `4998000`): nothing to round or strip
        return text if len(text) <= 3 else f"{number:,}"
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
