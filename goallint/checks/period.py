"""Check kind `period`: the 实施周期 years (GL105, GL106) and the annual vs period budget (GL108)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict, Field

from goallint.checks.base import Finding, FormContext
from goallint.checks.fields import format_money, is_blank, parse_amount, parse_year
from goallint.model import Cell, Model, ProjectForm


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["period"] = "period"
    test: Literal["invalid", "open_ended", "budget"]
    min_year: int = 1990
    max_year: int = 2100
    open_years: list[int] = Field(default_factory=lambda: [2099, 9999])


def years(form: ProjectForm) -> tuple[int | None, int | None]:
    """The start and end years of a project's 实施周期 (None where absent or unreadable)."""
    start = parse_year(form.period_start.text) if form.period_start is not None else None
    end = parse_year(form.period_end.text) if form.period_end is not None else None
    return start, end


def _invalid(params: Params, form: ProjectForm) -> Iterator[Finding]:
    cells: list[tuple[str, Cell | None]] = [("起始", form.period_start), ("到期", form.period_end)]
    ok = True
    for which, cell in cells:
        if is_blank(cell) or cell is None:
            continue
        year = parse_year(cell.text)
        limit = max(params.max_year, *params.open_years) if which == "到期" else params.max_year
        if year is None or not params.min_year <= year <= limit:
            ok = False
            yield Finding(f"实施周期{which}年度“{cell.text}”不是有效年份", cell, f"实施周期{which}年度")
    start, end = years(form)
    if not ok or start is None or end is None:
        return
    if start > end:
        yield Finding(f"实施周期起始年度 {start} 晚于到期年度 {end}", form.period_start, "实施周期")
    elif form.budget_year is not None and not start <= form.budget_year <= end:
        yield Finding(f"预算年度 {form.budget_year} 不在实施周期 {start}–{end} 内", form.period_start, "实施周期")


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    form = ctx.form
    if not isinstance(form, ProjectForm):
        return
    if params.test == "invalid":
        yield from _invalid(params, form)
    elif params.test == "open_ended":
        end = years(form)[1]
        if end is not None and end in params.open_years:
            yield Finding(f"实施周期到期年度 {end} 是占位年份，周期没有明确终点", form.period_end, "实施周期到期年度")
    elif form.budget is not None and form.period_budget is not None:
        annual = parse_amount(form.budget.text, form.budget_unit)
        period = parse_amount(form.period_budget.text, form.period_budget_unit)
        if annual is not None and period is not None and annual > period:
            yield Finding(f"年度预算 {format_money(annual)}元 超过中期预算 {format_money(period)}元", form.budget, "预算金额")
