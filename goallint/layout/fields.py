"""Header field values as publishers write them: codes before names, amounts and where their unit is stated."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from goallint.layout.cells import sub_cell
from goallint.layout.vocab import FormKind, is_blank
from goallint.model import Cell
from goallint.plumbing.lazy_regex import on_use

GOALS = ("period_goal", "annual_goal")
_CODE = re.compile(r"^\s*(?:[\[【［]\s*[0-9A-Za-z]{2,}\s*[\]】］]|\d{2,}\s*[-－—_]+)\s*")
"""A department code before its name: `[077]淮北市…`, `[015001]武汉市…`, `813-潼南区五桂镇`."""
_SPLIT_DECIMAL = re.compile(r"(\d[\d,]*\.\d+) (\d{1,4})")
"""`968.191 8`: a number whose decimals an extraction broke with a space."""
_OWN_UNIT = re.compile(r"\d\s*(?:万|元|亿)")
_NUMBER = on_use(r"^\s*(\d[\d,]*(?:\.\d+)?)\s*$")
_WAN_MENTION = on_use(r"(\d[\d,]{0,20}(?:\.\d{1,8})?)\s*万")
_PROJECT_MONEY = ("budget", "period_budget")
_DEPARTMENT_MONEY = ("budget", "basic", "project", "special", "other_development", "appropriation", "other_income",
                     "city_level", "transfer")


def money_fields(kind: FormKind) -> tuple[str, ...]:
    return _PROJECT_MONEY if kind == "project" else _DEPARTMENT_MONEY


def strip_code(cell: Cell) -> Cell:
    """The name without the department code printed before it (the code is no part of the name)."""
    found = _CODE.match(cell.raw)
    if found is None or not cell.raw[found.end():].strip():
        return cell
    return sub_cell(cell, found.end(), len(cell.raw.rstrip()))


def fix_number_spaces(cell: Cell) -> Cell:
    """`968.191 8` read as 968.1918 (the cell keeps its place; its text then differs from the source's, so no
    fix is ever offered on it)."""
    found = _SPLIT_DECIMAL.fullmatch(cell.raw.strip())
    if found is None:
        return cell
    return Cell(found.group(1) + found.group(2), cell.span)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def wan_amounts(rows: list[list[Cell]]) -> set[Decimal]:
    """Every amount written with 万 in the file (`预算安排5万元`, a cost indicator's `5万元`)."""
    found: set[Decimal] = set()
    for row in rows:
        for cell in row:
            if "万" in cell.raw:
                found.update(amount for mention in _WAN_MENTION.finditer(cell.raw)
                             if (amount := _decimal(mention.group(1))) is not None)
    return found


def unit_in_rows(cell: Cell, mentions: Callable[[], set[Decimal]]) -> str | None:
    """`万元` when the same amount is written with 万 elsewhere in the file (105: 项目资金 `5.00` with no unit,
    while its text says `预算安排5万元` and its cost indicator `5万元`)."""
    found = _NUMBER.match(cell.raw)
    amount = _decimal(found.group(1)) if found is not None else None
    if amount is None or amount == 0:
        return None
    return "万元" if amount in mentions() else None


def amount_unit(cell: Cell, stated: str | None, block: str | None, note: str | None,
                mentions: Callable[[], set[Decimal]], name: str) -> str:
    """The unit of a bare amount: an amount with its own unit (`164万元`, `50万`) is read by the value grammar
    (`元`); else the label or the heading on its row, the heading of the block above it, the table's unit note
    (`单位:万元`), the same amount written with 万 elsewhere in the file; else 元."""
    if is_blank(cell) or _OWN_UNIT.search(cell.raw):
        return "元" if not is_blank(cell) else (stated or block or note or "元")
    return stated or block or note or unit_in_rows(cell, mentions) or ("万元" if name == "department_budget" else "元")
