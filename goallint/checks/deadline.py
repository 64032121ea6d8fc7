"""Check kind `deadline`: a dated deadline must fall inside the 实施周期 (period column) or the budget year.

Deadlines without a year (`12月底前`, `每年春节前`) and years the form does not state are never reported.
"""

from __future__ import annotations

from typing import Literal

from goallint.checks.support import value_facts as facts
from goallint.checks.support.base import COLUMN_NAMES, Column, Finding, FormContext, check_messages
from goallint.checks.support.fields import period_years
from goallint.plumbing.memo import Memo
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT
from goallint.values import parse_value
from goallint.values.types import Deadline

_CELL = ("name", "column", "value", "year")
PLACEHOLDERS = {"message": (*_CELL, "budget_year"), "message_period": (*_CELL, "start", "end")}
"""`{name}` the 三级 name, `{column}` 实施周期 / 年度, `{value}` the cell, `{year}` the deadline's year;
`message`: a 年度 value outside `{budget_year}`; `message_period`: a 实施周期 value outside `{start}`–`{end}`."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["deadline"] = "deadline"
    message: str
    message_period: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def _period(ctx: FormContext) -> tuple[int, int] | None:
    if ctx.form.kind != "project":
        return None
    start, end = period_years(ctx.form)
    if start is None or end is None or start > end:
        return None  # a broken period is reported by the rule on the period itself
    return start, end


def _outside(params: Params, year: int, column: Column, period: tuple[int, int] | None,
             budget_year: int | None) -> tuple[str, dict[str, int]] | None:
    """The template and facts when `year` is out of place in `column` (None when fine or not judged)."""
    if column == "period":
        if period is not None and not period[0] <= year <= period[1]:
            return params.message_period, {"start": period[0], "end": period[1]}
        return None
    if budget_year is not None and year != budget_year:
        return params.message, {"budget_year": budget_year}
    return None


_BOTH_COLUMNS = ["period", "annual"]
def _dated(raw: str) -> tuple[int, ...]:
    """The years of a value's dated deadlines, in order (most values have none)."""
    return tuple(leaf.year for leaf in facts.leaves(parse_value(raw)) if isinstance(leaf, Deadline) and leaf.year is not None)


_YEARS = Memo(_dated)
"""`_dated` per raw value text."""


def run(params: Params, ctx: FormContext) -> list[Finding]:
    out = []
    columns = ctx.where.columns
    both = columns == _BOTH_COLUMNS
    years = _YEARS
    period: tuple[int, int] | None = None
    known = False  # the period is worked out at the first dated deadline
    for item in ctx.selected():
        for column, cell in item.filled_values if both else item.value_cells(columns):
            dated = years[cell.raw]
            if not dated:
                continue
            if not known:
                period, known = _period(ctx), True
            for year in dated:
                why = _outside(params, year, column, period, ctx.form.budget_year)
                if why is not None:
                    template, facts_of_year = why
                    out.append(Finding(template.format(name=item.name, column=COLUMN_NAMES[column], value=cell.text,
                                                       year=year, **facts_of_year), cell, item.field))
                    break
    return out
