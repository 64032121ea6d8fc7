"""Check kind `echo`: an indicator value that is only its 三级 or 二级 name again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from goallint.checks.support.base import COLUMN_NAMES, Finding, FormContext, check_messages, name_key
from goallint.model import cell_text
from goallint.plumbing.validation import STRICT

PLACEHOLDERS = {"message": ("name", "column", "value")}
"""`{name}` the 三级 name, `{column}` 实施周期 / 年度, `{value}` the cell's text."""
FACTS = PLACEHOLDERS["message"]
"""What each finding gives a rule's `group.item`: its message's placeholders."""


@dataclass(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["echo"] = "echo"
    message: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    for item in ctx.selected():
        names = {name_key(item.name), name_key(cell_text(item.indicator.level2))} - {""}
        for column, cell in item.value_cells(ctx.where.columns):
            if name_key(cell.text) in names:
                facts = {"name": item.name, "column": COLUMN_NAMES[column], "value": cell.text}
                yield Finding(params.message.format_map(facts), cell, item.field, facts=facts)
