"""Check kind `markup`: text hygiene on every text cell of a form, with safe fixes.

Each rule names one `defect`; detection and fixes use the normaliser's own steps
(`goallint.values.normalize`), and a fix is offered only when it leaves the cell's meaning unchanged: the
fixed value parses to the same typed value, and the fixed text normalises to the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import field as dc_field
from dataclasses import fields
from typing import Literal

from goallint.checks.support import markup_text as text
from goallint.checks.support.base import (
    Column,
    Finding,
    FormContext,
    ResolvedIndicator,
    check_messages,
    check_template,
)
from goallint.checks.support.fields import FIELD_LABELS
from goallint.model import Cell, Edit, Fix, Task
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

Group = Literal["header", "texts", "tasks", "levels", "names", "values"]
Defect = Literal["ocr", "html", "masked", "punctuation", "symbol", "space", "invisible"]

HEADER_FIELDS = ("name", "project_type", "project_level", "department", "spending_unit", "issuer",
                 "period_start", "period_end", "budget", "period_budget", "staff_count", "subunit_count",
                 "basic", "project", "special", "other_development", "appropriation", "other_income",
                 "city_level", "transfer")
TEXT_FIELDS = ("period_goal", "annual_goal", "overall_goal", "approval")
TASK_LABELS = {"name": "名称", "content": "主要实施内容", "amount": "拟投入的资金", "expected": "期望达到的目标"}


NamedGroup = Literal["levels", "names", "values"]
PLACEHOLDERS = {"message": ("cell", "found", "fixed"), "message_values": ("cell", "found", "fixed"),
                "fix_message": ("fixed",)}
"""`{cell}` the cell as `cell_names` names it (a header, goal or task cell: its field, 预算金额), `{found}` what
was found (the marks, tags or characters), `{fixed}` the cell as it should read. `message_values` (optional)
is said of indicator values instead of `message`; `fix_message` names a safe fix (every defect but `masked`).
`cell_names` has a template per group of indicator cells, with `{name}` (the 三级 name) and `{text}`."""
FACTS = ("cell", "found", "fixed", "name", "text")
"""What each finding gives a rule's `group.item`: the message's placeholders, and `{name}` (the 三级 name, or
the field of a header, goal or task cell: 年度目标) and `{text}` (the cell's text, shortened)."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["markup"] = "markup"
    defect: Defect
    cells: list[Group] = dc_field(default_factory=lambda: list[Group](["header", "texts", "tasks", "levels",
                                                                        "names", "values"]))
    """Which cells to look at: header fields, goal/approval texts, task cells, level labels, 三级 names, values."""
    message: str
    message_values: str | None = None
    fix_message: str | None = None
    cell_names: dict[NamedGroup, str] = dc_field(default_factory=dict)

    def __post_init__(self) -> None:
        fixes = self.defect != "masked"  # a masked name has no fixed text to offer
        check_messages(self, {key: names for key, names in PLACEHOLDERS.items() if fixes or key != "fix_message"},
                       optional=("message_values",))
        for group in ("levels", "names", "values"):
            if group in self.cells and group not in self.cell_names:
                raise ValueError(f"cell_names.{group}: 缺少这一项（占位符：name, text）")
            check_template(self.cell_names.get(group), ("name", "text"), f"cell_names.{group}")


Place = tuple[Group, Cell, "str | ResolvedIndicator"]
"""(group, cell, its field label or its indicator)."""


def _named(params: Params, group: Group, cell: Cell, where: str | ResolvedIndicator) -> tuple[str, str]:
    """(field, the cell as a message names it), computed only for cells with a finding."""
    if isinstance(where, str):
        return where, where
    template = params.cell_names[group]  # type: ignore[index]  # an indicator's cell is in a named group
    return where.field, template.format(name=where.name, text=text.clip(cell.raw.strip()))


ALL_GROUPS: list[Group] = ["header", "texts", "tasks", "levels", "names", "values"]
Walked = tuple[Group, Cell, "str | ResolvedIndicator", tuple[object, ...]]
"""A place and the key that tells a repeated (carried-down) cell apart."""


def _cells(ctx: FormContext, groups: list[Group]) -> list[Place]:
    """Each non-empty cell of the chosen groups, each cell once (carried-down level cells repeat).

    The form is walked once for all markup rules (`FormContext.memo`), and each rule takes its groups from
    that walk; a rule whose `where` narrows the indicators walks the form itself."""
    where = ctx.where
    if not (where.picks_all and tuple(where.columns) == ("period", "annual")):
        return _dedup(_walk(ctx, groups, where.columns), set(groups))
    memo: dict[tuple[Group, ...], list[Place]] = ctx.memo.setdefault("markup", {})
    places = memo.get(tuple(groups))
    if places is None:
        every: list[Walked] | None = ctx.memo.get("markup-walk")
        if every is None:
            every = ctx.memo["markup-walk"] = _walk(ctx, ALL_GROUPS, where.columns)
        places = memo[tuple(groups)] = _dedup(every, set(groups))
    return places


def _dedup(walked: list[Walked], groups: set[Group]) -> list[Place]:
    seen: set[tuple[object, ...]] = set()
    out: list[Place] = []
    for group, cell, where, key in walked:
        if group in groups and key not in seen:
            seen.add(key)
            out.append((group, cell, where))
    return out


_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}
"""Per form class: its header fields, its goal/approval text fields, whether it has task lists."""


def _fields(form: object) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    kind = type(form)
    known = _FIELDS.get(kind)
    if known is None:
        names = {item.name for item in fields(kind)}  # type: ignore[arg-type]
        known = _FIELDS[kind] = (tuple(n for n in HEADER_FIELDS if n in names),
                                 tuple(n for n in TEXT_FIELDS if n in names), "tasks" in names)
    return known


def _walk(ctx: FormContext, groups: list[Group], columns: list[Column]) -> list[Walked]:
    """Every non-empty cell of the groups in form order, with the key that tells repeated cells apart."""
    form = ctx.form
    out: list[Walked] = []

    def pick(group: Group, cell: Cell | None, where: str | ResolvedIndicator) -> None:
        if cell is None or cell.is_empty:
            return
        span = cell.span
        key: tuple[object, ...] = (span.line, span.column, span.end_line, span.end_column, span.ref) \
            if span is not None else (id(cell),)
        out.append((group, cell, where, key))

    header_names, text_names, has_tasks = _fields(form)
    if "header" in groups:
        pick("header", form.title, "标题")
    fields: tuple[tuple[tuple[str, ...], Group], ...] = ((header_names, "header"), (text_names, "texts"))
    for names, group in fields:
        for name in names if group in groups else ():
            value = getattr(form, name)
            pick(group, value if isinstance(value, Cell) else None, FIELD_LABELS.get(name, name))
    if has_tasks and "tasks" in groups:
        for title, tasks in (("年度重点工作任务", form.tasks), ("其他任务", form.other_tasks)):  # type: ignore[union-attr]
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
        for _, cell in item.value_cells(columns) if "values" in groups else ():
            pick("values", cell, item)
    return out


def _fix(cell: Cell, fixed: str, message: str) -> Fix | None:
    span = cell.span
    if span is None or span.start is None or span.end is None:
        return None  # Excel cells and cells without a source position are not rewritten
    edit = Edit(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column,
                content=fixed, start=span.start, end=span.end)
    return Fix(applicability="safe", message=message, edits=[edit])


DETECTORS: dict[str, Callable[[Group, Cell], text.Found]] = {
    "ocr": text.ocr, "html": text.html, "masked": text.masked,
    "punctuation": text.punctuation, "symbol": text.symbol, "space": text.space, "invisible": text.invisible,
}


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    defect = params.defect
    detect = DETECTORS[defect]
    defects_in = text.defects_in
    for group, cell, where in _cells(ctx, params.cells):
        if defect not in defects_in(cell.raw):
            continue
        facts = detect(group, cell)
        if facts is None:
            continue
        label, named = _named(params, group, cell, where)
        template = params.message_values if group == "values" and params.message_values else params.message
        fixed = facts.fixed
        fix = _fix(cell, fixed, str(params.fix_message).format(fixed=text.clip(fixed))) if fixed is not None else None
        said = {"cell": named, "found": facts.found, "fixed": facts.shown,
                "name": where if isinstance(where, str) else where.name, "text": text.clip(cell.raw.strip())}
        yield Finding(template.format_map(said), cell, label, fix, facts=said)
