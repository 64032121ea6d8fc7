"""Check kind `blank`: a named 三级 indicator with an empty value cell in a column the form uses (GL204)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks.base import Finding, FormContext
from goallint.model import Model

COLUMN_LABELS = {"period": "实施周期指标值", "annual": "年度指标值"}


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["blank"] = "blank"


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    columns = [column for column in ctx.where.columns
               if any(getattr(item.indicator, f"{column}_value") is not None for item in ctx.resolved)]
    for item in ctx.selected():
        if not item.name:
            continue
        for column in columns:
            cell = getattr(item.indicator, f"{column}_value")
            if cell is None or cell.is_empty:
                yield Finding(f"指标“{item.name}”的{COLUMN_LABELS[column]}为空", cell or item.indicator.name,
                              item.field)
