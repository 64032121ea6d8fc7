"""Check kind `reconcile`: does the money add up? Cost standards × quantities vs the budget.

Every reading of the form's quantities is tried (see `goallint.arith.readings`); a finding is made only when
the budget lies outside the product in every reading. `report` picks which outcome a rule reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from goallint.arith.cells import money_of
from goallint.arith.money import format_money
from goallint.arith.readings import (
    Amount,
    Count,
    Resolution,
    Standard,
    Verdict,
    count_of,
    countable_in,
    judge,
    named_counts,
    read_money,
    readings,
    resolve,
)
from goallint.checks.goal_counts import goal_counts
from goallint.checks.support.base import (
    Column,
    Finding,
    FormContext,
    Placeholders,
    ResolvedIndicator,
    Selector,
    check_messages,
)
from goallint.model import Cell, ProjectForm
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.memo import Memo
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT
from goallint.values import normalize, parse_value
from goallint.values.types import Qualitative, Quantity, Text
from goallint.values.units import Unit, is_money

_VERDICT = ("arithmetic", "budget", "difference", "standard", "name", "limit")
PLACEHOLDERS: dict[str, Placeholders] = {
    "mismatch": {"message": _VERDICT}, "cap": {"message": _VERDICT}, "floor": {"message": _VERDICT},
    "flat": {"message": _VERDICT, "message_over": _VERDICT},
    "unquantified": {"message": ("standard", "name")},
    "no_cost": {"message": ("name",)},
    "unresolved": {"message": ("standard", "denominators", "name"), "message_goal": ("standard", "denominators", "name")},
}
"""Per report, the messages and their placeholders (`message_over` and `message_goal` are optional)."""
Report = Literal["mismatch", "cap", "floor", "flat", "unquantified", "no_cost", "unresolved"]
COST_LEVEL = Selector(level2=["cost_level"])


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["reconcile"] = "reconcile"
    report: Report
    """mismatch (exact product ≠ budget), cap (budget above the capped total), floor (below the floored
    total), flat (a standard without a per-entity denominator ≠ budget), unquantified (cost level without
    money), no_cost (no money standard in the form), unresolved (a denominator no quantity fills)."""
    message: str
    """Chinese, with `{arithmetic}`, `{budget}`, `{difference}`, `{standard}`, `{name}`, `{limit}` (the total
    the standards allow, `180,000元`); `unresolved`: `{standard}`, `{denominators}`, `{name}`; `unquantified`:
    `{standard}`, `{name}`; `no_cost`: `{name}` (the project)."""
    message_over: str | None = None
    """`flat`: the message when the standards' total is above the budget (else `message` says both)."""
    message_goal: str | None = None
    """`unresolved`: the message when the goal text's count filled the denominator for the arithmetic."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS[self.report], optional=("message_over", "message_goal"))


@record
class Located:
    """A standard's cell and indicator, kept as the `ref` of `Standard`."""

    cell: Cell
    item: ResolvedIndicator


@record
class Analysis:
    """What the reconcile rules need of one form, computed once per form for all of them."""

    budget: Decimal | None
    resolutions: dict[Column, list[Resolution]] = field(default_factory=dict)
    from_indicators: dict[Column, list[Resolution]] = field(default_factory=dict)
    """The resolutions with the quantity indicators alone (`unresolved`: a denominator no indicator fills, even
    when the goal text's count fills it for the arithmetic)."""
    verdict: Verdict | None = None
    judged: bool = False
    report: Report | None = None
    """The report the verdict belongs to (`outcome`), None without a verdict."""


@lru_cache(maxsize=CACHE_ENTRIES)
def _counts_of(raw: str, name: str) -> tuple[Count, ...]:
    """`count_of` of a cell's value for an indicator, remembered by the raw text and the indicator's name."""
    return tuple(named_counts(countable_in(raw), name))


def budget_yuan(form: ProjectForm) -> Decimal | None:
    """The annual budget in 元 (a bare number in `budget_unit`; `189.32万元` is folded by the value grammar)."""
    if form.budget is None or form.budget.is_empty:
        return None
    return read_money(form.budget.raw, "元", form.budget_unit)  # as the `required` money test reads it


def _period_judged(ctx: FormContext) -> bool:
    """Whether the period column's arithmetic is judged besides the annual one: dg2019 has the annual one only;
    where every indicator's period value is its annual one (or either is empty), the period column reads the
    same standards and counts, so its readings would only repeat the annual ones (and `judge` keeps the first
    of equal readings). Asked only when the annual column leaves a verdict to make."""
    if ctx.profile.name == "dg2019":
        return False
    for item in ctx.resolved:
        filled = item.filled_values  # the non-empty ones, period then annual
        if len(filled) == 2 and filled[0][1].raw != filled[1][1].raw:
            return True
    return False


def _standards(ctx: FormContext, column: Column) -> list[Standard]:
    out = []
    at = -1 if column == "annual" else 0  # this column's value, else the other column's where it is empty
    for item in ctx.selected():
        filled = item.filled_values  # the non-empty ones, period then annual
        if not filled:
            continue
        cell = filled[at][1]
        parts = _STANDARD_PARTS[cell.raw, item.name]
        if parts:
            located = Located(cell, item)
            out.extend([Standard(amount, item.name, located, own) for amount, own in parts])
    return out


def _standard_parts(key: tuple[str, str]) -> tuple[tuple[Amount, tuple[Count, ...]], ...]:
    """The standards a cost indicator's value cell states (by its raw text and the indicator's name): each money
    amount with its `每X` unit (`_per_event`), and the counts the name states (`_name_counts`)."""
    raw, name = key
    found = money_of(raw)
    if not found.money:
        return ()
    return tuple((_per_event(amount, name), _name_counts(name)) for amount in found.amounts if is_money(amount.unit))


_STANDARD_PARTS = Memo(_standard_parts)
"""`_standard_parts` per (raw text, 三级 name): a template's cost rows recur."""


COLUMNS: tuple[Column, ...] = ("annual", "period")
"""The columns whose arithmetic is judged, in order (the period one only where `_period_judged`)."""

NAMED = "指标名称"
"""How the arithmetic labels a quantity read from a cost indicator's own name: `120平米（指标名称）`."""


@lru_cache(maxsize=CACHE_ENTRIES)
def _name_counts(name: str) -> tuple[Count, ...]:
    """The quantity a cost indicator's name states, for its own standard: `饲料库120平米` with `490元/平米` is
    490 × 120. Only an exact quantity (`约` too): a bound in a name (`50人以上培训班`) says who qualifies, not
    how many; money and percentages are no count."""
    if not any(char.isdigit() for char in name):
        return ()
    value = parse_value(name)
    if not isinstance(value, Quantity):
        return ()
    return tuple(Count(replace(count.amount, text=f"{count.amount.text}（{NAMED}）"), name, count.noun)
                 for count in count_of(value, name, normalize(name).text))


PER_EVENT = on_use(r"每(次|场|期|人|户)")
"""A money amount labelled `每次宣传活动费用≤6000元` (or an indicator named so) is a per-unit standard."""


def _per_event(amount: Amount, name: str) -> Amount:
    """The amount with the unit its `每X` label (or indicator name) gives it: `≤6000元` → `≤6000元/次`."""
    if amount.unit.per or ("每" not in amount.label and "每" not in name):
        return amount
    found = PER_EVENT.search(amount.label) or PER_EVENT.search(name)
    if found is None:
        return amount
    return replace(amount, unit=Unit(amount.unit.base, (found.group(1),)), text=f"{amount.text}/{found.group(1)}")


def _count_sources(ctx: FormContext) -> list[tuple[str, str, str]]:
    """Where the form's quantities are read: each indicator outside the selection that has a value, as its
    name and the raw text of its annual value and of its period one (each column's, or the other's where that
    one is empty, as `_standards` picks a standard's)."""
    cost = {id(item) for item in ctx.selected()}
    out = []
    for item in ctx.resolved:
        filled = item.filled_values  # the non-empty ones, period then annual
        if filled and id(item) not in cost:
            out.append((item.name, filled[-1][1].raw, filled[0][1].raw))
    return out


def _counts(sources: list[tuple[str, str, str]], column: Column) -> list[Count]:
    """The quantities the indicators outside the selection offer in a column."""
    at = 1 if column == "annual" else 2
    out: list[Count] = []
    for source in sources:
        out.extend(_counts_of(source[at], source[0]))
    return out


def analyse(ctx: FormContext) -> Analysis:
    """The analysis of the form for the current selector, worked out once per form for every reconcile rule
    (five rules of every project form ask it), and again only for a rule that picks other indicators."""
    memo: dict[object, Analysis] = ctx.memo.setdefault("reconcile", {})
    analysis = memo.get(ctx.where.picking)  # what `selected` depends on
    if analysis is None:
        analysis = memo[ctx.where.picking] = _analyse(ctx)
    return analysis


def _goal_counts(form: ProjectForm) -> list[Count]:
    """The counts of the goal text (the annual goal's, else the period goal's), for a standard whose denominator
    no quantity indicator fills: `对749名党员每年400元` gives 749人. Shown as `749名（年度目标）`."""
    for cell, label in ((form.annual_goal, "年度目标"), (form.period_goal, "实施周期总目标")):
        found = goal_counts(cell.text) if cell is not None and not cell.is_empty else []
        if found:
            return [Count(Amount("=", count.number, Unit(count.unit), f"{count.text}（{label}）"), label)
                    for count in found]
    return []


def _analyse(ctx: FormContext) -> Analysis:
    """Resolve every standard in each column and judge the budget against all readings of both: a verdict is
    made only when the budget lies outside every one of them (the closest reported, the annual one on a tie).
    The period column is read only when the annual one leaves a verdict to make."""
    assert isinstance(ctx.form, ProjectForm)
    analysis = Analysis(budget_yuan(ctx.form))
    budget = analysis.budget
    sources: list[tuple[str, str, str]] | None = None
    for column in COLUMNS:
        if column == "period" and not _period_judged(ctx):
            break
        standards = _standards(ctx, column)
        counts: list[Count] = []
        if any(standard.amount.unit.per for standard in standards):  # a flat sum is multiplied by no count
            sources = _count_sources(ctx) if sources is None else sources
            counts = _counts(sources, column)
        plain = analysis.from_indicators[column] = [resolve(standard, counts) for standard in standards]
        goal = _goal_counts(ctx.form) if any(r.missing for r in plain) else []
        analysis.resolutions[column] = [resolve(r.standard, [*counts, *goal]) if r.missing and goal else r
                                        for r in plain]
        found = readings(analysis.resolutions[column])
        if found is None and column == "annual":
            return analysis
        if not found:
            continue
        if budget is None:  # nothing to judge: `unresolved` reads the annual resolutions alone
            return analysis
        analysis.judged = True
        verdict = judge(budget, found)
        if verdict is None:  # a reading holds the budget
            analysis.verdict = None
            return analysis
        if analysis.verdict is None or verdict.difference < analysis.verdict.difference:
            analysis.verdict = verdict
    if analysis.verdict is not None:
        analysis.report = outcome(analysis.verdict)
    return analysis


def outcome(verdict: Verdict) -> Report:
    """Which report a verdict belongs to: flat standards, caps (budget above), floors (below), else a mismatch."""
    reading = verdict.reading
    if reading.flat:
        return "flat"
    if verdict.side == "above" and reading.cap:
        return "cap"
    if verdict.side == "below" and reading.floor:
        return "floor"
    return "mismatch"


def _has_money(ctx: FormContext) -> bool:
    """A money standard anywhere: any amount in the cost level, or a per-unit one (`600元/人`) elsewhere; a
    flat sum under 数量 (116: 贷款发放额 4000万元) is what is done, not what it costs."""
    if _cost_money_found(ctx):
        return True
    cost = {id(item) for item in ctx.indicators(COST_LEVEL)}
    for item in ctx.resolved:
        for _column, cell in item.filled_values:
            found = money_of(cell.raw)
            if found.rate or (found.money and id(item) in cost):
                return True
    return False


def _unquantified(ctx: FormContext) -> tuple[ResolvedIndicator, Cell] | None:
    """The first worded cost standard, when the profile's cost level has values but none in money (asked by
    two rules of every form: worked out once per form)."""
    memo = ctx.memo.get("reconcile-unquantified", ctx)
    if memo is ctx:
        memo = ctx.memo["reconcile-unquantified"] = _first_worded(ctx)
    found: tuple[ResolvedIndicator, Cell] | None = memo
    return found


def _cost_money_found(ctx: FormContext) -> bool:
    """Whether the form's analysis (already made for the cost level by the arithmetic rules) found a money
    standard there: the cost level then has money, and neither `no_cost` nor `unquantified` looks further."""
    analysis: Analysis | None = ctx.memo.get("reconcile", {}).get(COST_LEVEL.picking)
    return analysis is not None and bool(analysis.from_indicators.get("annual"))


def _first_worded(ctx: FormContext) -> tuple[ResolvedIndicator, Cell] | None:
    if _cost_money_found(ctx):
        return None
    filled = [(item, cell) for item in ctx.indicators(COST_LEVEL) for _column, cell in item.filled_values]
    if not filled or any(money_of(cell.raw).money for _item, cell in filled):
        return None
    return next(((item, cell) for item, cell in filled if isinstance(cell.value, Text | Qualitative)), None)


def _cost_row(ctx: FormContext) -> Cell | None:
    """Where a form without a money cost standard is reported: its cost level's row (the level's own label
    cell), else the first row of its indicator table; None (the form's title) for a form without indicators."""
    for item in ctx.indicators(COST_LEVEL):
        ind = item.indicator
        for cell in (ind.level2, ind.level1, ind.name):
            if cell is not None and not cell.is_empty and cell.span is not None:
                return cell
    for ind in ctx.form.indicators:
        for cell in (ind.level1, ind.level2, ind.name):
            if cell is not None and not cell.is_empty and cell.span is not None:
                return cell
    return None


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    if params.report == "unquantified":  # these two read only the indicators: department forms too
        found = _unquantified(ctx)
        if found is not None:
            item, cell = found
            yield Finding(params.message.format(standard=cell.text, name=item.name), cell, item.field)
        return
    if params.report == "no_cost":
        if not _has_money(ctx) and _unquantified(ctx) is None:
            yield Finding(params.message.format(name=ctx.form.name.text if ctx.form.name else ""), _cost_row(ctx),
                          "成本指标")
        return
    if not isinstance(ctx.form, ProjectForm):
        return
    analysis = analyse(ctx)
    if params.report == "unresolved":
        filled = analysis.resolutions.get("annual", [])
        for index, resolution in enumerate(analysis.from_indicators.get("annual", [])):
            if resolution.missing and resolution.standard.amount.unit.per:
                where: Located = resolution.standard.ref
                by_goal = index < len(filled) and filled[index].terms
                template = params.message_goal if by_goal and params.message_goal else params.message
                yield Finding(template.format(standard=resolution.standard.amount.text,
                                                    denominators="、".join(resolution.missing),
                                                    name=where.item.name), where.cell, where.item.field)
        return
    verdict = analysis.verdict
    if verdict is None or analysis.budget is None or analysis.report != params.report:
        return
    located: Located = verdict.reading.terms[0].standard.ref
    total = verdict.reading.total
    limit = total.hi if verdict.side == "above" else total.lo
    template = params.message_over if params.message_over and verdict.side == "below" else params.message
    yield Finding(template.format(arithmetic=verdict.reading.text, budget=format_money(analysis.budget),
                                  difference=format_money(verdict.difference), name=located.item.name,
                                  standard=verdict.reading.terms[0].standard.amount.text,
                                  limit=format_money(limit) if limit.is_finite() else "∞"),
                  located.cell, located.item.field)
