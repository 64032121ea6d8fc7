"""What budget arithmetic reads of one value cell's money: its amounts, whether one is money, whether one is a
rate per something; remembered per raw text and shared by the kinds that read cost standards (`reconcile`,
`goal_counts`), so that a new standard's text is read once."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from goallint.arith.readings import Amount, amounts
from goallint.model import Cell
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.values import normalize, parse_value
from goallint.values.bounds import out_of_range
from goallint.values.units import is_money, parse_unit


@record(frozen=True, slots=True)
class CellMoney:
    """What budget arithmetic reads of one value cell: its amounts (shown as the cell writes them), whether
    one is money, and whether one is a money rate per something (`600元/人`)."""

    amounts: tuple[Amount, ...]
    money: bool
    rate: bool


@lru_cache(maxsize=CACHE_ENTRIES)
def cell_money(raw: str) -> CellMoney:
    """The `CellMoney` of a cell's raw text (a plain amount, `3500元/月/人`, read without the value grammar)."""
    text = normalize(raw).text
    plain = PLAIN_RATE.fullmatch(text)
    if plain is not None:
        return plain_rate(plain)
    return money_read(raw)


def money_read(raw: str) -> CellMoney:
    """`cell_money` by the value grammar (what its shortcut is tested against)."""
    found = tuple(amounts(parse_value(raw), normalize(raw).text))
    money = [amount for amount in found if is_money(amount.unit)]
    return CellMoney(found, bool(money), any(amount.unit.per for amount in money))


_PER = "人次|场次|季度|人|年|月|村|次|天|日|份|户|场|期|个|名|家|处|所|支|周|台|辆|件|套|间|亩|批"
PLAIN_RATE = re.compile(rf"([≤≥<>])?([0-9]{{1,15}}(?:\.[0-9]{{1,6}})?)(万)?元((?:/(?:{_PER}))*)")
"""A normalised text that is one amount of money written plainly, `3500元/月/人`, `≤263元/人`, `<13万元/人/年`:
how most cost standards are written, and every new one would cost a parse. The grammar reads it as one amount:
the number (`万` folded in) in 元 per those units, shown as written."""
_OPS = {None: "=", "≤": "<=", "≥": ">=", "<": "<", ">": ">"}


def plain_rate(plain: re.Match[str]) -> CellMoney:
    """The `CellMoney` of a `PLAIN_RATE` text: its one amount as the grammar reads it (none beyond any)."""
    value = Decimal(plain.group(2))
    if plain.group(3) is not None:  # `万` as the grammar folds it: an exact shift of the exponent
        sign, digits, exponent = value.as_tuple()
        value = Decimal((sign, digits, int(exponent) + 4))
    if out_of_range(value):
        return NO_MONEY
    unit = parse_unit("元" + plain.group(4))
    return CellMoney((Amount(_OPS[plain.group(1)], value, unit, plain.group(0)),), True, bool(unit.per))


NO_MONEY = CellMoney((), False, False)


@lru_cache(maxsize=CACHE_ENTRIES)
def money_of(raw: str) -> CellMoney:
    """The `CellMoney` of a cell's raw text as far as its money goes: the value grammar reads money only from a
    `元` in the cell's normalised text (`万元` is folded into 元), so a cell without one holds none and is not
    parsed here (its other amounts, `NO_MONEY` leaves out). Memo by the raw text (asked of every value
    cell by three rules of every form). No normalisation step writes a `元` (they remove, unwrap and swap
    symbols), so a raw text without one is answered before its normalised text is asked for."""
    return cell_money(raw) if "元" in raw and "元" in Cell(raw).text else NO_MONEY
