"""What budget arithmetic reads of one value cell's money: its amounts, whether one is money, whether one is a
rate per something; remembered per raw text and shared by the kinds that read cost standards (`reconcile`,
`goal_counts`), so that a new standard's text is read once."""

from __future__ import annotations

from functools import lru_cache

from goallint.arith.readings import Amount, amounts, read_amounts
from goallint.model import Cell
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.values import normalize, parse_value
from goallint.values.units import is_money


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
    return _money(tuple(read_amounts(raw, normalize(raw).text)))


def money_read(raw: str) -> CellMoney:
    """`cell_money` by the value grammar (what its shortcut is tested against)."""
    return _money(tuple(amounts(parse_value(raw), normalize(raw).text)))


def _money(found: tuple[Amount, ...]) -> CellMoney:
    money = [amount for amount in found if is_money(amount.unit)]
    return CellMoney(found, bool(money), any(amount.unit.per for amount in money))


NO_MONEY = CellMoney((), False, False)


@lru_cache(maxsize=CACHE_ENTRIES)
def money_of(raw: str) -> CellMoney:
    """The `CellMoney` of a cell's raw text as far as its money goes: the value grammar reads money only from a
    `元` in the cell's normalised text (`万元` is folded into 元), so a cell without one holds none and is not
    parsed here (its other amounts, `NO_MONEY` leaves out). Memo by the raw text (asked of every value
    cell by three rules of every form). No normalisation step writes a `元` (they remove, unwrap and swap
    symbols), so a raw text without one is answered before its normalised text is asked for."""
    return cell_money(raw) if "元" in raw and "元" in Cell(raw).text else NO_MONEY
