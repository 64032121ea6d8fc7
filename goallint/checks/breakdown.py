"""Check kind `breakdown`: an amount written with its parts whose parts do not add up to it.

A budget or a money value is often written as a total followed by its parts, in brackets or after 其中:
`854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)`, `10万元，其中：培训费6万元，宣传费3万元`.
The fact computed here is the total, each part and their sum, in 元; the rule's message says what to report.
Only exact parts are added (a part with a comparator or 约 makes the cell not judged).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Literal

from goallint.arith.interval import tolerance_for
from goallint.arith.money import format_money
from goallint.checks.support.base import Finding, FormContext, check_messages
from goallint.model import Cell, ProjectForm
from goallint.plumbing.validation import STRICT
from goallint.values import normalize

Where = Literal["budget", "values"]

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*(?:(亿|万)元?|元)"
_TOTAL = re.compile(r"^[^\d（(]{0,12}?(\d[\d,]*(?:\.\d+)?)\s*(亿|万)?\s*元?\s*(?:[（(](?P<bracket>.+)[)）]|[，,；;。]?\s*其中[:：]?(?P<among>.+))\s*$")
_PART = re.compile(_AMOUNT)
_INEXACT = re.compile(r"[≤≥<>约≈]|左右|以上|以下|不超过|不低于|不少于|至少|最多")
_MAGNITUDE = {"万": Decimal(10000), "亿": Decimal(100000000), None: Decimal(1), "": Decimal(1)}


PLACEHOLDERS = {"message": ("total", "parts", "sum", "difference")}


@dataclass(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["breakdown"] = "breakdown"
    where: list[Where] = dc_field(default_factory=lambda: list[Where](["budget", "values"]))
    """The project's 预算金额 cell, and every indicator value cell."""
    min_parts: int = 2
    message: str
    """Chinese, with `{total}`, `{parts}` (each part as written, joined), `{sum}`, `{difference}`."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


@dataclass(frozen=True, slots=True)
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


def _cells(params: Params, ctx: FormContext) -> Iterator[tuple[Cell, str, str]]:
    """(cell, its field, its unit label) for every place the rule looks at."""
    form = ctx.form
    if "budget" in params.where and isinstance(form, ProjectForm) and form.budget is not None:
        yield form.budget, "预算金额", form.budget_unit or ""
    if "values" in params.where:
        for item in ctx.selected():
            for _column, cell in item.value_cells():
                yield cell, item.field, ""


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    for cell, field, unit in _cells(params, ctx):
        found = breakdown_of(normalize(cell.raw).text, unit)
        if found is None or len(found.parts) < params.min_parts:
            continue
        difference = abs(found.sum - found.total)
        if difference <= tolerance_for(found.total):
            continue
        message = params.message.format(total=format_money(found.total), parts=" + ".join(found.written),
                                        sum=format_money(found.sum), difference=format_money(difference))
        yield Finding(message, cell, field)
