"""Check kind `echo`: an indicator value that is only its 三级 or 二级 name again (GL207)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks.base import Finding, FormContext, name_key
from goallint.model import Model, cell_text


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["echo"] = "echo"


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    for item in ctx.selected():
        names = {name_key(item.name), name_key(cell_text(item.indicator.level2))} - {""}
        for column, cell in item.value_cells(ctx.where.columns):
            if name_key(cell.text) in names:
                which = "实施周期" if column == "period" else "年度"
                yield Finding(f"{which}指标值“{cell.text}”只是指标名称的重复，没有给出目标", cell, item.field)
