"""Check kind `period`: the 实施周期 years (`invalid`, `open_ended`) and the annual vs period budget (`budget`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field as dc_field
from typing import Literal

from goallint.arith.money import format_number
from goallint.checks.support.base import Finding, FormContext, Placeholders, check_messages
from goallint.checks.support.fields import FIELD_LABELS, is_blank, parse_amount, parse_year, period_years
from goallint.model import Cell, ProjectForm
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

PLACEHOLDERS: dict[str, Placeholders] = {
    "invalid": {"message": ("field", "value"), "message_order": ("start", "end"),
                "message_outside": ("start", "end", "budget_year")},
    "open_ended": {"message": ("end",)},
    "budget": {"message": ("annual", "period")},
}
"""Per test, the messages and their placeholders. `invalid`: `message` (the `{value}` of `{field}`, 实施周期起始年度
or 实施周期到期年度, is no year), `message_order` (`{start}` after `{end}`), `message_outside` (`{budget_year}`
outside `{start}`–`{end}`). `open_ended`: `{end}` is a placeholder year. `budget`: `{annual}` above `{period}`
(money in 元 as `1,893,200`)."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["period"] = "period"
    test: Literal["invalid", "open_ended", "budget"]
    min_year: int = 1990
    max_year: int = 2100
    open_years: list[int] = dc_field(default_factory=lambda: [2099, 9999])
    message: str
    message_order: str | None = None
    message_outside: str | None = None

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS[self.test])


def years(form: ProjectForm) -> tuple[int | None, int | None]:
    """The start and end years of a project's 实施周期 (None where absent or unreadable)."""
    return period_years(form)


def _invalid(params: Params, form: ProjectForm) -> Iterator[Finding]:
    cells: list[tuple[str, Cell | None]] = [("period_start", form.period_start), ("period_end", form.period_end)]
    ok = True
    for which, cell in cells:
        if is_blank(cell) or cell is None:
            continue
        year = parse_year(cell.text)
        limit = max(params.max_year, *params.open_years) if which == "period_end" else params.max_year
        if year is None or not params.min_year <= year <= limit:
            ok = False
            label = FIELD_LABELS[which]
            yield Finding(params.message.format(field=label, value=cell.text), cell, label)
    start, end = years(form)
    if not ok or start is None or end is None:
        return
    if start > end:
        yield Finding(str(params.message_order).format(start=start, end=end), form.period_start, "实施周期")
    elif form.budget_year is not None and not start <= form.budget_year <= end:
        yield Finding(str(params.message_outside).format(start=start, end=end, budget_year=form.budget_year),
                      form.period_start, "实施周期")


def run(params: Params, ctx: FormContext) -> list[Finding]:
    form = ctx.form
    if not isinstance(form, ProjectForm):
        return []
    if params.test == "invalid":
        return list(_invalid(params, form))
    if params.test == "open_ended":
        end = years(form)[1]
        if end is not None and end in params.open_years:
            return [Finding(params.message.format(end=end), form.period_end, FIELD_LABELS["period_end"])]
    elif form.budget is not None and form.period_budget is not None:
        annual = parse_amount(form.budget.text, form.budget_unit)
        period = parse_amount(form.period_budget.text, form.period_budget_unit)
        if annual is not None and period is not None and annual > period:
            message = params.message.format(annual=format_number(annual), period=format_number(period))
            return [Finding(message, form.budget, FIELD_LABELS["budget"])]
    return []
