"""Check kind `levels`: profile coverage: required 一级 present (GL201), required 二级 filled (GL203)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks.base import Finding, FormContext, ResolvedIndicator
from goallint.model import Cell, Model


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["levels"] = "levels"
    test: Literal["level1", "level2"]


def _filled(item: ResolvedIndicator, ctx: FormContext) -> bool:
    return any(True for _ in item.value_cells(ctx.where.columns))


def _first_cell(items: list[ResolvedIndicator], attribute: str) -> Cell | None:
    for item in items:
        cell = getattr(item.indicator, attribute)
        if cell is not None:
            return cell  # type: ignore[no-any-return]
    return None


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    profile, resolved = ctx.profile, ctx.resolved
    if params.test == "level1":
        if not resolved:
            yield Finding("表中没有任何绩效指标", None, "绩效指标")
            return
        for key, level in profile.level1.items():
            if level.required and not any(item.level1 == key for item in resolved):
                yield Finding(f"缺少一级指标“{level.label}指标”", None, f"{level.label}指标")
        return
    for key1, level1 in profile.level1.items():
        under = [item for item in resolved if item.level1 == key1]
        if not under:
            continue  # a missing 一级 is GL201's
        if not any(_filled(item, ctx) for item in under):
            cell = _first_cell(under, "level1")
            yield Finding(f"一级指标“{level1.label}指标”下没有任何有值的三级指标", cell, f"{level1.label}指标")
            continue
        for key2, level2 in profile.level2.get(key1, {}).items():
            if not level2.required:
                continue
            rows = [item for item in under if item.level2 == key2]
            if any(_filled(item, ctx) for item in rows):
                continue
            where = "有行但没有填写指标值" if rows else "缺失"
            cell = _first_cell(rows, "level2") or _first_cell(under, "level1")
            field = f"{level1.label}指标/{level2.label}指标"
            yield Finding(f"二级指标“{level2.label}指标”{where}", cell, field)
