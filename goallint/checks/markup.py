"""Check kind `markup`: text hygiene on every text cell of a form (GL901–GL906), with safe fixes.

Each rule names one `defect`; detection and fixes use the normaliser's own steps
(`goallint.values.normalize`), and a fix is offered only when it leaves the cell's meaning unchanged: the
fixed value parses to the same typed value, and the fixed text normalises to the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from goallint.checks import markup_text as text
from goallint.checks.base import Finding, FormContext, ResolvedIndicator, Selector
from goallint.checks.fields import FIELD_LABELS
from goallint.model import Cell, Edit, Fix, Task

Group = Literal["header", "texts", "tasks", "levels", "names", "values"]
Defect = Literal["ocr", "html", "masked", "punctuation", "symbol", "space"]

HEADER_FIELDS = ("name", "project_type", "project_level", "department", "spending_unit", "issuer",
                 "period_start", "period_end", "budget", "period_budget", "staff_count", "subunit_count",
                 "basic", "project", "special", "other_development", "appropriation", "other_income",
                 "city_level", "transfer")
TEXT_FIELDS = ("period_goal", "annual_goal", "overall_goal", "approval")
TASK_LABELS = {"name": "名称", "content": "主要实施内容", "amount": "拟投入的资金", "expected": "期望达到的目标"}


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["markup"] = "markup"
    defect: Defect
    cells: list[Group] = Field(default_factory=lambda: list[Group](["header", "texts", "tasks", "levels",
                                                                     "names", "values"]))
    """Which cells to look at: header fields, goal/approval texts, task cells, level labels, 三级 names, values."""


Place = tuple[Group, Cell, "str | ResolvedIndicator"]
"""(group, cell, its field label or its indicator)."""


def _named(group: Group, cell: Cell, where: str | ResolvedIndicator) -> tuple[str, str]:
    """(field, the cell as a message names it), computed only for cells with a finding."""
    if isinstance(where, str):
        return where, where
    raw = text.clip(cell.raw.strip())
    subject = {"values": f"指标“{where.name}”的指标值“{raw}”", "levels": f"指标层级“{raw}”"}
    return where.field, subject.get(group, f"指标名称“{raw}”")


_last: list[tuple[FormContext, tuple[Group, ...], Selector, list[Place]]] = []
"""The last walk: GL901 and GL902 (every cell) run one after the other on the same form (the engine makes a
context per form and run, so a form linted again is walked again)."""


def _cells(ctx: FormContext, groups: list[Group]) -> list[Place]:
    """Each non-empty cell of the chosen groups, each cell once (carried-down level cells repeat).

    A list built by a plain function (each markup rule walks every cell of the form; a generator per cell
    cost more than the detectors), kept for the next rule when it asks for the same cells."""
    if _last and _last[0][0] is ctx and _last[0][1] == tuple(groups) and _last[0][2] == ctx.where:
        return _last[0][3]
    out = _walk(ctx, groups)
    _last[:] = [(ctx, tuple(groups), ctx.where, out)]
    return out


def _walk(ctx: FormContext, groups: list[Group]) -> list[Place]:
    form, seen, out = ctx.form, set(), []

    def pick(group: Group, cell: Cell | None, where: str | ResolvedIndicator) -> None:
        if cell is None or cell.is_empty:
            return
        span = cell.span
        key = (span.line, span.column, span.end_line, span.end_column, span.ref) if span is not None else id(cell)
        if key not in seen:
            seen.add(key)
            out.append((group, cell, where))

    if "header" in groups:
        pick("header", form.title, "标题")
    fields: tuple[tuple[tuple[str, ...], Group], ...] = ((HEADER_FIELDS, "header"), (TEXT_FIELDS, "texts"))
    for names, group in fields:
        for name in names if group in groups else ():
            value = getattr(form, name, None)
            pick(group, value if isinstance(value, Cell) else None, FIELD_LABELS.get(name, name))
    lists = (("年度重点工作任务", getattr(form, "tasks", [])), ("其他任务", getattr(form, "other_tasks", [])))
    for title, tasks in lists if "tasks" in groups else ():
        for number, task in enumerate(tasks, 1):
            for key, label in TASK_LABELS.items():
                pick("tasks", getattr(task, key) if isinstance(task, Task) else None, f"{title}{number}/{label}")
    if not {"levels", "names", "values"} & set(groups):
        return out
    for item in ctx.selected():
        indicator = item.indicator
        if "levels" in groups:
            pick("levels", indicator.level1, item)
            pick("levels", indicator.level2, item)
        if "names" in groups:
            pick("names", indicator.name, item)
        for _, cell in item.value_cells(ctx.where.columns) if "values" in groups else ():
            pick("values", cell, item)
    return out


def _fix(cell: Cell, fixed: str, message: str) -> Fix | None:
    span = cell.span
    if span is None or span.start is None or span.end is None:
        return None  # Excel cells and cells without a source position are not rewritten
    edit = Edit(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column,
                content=fixed, start=span.start, end=span.end)
    return Fix(applicability="safe", message=message, edits=[edit])


DETECTORS: dict[str, Callable[[Group, Cell], tuple[str, str | None] | None]] = {
    "ocr": text.ocr, "html": text.html, "masked": text.masked,
    "punctuation": text.punctuation, "symbol": text.symbol, "space": text.space,
}


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    detect = DETECTORS[params.defect]
    for group, cell, where in _cells(ctx, params.cells):
        found = detect(group, cell)
        if found is None:
            continue
        message, fixed = found
        label, subject = _named(group, cell, where)
        fix = _fix(cell, fixed, f"改为“{text.clip(fixed)}”") if fixed is not None else None
        yield Finding(subject + message, cell, label, fix)
