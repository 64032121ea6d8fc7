"""Check kind `unique`: the same 三级 name twice under one 一级; a row printed again right after
itself by a page break is not a second indicator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from goallint.checks.support.base import Finding, FormContext, ResolvedIndicator, check_messages, name_key
from goallint.checks.support.labels import Quiet
from goallint.model import cell_text
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

PLACEHOLDERS = {"message": ("name", "line"), "message_unplaced": ("name",)}
"""`{name}` the 三级 name, `{line}` the line of its first row; `message_unplaced` when that row has no line."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["unique"] = "unique"
    message: str
    message_unplaced: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    quiet = _QUIET.key(params, ctx)
    if _QUIET.said(quiet, params, ctx):
        return
    seen: dict[tuple[str | None, str], int] = {}
    repeated = False
    for item in ctx.selected():
        key = name_key(item.name)
        if not key or item.indicator.name is None:
            continue
        group = (item.level1, key)
        if group in seen:
            repeated = True
            if _page_break_copy(ctx.resolved[seen[group]], item):
                continue
            first = ctx.resolved[seen[group]].indicator.name
            message = (params.message.format(name=item.name, line=first.span.line) if first and first.span
                       else params.message_unplaced.format(name=item.name))
            yield Finding(message, item.indicator.name, item.field)
        else:
            seen[group] = item.index
    if not repeated:
        _QUIET.note(quiet, params, ctx)


_QUIET = Quiet()
"""The labels on which no name repeats under its 一级 (what else the rule reads, the values of a page break's
copy, is asked only of a repeated name): forms of one template repeat them."""


def _page_break_copy(first: ResolvedIndicator, again: ResolvedIndicator) -> bool:
    """The row right after its first, printing its level labels again and the same values: the table's last
    row printed again after a page break (with the repeated header), not a second indicator of the same name."""
    printed = again.indicator.level1 is not first.indicator.level1 or again.indicator.level2 is not first.indicator.level2
    return (again.index == first.index + 1 and printed
            and cell_text(first.indicator.level2) == cell_text(again.indicator.level2)
            and cell_text(first.indicator.period_value) == cell_text(again.indicator.period_value)
            and cell_text(first.indicator.annual_value) == cell_text(again.indicator.annual_value))
