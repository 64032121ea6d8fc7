"""Check kind `blank`: a named 三级 indicator with an empty value cell in a column the form uses."""

from __future__ import annotations

from typing import Literal

from goallint.checks.support.base import COLUMN_NAMES, Finding, FormContext, check_messages
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

PLACEHOLDERS = {"message": ("name", "column")}
"""`{name}` the 三级 name, `{column}` 实施周期 / 年度 (the empty cell's column)."""
FACTS = PLACEHOLDERS["message"]
"""What each finding gives a rule's `group.item`: its message's placeholders."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["blank"] = "blank"
    message: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def run(params: Params, ctx: FormContext) -> list[Finding]:
    period_used = annual_used = False  # a column the form uses: some row has a cell there
    for item in ctx.resolved:
        indicator = item.indicator
        period_used = period_used or indicator.period_value is not None
        annual_used = annual_used or indicator.annual_value is not None
        if period_used and annual_used:
            break
    columns = [column for column in ctx.where.columns if (period_used if column == "period" else annual_used)]
    if not columns:
        return []
    wanted = len(columns)
    template = params.message
    out = []
    for item in ctx.selected():
        if (wanted == 2 and len(item.filled_values) == 2) or not item.name:
            continue  # both columns filled, or no name
        indicator = item.indicator
        for column in columns:
            cell = indicator.period_value if column == "period" else indicator.annual_value
            if cell is None or not cell.raw.strip():
                facts = {"name": item.name, "column": COLUMN_NAMES[column]}
                out.append(Finding(template.format_map(facts), cell or indicator.name, item.field, facts=facts))
    return out
