"""Check kind `levels`: profile coverage: required 一级 present (`level1`), required 二级 filled (`level2`)."""

from __future__ import annotations

from typing import Literal

from goallint.checks.support.base import (
    Column,
    Finding,
    FormContext,
    Placeholders,
    ResolvedIndicator,
    check_messages,
)
from goallint.checks.support.labels import labels_id
from goallint.model import Cell
from goallint.plumbing.memo import make_room
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT
from goallint.profiles import Profile

PLACEHOLDERS: dict[str, Placeholders] = {
    "level1": {"message": ("level1",), "message_no_indicators": ()},
    "level2": {"message": ("level1", "level2"), "message_unfilled": ("level1", "level2"),
               "message_level1_unfilled": ("level1",)},
}
"""Per test, the messages and their placeholders: `{level1}` / `{level2}` are the level's label as the profile
prints it (产出, 数量). `level1`: `message` (a required 一级 is missing), `message_no_indicators` (the form has
none). `level2`: `message` (a required 二级 has no row), `message_unfilled` (its rows have no value),
`message_level1_unfilled` (no value at all under the 一级)."""


@record(kw_only=True)
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


def _first_cell(items: list[ResolvedIndicator], attribute: str) -> Cell | None:
    for item in items:
        cell = getattr(item.indicator, attribute)
        if cell is not None:
            return cell  # type: ignore[no-any-return]
    return None


class _Rows:
    """The form's indicators by resolved level, in form order, and which levels have a filled value: one pass
    over the indicators for both tests."""

    __slots__ = ("filled", "shape", "under")

    def __init__(self, resolved: list[ResolvedIndicator], columns: list[Column]) -> None:
        self.under: dict[str | None, list[ResolvedIndicator]] = {}
        self.filled: set[tuple[str | None, str | None] | str | None] = set()
        both = columns == _BOTH_COLUMNS
        for item in resolved:
            level1 = item.level1
            rows = self.under.get(level1)
            if rows is None:
                rows = self.under[level1] = []
            rows.append(item)
            if item.filled_values if both else any(True for _ in item.value_cells(columns)):
                self.filled.add(level1)
                self.filled.add((level1, item.level2))
        # what whether a test finds anything depends on besides the profile (`_QUIET`)
        self.shape = (frozenset(self.under), frozenset(self.filled))


_BOTH_COLUMNS: list[Column] = ["period", "annual"]


def _rows(ctx: FormContext) -> _Rows:
    columns = ctx.where.columns
    if columns != _BOTH_COLUMNS:
        return _Rows(ctx.resolved, columns)
    known: _Rows | None = ctx.memo.get("levels")
    if known is None:
        known = ctx.memo["levels"] = _Rows(ctx.resolved, columns)
    return known


def run(params: Params, ctx: FormContext) -> list[Finding]:
    profile = ctx.profile
    if ctx.where.columns == _BOTH_COLUMNS:  # the form's labels and which rows are filled decide `_Rows.shape`
        quiet = (id(profile), params.test, labels_id(ctx), tuple([bool(item.filled_values) for item in ctx.resolved]))
        said = _QUIET_ROWS.get(quiet)
        if said is not None and said[0] is profile and said[1]:
            return []
        out = _run_rows(params, ctx)
        if not out:
            if len(_QUIET_ROWS) >= CACHE_ENTRIES:
                make_room(_QUIET_ROWS)
            _QUIET_ROWS[quiet] = (profile, True)  # the profile kept alive: its id is not reused while this is here
        return out
    return _run_rows(params, ctx)


_QUIET_ROWS: dict[tuple[object, ...], tuple[Profile, bool]] = {}
"""The (profile, test, form labels, filled rows) a test found nothing on, asked before the form's `_Rows` are
made (forms of one template fill the same rows). Bounded."""


def _run_rows(params: Params, ctx: FormContext) -> list[Finding]:
    profile = ctx.profile
    rows = _rows(ctx)
    key = (id(profile), params.test, rows.shape)
    known = _QUIET.get(key)
    if known is not None and known[0] is profile:
        if known[1]:
            return []
        return _run(params, ctx, rows)
    out = _run(params, ctx, rows)
    if len(_QUIET) >= CACHE_ENTRIES:
        make_room(_QUIET)
    _QUIET[key] = (profile, not out)  # the profile kept alive: its id is not reused while this is here
    return out


_QUIET: dict[tuple[object, ...], tuple[Profile, bool]] = {}
"""Whether a test finds nothing, per (profile, test, the form's `_Rows.shape`): most forms of a template cover
the same levels. Bounded."""


def _run(params: Params, ctx: FormContext, rows: _Rows) -> list[Finding]:
    profile, resolved = ctx.profile, ctx.resolved
    out = []
    if params.test == "level1":
        if not resolved:
            return [Finding(str(params.message_no_indicators), None, "绩效指标")]
        present = rows.under
        for key, level in profile.level1.items():
            if level.required and key not in present:
                out.append(Finding(params.message.format(level1=level.label), None, f"{level.label}指标"))
        return out
    for key1, level1 in profile.level1.items():
        under = rows.under.get(key1)
        if not under:
            continue  # a missing 一级 is the `level1` test's
        if key1 not in rows.filled:
            cell = _first_cell(under, "level1")
            out.append(Finding(str(params.message_level1_unfilled).format(level1=level1.label), cell,
                               f"{level1.label}指标"))
            continue
        for key2, level2 in profile.level2.get(key1, {}).items():
            if not level2.required or (key1, key2) in rows.filled:
                continue
            printed = [item for item in under if item.level2 == key2]
            template = str(params.message_unfilled) if printed else params.message
            cell = _first_cell(printed, "level2") or _first_cell(under, "level1")
            field = f"{level1.label}指标/{level2.label}指标"
            out.append(Finding(template.format(level1=level1.label, level2=level2.label), cell, field))
    return out
