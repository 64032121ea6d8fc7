"""Check kind `unique`: the same 三级 name twice under one 一级 (GL205); a row printed again right after
itself by a page break is not a second indicator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks.base import Finding, FormContext, ResolvedIndicator, name_key
from goallint.model import Model, cell_text


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["unique"] = "unique"


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    seen: dict[tuple[str | None, str], int] = {}
    for item in ctx.selected():
        key = name_key(item.name)
        if not key or item.indicator.name is None:
            continue
        group = (item.level1, key)
        if group in seen:
            if _page_break_copy(ctx.resolved[seen[group]], item):
                continue
            first = ctx.resolved[seen[group]].indicator.name
            where = f"（第一次在第 {first.span.line} 行）" if first and first.span else ""
            yield Finding(f"三级指标“{item.name}”重复出现{where}", item.indicator.name, item.field)
        else:
            seen[group] = item.index


def _page_break_copy(first: ResolvedIndicator, again: ResolvedIndicator) -> bool:
    """The row right after its first, printing its level labels again and the same values: the table's last
    row printed again after a page break (with the repeated header), not a second indicator of the same name."""
    printed = again.indicator.level1 is not first.indicator.level1 or again.indicator.level2 is not first.indicator.level2
    return (again.index == first.index + 1 and printed
            and cell_text(first.indicator.level2) == cell_text(again.indicator.level2)
            and cell_text(first.indicator.period_value) == cell_text(again.indicator.period_value)
            and cell_text(first.indicator.annual_value) == cell_text(again.indicator.annual_value))
