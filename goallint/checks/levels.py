"""Check kind `levels`: profile coverage: required 一级 present (`level1`), required 二级 filled (`level2`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from goallint.checks.support.base import Finding, FormContext, Placeholders, ResolvedIndicator, check_messages
from goallint.model import Cell
from goallint.plumbing.validation import STRICT

PLACEHOLDERS: dict[str, Placeholders] = {
    "level1": {"message": ("level1",), "message_no_indicators": ()},
    "level2": {"message": ("level1", "level2"), "message_unfilled": ("level1", "level2"),
               "message_level1_unfilled": ("level1",)},
}
"""Per test, the messages and their placeholders: `{level1}` / `{level2}` are the level's label as the profile
prints it (产出, 数量). `level1`: `message` (a required 一级 is missing), `message_no_indicators` (the form has
none). `level2`: `message` (a required 二级 has no row), `message_unfilled` (its rows have no value),
`message_level1_unfilled` (no value at all under the 一级)."""


@dataclass(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["levels"] = "levels"
    test: Literal["level1", "level2"]
    message: str
    message_no_indicators: str | None = None
    message_unfilled: str | None = None
    message_level1_unfilled: str | None = None

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS[self.test])


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
            yield Finding(str(params.message_no_indicators), None, "绩效指标")
            return
        for key, level in profile.level1.items():
            if level.required and not any(item.level1 == key for item in resolved):
                yield Finding(params.message.format(level1=level.label), None, f"{level.label}指标")
        return
    for key1, level1 in profile.level1.items():
        under = [item for item in resolved if item.level1 == key1]
        if not under:
            continue  # a missing 一级 is the `level1` test's
        if not any(_filled(item, ctx) for item in under):
            cell = _first_cell(under, "level1")
            yield Finding(str(params.message_level1_unfilled).format(level1=level1.label), cell, f"{level1.label}指标")
            continue
        for key2, level2 in profile.level2.get(key1, {}).items():
            if not level2.required:
                continue
            rows = [item for item in under if item.level2 == key2]
            if any(_filled(item, ctx) for item in rows):
                continue
            template = str(params.message_unfilled) if rows else params.message
            cell = _first_cell(rows, "level2") or _first_cell(under, "level1")
            field = f"{level1.label}指标/{level2.label}指标"
            yield Finding(template.format(level1=level1.label, level2=level2.label), cell, field)
