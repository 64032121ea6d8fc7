"""Check kind `task_costs`: a 部门整体 form's cost standards against the 年度重点工作任务 they fund.

A department form lists its cost standards item by item (`①村（社区）办公经费补助：每村（社区）10万元/年
②…`), the quantities item by item (`①村（社区）书记主任退岗补贴人数：约62人`) and the money of each task
(`任务3 … 按时发放村(社区)书记主任退岗补贴 … 690,000`). An item is matched to the quantity item and to the
one task that name the same thing (the item's words, without `村（社区）`, found in them), and its standard ×
quantity (× 12 for a monthly one) is worked out with the budget arithmetic of `reconcile` (intervals, `约` ± 5%).
Several rates in the item's first clause (`书记1600元/月、主任1400元/月`) count as at least the lowest; add-ons
after it (`工龄补助…50元/月`) only add; a rate with no entity paired with a head count of the item is per head.
The fact reported: the least the standard needs is above the task's money.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from goallint.arith.interval import tolerance_for
from goallint.arith.money import format_money
from goallint.arith.readings import (
    Amount,
    Count,
    Standard,
    countable_in,
    named_counts,
    read_amounts,
    readings,
    resolve,
)
from goallint.checks.support.base import Finding, FormContext, ResolvedIndicator, Selector, check_messages
from goallint.checks.support.fields import parse_amount
from goallint.model import Cell, DepartmentForm, Task, cell_text
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT
from goallint.values.units import PERSON_UNITS, TIME_FACTORS, Unit, is_money

QUANTITY_LEVEL = Selector(level2=["quantity_level"])
_ITEM = on_use(r"[①②③④⑤⑥⑦⑧⑨⑩]")
_LABEL = on_use(r"^\s*([^：:]{2,40})[：:](.*)$", re.S)
_CLAUSE = on_use(r"[，,；;。]")
_GENERIC = on_use(r"村[（(]社区[）)]|[（(][^）)]*[）)]|[\s、，,：:；;。“”\"'（）()]|人数|标准|数量")
MIN_CORE = 4
"""An item's name must keep at least this many characters once generic words are dropped, to be matched."""


PLACEHOLDERS = {"message": ("arithmetic", "task", "amount", "difference", "item")}


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["task_costs"] = "task_costs"
    message: str
    """Chinese, with `{arithmetic}` (the standard × quantity), `{task}`, `{amount}` (the task's money),
    `{difference}`, `{item}` (the cost item's name)."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


@record(frozen=True, slots=True)
class Item:
    """One numbered item of a value cell: its name (the text before `：`) and what follows."""

    name: str
    text: str


@lru_cache(maxsize=CACHE_ENTRIES)
def items_of(text: str, fallback: str) -> tuple[Item, ...]:
    """The `①…②…` items of a cell (the whole cell, named `fallback`, when it is not numbered); remembered by
    the text and the fallback (a department's standards recur form after form)."""
    pieces = [piece.strip() for piece in _ITEM.split(text) if piece.strip()]
    if len(pieces) <= 1 and not _ITEM.search(text):
        return (Item(fallback, text),)
    out = []
    for piece in pieces:
        found = _LABEL.match(piece)
        out.append(Item(found.group(1).strip(), found.group(2).strip()) if found else Item("", piece))
    return tuple(out)


@lru_cache(maxsize=CACHE_ENTRIES)
def core(name: str) -> str:
    """What an item's name says without the words every item shares (`村（社区）`, `人数`, brackets)."""
    return _GENERIC.sub("", name.replace("(", "（").replace(")", "）"))


@lru_cache(maxsize=CACHE_ENTRIES)
def _standard(item: Item) -> Amount | None:
    """The item's cost standard: the one money rate of its first clause, or at least the lowest of several."""
    first = _CLAUSE.split(item.text, maxsplit=1)[0]
    rates = [a for a in read_amounts(first, first) if is_money(a.unit) and a.op in ("=", ">=", ">")]
    if not rates:
        return None
    if len(rates) == 1:
        return rates[0]
    lowest = min(rates, key=lambda a: a.value)
    return replace(lowest, op=">=", text=f"≥{lowest.text}")


def _per_head(amount: Amount, counts: list[Count]) -> Amount:
    """A rate with no entity (`1400元/月`) paired with a head count of the same item (`退岗补贴人数 约62人`) is paid
    to each of them: `1400元/月/人`."""
    entity = [part for part in amount.unit.per if part not in TIME_FACTORS]
    if entity or not counts or not all(count.amount.unit.base in PERSON_UNITS for count in counts):
        return amount
    return replace(amount, unit=Unit(amount.unit.base, (*amount.unit.per, "人")), text=f"{amount.text}/人")


def _counts(ctx: FormContext, name: str) -> list[Count]:
    """The quantities of the quantity items (or indicators) that name the same thing as the cost item."""
    wanted = core(name)
    return [count for item, named in _quantity_items(ctx) if wanted in named for count in _item_counts(item)]


@lru_cache(maxsize=CACHE_ENTRIES)
def _item_counts(item: Item) -> tuple[Count, ...]:
    """`count_of` of a quantity item's text under its name, remembered by the item (its text's countable
    amounts remembered by the text)."""
    return tuple(named_counts(countable_in(item.text), item.name))


def _quantity_items(ctx: FormContext) -> list[tuple[Item, str]]:
    """Every item of the form's quantity indicators with its `core` name, worked out once per form."""
    known: list[tuple[Item, str]] | None = ctx.memo.get("task_costs-quantities")
    if known is None:
        known = ctx.memo["task_costs-quantities"] = [
            (item, core(item.name)) for indicator in ctx.indicators(QUANTITY_LEVEL)
            for cell in _one_column(indicator) for item in items_of(cell.text, indicator.name)]
    return known


def _one_column(indicator: ResolvedIndicator) -> tuple[Cell, ...]:
    """The annual value cell, else the period one (a department form states its targets for the year)."""
    filled = indicator.filled_values  # the non-empty ones, period then annual
    return (filled[-1][1],) if filled else ()


def _task(ctx: FormContext, name: str) -> tuple[Task, Decimal] | None:
    """The one task whose name or content names the item, with its money in 元 (None: none or several)."""
    wanted = core(name)
    found = [(task, amount) for task, text, amount in _funded_tasks(ctx) if wanted in text]
    return found[0] if len(found) == 1 else None


def _funded_tasks(ctx: FormContext) -> list[tuple[Task, str, Decimal]]:
    """The form's tasks that state their money: each with the `core` of its name and content, and its money in
    元; worked out once per form (every cost item is matched against them)."""
    known: list[tuple[Task, str, Decimal]] | None = ctx.memo.get("task_costs-tasks")
    if known is None:
        assert isinstance(ctx.form, DepartmentForm)
        known = []
        for task in [*ctx.form.tasks, *ctx.form.other_tasks]:
            amount = parse_amount(cell_text(task.amount), "元") if task.amount is not None else None
            if amount is not None:
                known.append((task, core(cell_text(task.name) + cell_text(task.content)), amount))
        ctx.memo["task_costs-tasks"] = known
    return known


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    form = ctx.form
    if not isinstance(form, DepartmentForm) or not form.tasks:
        return
    for indicator in ctx.selected():
        for cell in _one_column(indicator):
            for item in items_of(cell.text, indicator.name):
                if len(core(item.name)) < MIN_CORE:
                    continue
                amount = _standard(item)
                matched = _task(ctx, item.name) if amount is not None else None
                if amount is None or matched is None:
                    continue
                task, money = matched
                counts = _counts(ctx, item.name)
                resolution = resolve(Standard(_per_head(amount, counts), item.name), counts)
                found = readings([resolution])
                if not found:
                    continue
                least = min(reading.total.lo for reading in found)
                if least <= money + tolerance_for(money):
                    continue
                reading = min(found, key=lambda r: r.total.lo)
                yield Finding(params.message.format(
                    arithmetic=reading.text, task=cell_text(task.name) or cell_text(task.content),
                    amount=format_money(money), difference=format_money(least - money), item=item.name),
                    cell, indicator.field)
