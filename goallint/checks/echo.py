"""Check kind `echo`: an indicator value that is only its 三级 or 二级 name again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict, model_validator

from goallint.checks.support.base import COLUMN_NAMES, Finding, FormContext, check_messages, name_key
from goallint.model import Model, cell_text

PLACEHOLDERS = {"message": ("name", "column", "value")}
"""`{name}` the 三级 name, `{column}` 实施周期 / 年度, `{value}` the cell's text."""
FACTS = PLACEHOLDERS["message"]
"""What each finding gives a rule's `group.item`: its message's placeholders."""


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["echo"] = "echo"
    message: str

    @model_validator(mode="after")
    def _templates(self) -> Params:
        check_messages(self, PLACEHOLDERS)
        return self


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    for item in ctx.selected():
        names = {name_key(item.name), name_key(cell_text(item.indicator.level2))} - {""}
        for column, cell in item.value_cells(ctx.where.columns):
            if name_key(cell.text) in names:
                facts = {"name": item.name, "column": COLUMN_NAMES[column], "value": cell.text}
                yield Finding(params.message.format_map(facts), cell, item.field, facts=facts)
