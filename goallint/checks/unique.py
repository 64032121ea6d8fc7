"""Check kind `unique`: the same 三级 name twice under one 一级 (GL205)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks.base import Finding, FormContext, name_key
from goallint.model import Model


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
            first = ctx.resolved[seen[group]].indicator.name
            where = f"（第一次在第 {first.span.line} 行）" if first and first.span else ""
            yield Finding(f"三级指标“{item.name}”重复出现{where}", item.indicator.name, item.field)
        else:
            seen[group] = item.index
