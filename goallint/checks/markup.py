"""Check kind `markup`: text hygiene on every text cell of a form, with safe fixes.

Each rule names one `defect`; detection and fixes use the normaliser's own steps
(`goallint.values.normalize`), and a fix is offered only when it leaves the cell's meaning unchanged: the
fixed value parses to the same typed value, and the fixed text normalises to the same text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field as dc_field
from dataclasses import fields
from operator import itemgetter
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
Spot = tuple[Group, Cell, "str | ResolvedIndicator", frozenset[str]]
"""A place with the defects its text may have (`markup_text.defects_in`)."""
Walked = tuple[Group, tuple[object, ...], "Spot | None"]
"""A walked cell's group, the key that tells a repeated (carried-down) cell apart, and its spot when its text
may have a defect (None for a clean cell, which no rule reports)."""


_BOTH_COLUMNS: list[Column] = ["period", "annual"]


def _cells(ctx: FormContext, groups: list[Group], defect: str) -> list[Place]:
    """Each non-empty cell of the chosen groups where the defect's pattern matches, each cell once
    (carried-down level cells repeat: the first is kept, whatever its text).

    The form is walked once for all markup rules (`FormContext.memo`), and each rule takes its groups from
    that walk; a rule whose `where` narrows the indicators walks the form itself. Most cells are clean: the
    walk notes which defects any of its cells may have, so that a rule whose defect is not among them has
    nothing to look at, and the others look only at the cells that may have one."""
    where = ctx.where
    if not (where.picks_all and where.columns == _BOTH_COLUMNS):
        walk = _Walk(_walk(ctx, groups, where.columns))
    else:
        known: _Walk | None = ctx.memo.get("markup-walk")
        if known is None:
            known = ctx.memo["markup-walk"] = _Walk(_walk(ctx, ALL_GROUPS, where.columns))
        walk = known
    if defect not in walk.defects:
        return []
    return [(group, cell, place) for group, cell, place, defects in walk.spots(groups) if defect in defects]


class _Walk:
    """A form's cells as the markup rules see them: the walk, the defects any of its cells may have, and the
    spots of each choice of groups (each cell once)."""

    __slots__ = ("_spots", "defects", "walked")

    def __init__(self, walked: list[Walked]) -> None:
        self.walked = walked
        self.defects: set[str] = set()
        for _, _, spot in walked:
            if spot is not None:
                self.defects.update(spot[3])
        self._spots: dict[tuple[Group, ...], list[Spot]] = {}

    def spots(self, groups: list[Group]) -> list[Spot]:
        """The spots of the groups' cells, a repeated cell (by its key) only where it first comes."""
        chosen = tuple(groups)
        out = self._spots.get(chosen)
        if out is None:
            wanted = set(groups)
            seen: set[tuple[object, ...]] = set()
            out = self._spots[chosen] = []
            for group, key, spot in self.walked:
                if group in wanted and key not in seen:
                    seen.add(key)
                    if spot is not None:
                        out.append(spot)
        return out


_SPAN_KEY = itemgetter(0, 1, 2, 3, 7)
"""A span's line, column, end line, end column and workbook cell: what tells two cells apart."""
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
    """Every non-empty cell of the groups in form order, with its key and, where its text may have a defect,
    its spot (a task cell's label is made only then)."""
    form = ctx.form
    todo: list[tuple[Group, Cell | None, str | ResolvedIndicator | tuple[str, int, str]]] = []
    header_names, text_names, has_tasks = _fields(form)
    if "header" in groups:
        todo.append(("header", form.title, "标题"))
    fields: tuple[tuple[tuple[str, ...], Group], ...] = ((header_names, "header"), (text_names, "texts"))
    for names, group in fields:
        for name in names if group in groups else ():
            value = getattr(form, name)
            todo.append((group, value if isinstance(value, Cell) else None, FIELD_LABELS.get(name, name)))
    if has_tasks and "tasks" in groups:
        for title, tasks in (("年度重点工作任务", form.tasks), ("其他任务", form.other_tasks)):  # type: ignore[union-attr]
            for number, task in enumerate(tasks, 1):
                for column, label in TASK_LABELS.items():
                    todo.append(("tasks", getattr(task, column) if isinstance(task, Task) else None,
                                 (title, number, label)))
    if {"levels", "names", "values"} & set(groups):
        levels, named, values = "levels" in groups, "names" in groups, "values" in groups
        above: tuple[Cell | None, Cell | None] = (None, None)
        for item in ctx.selected():
            indicator = item.indicator
            if levels:
                # a level carried down from the row above is that same cell: walked there, in this same group
                level1, level2 = indicator.level1, indicator.level2
                if level1 is not above[0]:
                    todo.append(("levels", level1, item))
                if level2 is not above[1]:
                    todo.append(("levels", level2, item))
                above = (level1, level2)
            if named:
                todo.append(("names", indicator.name, item))
            for _, cell in item.value_cells(columns) if values else ():
                todo.append(("values", cell, item))
    out: list[Walked] = []
    known, defects_in, span_key = text.known_defects, text.defects_in, _SPAN_KEY
    for group, found, where in todo:
        if found is None:
            continue
        raw = found.raw
        if not raw.strip():
            continue
        span = found.span
        key: tuple[object, ...] = span_key(span) if span is not None else (id(found),)
        defects = known(raw)
        if defects is None:
            defects = defects_in(raw)
        if not defects:
            out.append((group, key, None))
            continue
        if type(where) is tuple:  # a task cell: (list title, number, column label)
            where = f"{where[0]}{where[1]}/{where[2]}"
        out.append((group, key, (group, found, where, defects)))  # type: ignore[arg-type]
    return out


def _fix(cell: Cell, fixed: str, message: str) -> Fix | None:
    span = cell.span
    if span is None or span.start is None or span.end is None:
        return None  # Excel cells and cells without a source position are not rewritten
    edit = Edit(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column,
                content=fixed, start=span.start, end=span.end)
    return Fix(applicability="safe", message=message, edits=[edit])


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    defect = params.defect
    facts_of = text.facts_of
    for group, cell, where in _cells(ctx, params.cells, defect):
        facts = facts_of(defect, group, cell)
        if facts is None:
            continue
        label, named = _named(params, group, cell, where)
        template = params.message_values if group == "values" and params.message_values else params.message
        fixed = facts.fixed
        fix = _fix(cell, fixed, str(params.fix_message).format(fixed=text.clip(fixed))) if fixed is not None else None
        said = {"cell": named, "found": facts.found, "fixed": facts.shown,
                "name": where if isinstance(where, str) else where.name, "text": text.clip(cell.raw.strip())}
        yield Finding(template.format_map(said), cell, label, fix, facts=said)
