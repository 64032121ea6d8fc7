"""Check kind `blank`: a named 三级 indicator with an empty value cell in a column the form uses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from goallint.checks.support.base import COLUMN_NAMES, Finding, FormContext, check_messages
from goallint.plumbing.validation import STRICT

PLACEHOLDERS = {"message": ("name", "column")}
"""`{name}` the 三级 name, `{column}` 实施周期 / 年度 (the empty cell's column)."""
FACTS = PLACEHOLDERS["message"]
"""What each finding gives a rule's `group.item`: its message's placeholders."""


@dataclass(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["blank"] = "blank"
    message: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    columns = [column for column in ctx.where.columns
               if any(getattr(item.indicator, f"{column}_value") is not None for item in ctx.resolved)]
    template = params.message
    for item in ctx.selected():
        if not item.name:
            continue
        for column in columns:
            cell = getattr(item.indicator, f"{column}_value")
            if cell is None or cell.is_empty:
                facts = {"name": item.name, "column": COLUMN_NAMES[column]}
                yield Finding(template.format_map(facts), cell or item.indicator.name, item.field, facts=facts)
