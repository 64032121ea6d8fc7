"""Check kind `breakdown`: an amount written with its parts whose parts do not add up to it.

A budget or a money value is often written as a total followed by its parts, in brackets or after 其中:
`854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)`, `10万元，其中：培训费6万元，宣传费3万元`.
The same fact is computed for a cost build-up table (项目预算成本构成, 资金使用计划: item rows and a 合计 row,
each amount column on its own) and for itemised costs written in the project's overview text (项目概况,
`…80万元;公厕34座,标准6.2万元/座;…共计22430200元`, read by `goallint.arith.itemised`).
The fact computed here is the total, each part and their sum, in 元, and where the total stands (`{place}`);
the rule's message says what to report. Only exact parts are added (a part with a comparator or 约 makes the
cell, column or text not judged).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Literal

from goallint.arith.interval import tolerance_for
from goallint.arith.itemised import itemised_costs
from goallint.arith.money import format_money
from goallint.checks.support.base import Finding, FormContext, check_messages
from goallint.layout.cells import sub_cell
from goallint.model import Cell, CostTable, ProjectForm
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT
from goallint.values import normalize

Where = Literal["budget", "values", "cost_tables", "overview"]

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*(?:(亿|万)元?|元)"
_TOTAL = re.compile(r"^[^\d（(]{0,12}?(\d[\d,]*(?:\.\d+)?)\s*(亿|万)?\s*元?\s*(?:[（(](?P<bracket>.+)[)）]|[，,；;。]?\s*其中[:：]?(?P<among>.+))\s*$")
_PART = on_use(_AMOUNT)
_INEXACT = on_use(r"[≤≥<>约≈]|左右|以上|以下|不超过|不低于|不少于|至少|最多")
_BARE = on_use(r"^[\d,]+(?:\.\d+)?$")
_PLAIN = on_use(r"^\s*(\d+(?:\.\d+)?)\s*(亿|万)?\s*元?\s*$")
_MAGNITUDE = {"万": Decimal(10000), "亿": Decimal(100000000), None: Decimal(1), "": Decimal(1)}


PLACEHOLDERS = {"message": ("place", "total", "parts", "sum", "difference")}


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["breakdown"] = "breakdown"
    where: list[Where] = dc_field(default_factory=lambda: list[Where](["budget", "values", "cost_tables", "overview"]))
    """The project's 预算金额 cell, every indicator value cell, each amount column of its cost build-up tables,
    and its overview text (项目概况 / 项目内容 / 立项依据)."""
    min_parts: int = 2
    message: str
    """Chinese, with `{place}` (where the total stands, `成本构成表“金额”栏合计`; empty for a cell's own
    amount), `{total}`, `{parts}` (each part as written, joined), `{sum}`, `{difference}`."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


@record(frozen=True, slots=True)
class Breakdown:
    """A total and its parts, in 元."""

    total: Decimal
    parts: tuple[Decimal, ...]
    written: tuple[str, ...]

    @property
    def sum(self) -> Decimal:
        return sum(self.parts, Decimal(0))


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def breakdown_of(text: str, unit: str = "") -> Breakdown | None:
    """The total and its parts of one cell's text, or None when it is not an amount written with parts.
    `unit` is the cell's own unit label (`万元`) for a total written as a bare number."""
    if "(" not in text and "（" not in text and "其中" not in text:  # what `_TOTAL` asks for, looked for in C
        return None
    found = _TOTAL.match(text.strip())
    if found is None:
        return None
    inner = found.group("bracket") or found.group("among") or ""
    if _INEXACT.search(inner):
        return None
    total = _number(found.group(1))
    magnitude = found.group(2) or ("万" if unit.startswith("万") else "亿" if unit.startswith("亿") else None)
    parts, written = [], []
    for part in _PART.finditer(inner):
        number = _number(part.group(1))
        if number is None:
            return None
        parts.append(number * _MAGNITUDE[part.group(2)])
        written.append(part.group(0))
    if total is None or not parts:
        return None
    return Breakdown(total * _MAGNITUDE[magnitude], tuple(parts), tuple(written))


def may_break_down(raw: str) -> bool:
    """Whether a raw text can hold a breakdown once normalised: `breakdown_of` needs a bracket or 其中, and no
    normalisation step writes a bracket, `其` or `中` (they remove, unwrap and swap symbols; a removed tag or
    invisible character can join a `其` and a `中`), so a raw text without them is passed over unread."""
    return "(" in raw or "（" in raw or ("其" in raw and "中" in raw)


def _cells(params: Params, ctx: FormContext) -> Iterator[tuple[Cell, str, str]]:
    """(cell, its field, its unit label) for every place the rule looks at that `may_break_down`."""
    form = ctx.form
    if "budget" in params.where and isinstance(form, ProjectForm) and form.budget is not None:
        if may_break_down(form.budget.raw):
            yield form.budget, "预算金额", form.budget_unit or ""
    if "values" in params.where:
        for item in ctx.selected():
            for _column, cell in item.filled_values:  # `value_cells()` of both columns
                if may_break_down(cell.raw):
                    yield cell, item.field, ""


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    for cell, field, unit in _cells(params, ctx):
        found = breakdown_of(normalize(cell.raw).text, unit)
        if found is None or len(found.parts) < params.min_parts:
            continue
        yield from _judged(params, "", found, cell, field)
    form = ctx.form
    if not isinstance(form, ProjectForm):
        return
    if "cost_tables" in params.where:
        for table in form.cost_tables:
            for place, found, total in _table_columns(table):
                if len(found.parts) >= params.min_parts:
                    yield from _judged(params, place, found, total, table.title.text if table.title else "成本构成")
    if "overview" in params.where and form.overview is not None and not form.overview.is_empty:
        cell = form.overview
        for items in itemised_costs(cell.raw):
            if len(items.items) >= params.min_parts:
                found = Breakdown(items.total, items.items, items.written)
                yield from _judged(params, "项目概况中 ", found, sub_cell(cell, items.start, items.end), "项目概况")


def _judged(params: Params, place: str, found: Breakdown, cell: Cell, field: str) -> Iterator[Finding]:
    difference = abs(found.sum - found.total)
    if difference <= tolerance_for(found.total):
        return
    message = params.message.format(place=place, total=format_money(found.total), parts=" + ".join(found.written),
                                    sum=format_money(found.sum), difference=format_money(difference))
    yield Finding(message, cell, field)


def _table_columns(table: CostTable) -> Iterator[tuple[str, Breakdown, Cell]]:
    """Each amount column of a cost table whose 合计 and items are all amounts: (where, breakdown, 合计 cell)."""
    if table.total is None:
        return
    for index, heading in enumerate(table.columns):
        total_cell = table.total.amounts[index] if index < len(table.total.amounts) else None
        total = _table_amount(total_cell, table.unit)
        if total_cell is None or total is None:
            continue
        parts: list[Decimal] = []
        written: list[str] = []
        for row in table.rows:
            cell = row.amounts[index] if index < len(row.amounts) else None
            if cell is None or cell.is_empty:
                continue
            amount = _table_amount(cell, table.unit)
            if amount is None:
                break
            parts.append(amount)
            shown = cell.text.replace(" ", "")
            written.append(f"{row.item.text} {shown}{table.unit if _BARE.match(shown) else ''}")
        else:
            if parts:
                name = heading.text or f"第{index + 1}栏"
                yield f"成本构成表“{name}”栏合计 ", Breakdown(total, tuple(parts), tuple(written)), total_cell


def _table_amount(cell: Cell | None, unit: str) -> Decimal | None:
    """An amount cell of a cost table in 元: a bare number in the table's unit, or an amount with its own."""
    if cell is None or cell.is_empty:
        return None
    text = normalize(cell.raw).text.replace(",", "")
    found = _PLAIN.match(text)
    if found is None:
        return None
    number = _number(found.group(1))
    if number is None:
        return None
    magnitude = found.group(2) or ("万" if unit.startswith("万") else None)
    return number * _MAGNITUDE[magnitude]
