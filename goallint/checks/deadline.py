"""Check kind `deadline`: a dated deadline must fall inside the 实施周期 (period column) or the budget year (GL312).

Deadlines without a year (`12月底前`, `每年春节前`) and years the form does not state are never reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks import value_facts as facts
from goallint.checks.base import Column, Finding, FormContext
from goallint.checks.fields import parse_year
from goallint.model import Model, cell_text
from goallint.values.types import Deadline


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["deadline"] = "deadline"


def _period(ctx: FormContext) -> tuple[int, int] | None:
    form = ctx.form
    if form.kind != "project":
        return None
    start = parse_year(cell_text(form.period_start))
    end = parse_year(cell_text(form.period_end))
    if start is None or end is None or start > end:
        return None  # GL105 reports a broken period
    return start, end


def _outside(year: int, column: Column, period: tuple[int, int] | None, budget_year: int | None) -> str:
    """Why `year` is out of place in `column` ('' when it is fine or cannot be judged)."""
    if column == "period":
        if period is not None and not period[0] <= year <= period[1]:
            return f"不在实施周期 {period[0]}–{period[1]} 年内"
        return ""
    if budget_year is not None and year != budget_year:
        return f"不在预算年度 {budget_year} 年内"
    return ""


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    period, budget_year = _period(ctx), ctx.form.budget_year
    for item in ctx.selected():
        for column, cell in item.value_cells(ctx.where.columns):
            for leaf in facts.leaves(cell.value):
                if not isinstance(leaf, Deadline) or leaf.year is None:
                    continue
                why = _outside(leaf.year, column, period, budget_year)
                if why:
                    label = "实施周期" if column == "period" else "年度"
                    yield Finding(f"指标“{item.name}”的{label}指标值“{cell.text}”截止于 {leaf.year} 年，{why}",
                                  cell, item.field)
                    break
