"""Check kind `markup`: text hygiene on every text cell of a form, with safe fixes.

Each rule names one `defect`; detection and fixes use the normaliser's own steps
(`goallint.values.normalizer`), and a fix is offered only when it leaves the cell's meaning unchanged: the
fixed value parses to the same typed value, and the fixed text normalises to the same text.
"""

from __future__ import annotations

from dataclasses import field as dc_field
from dataclasses import fields
from operator import attrgetter, itemgetter
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
from goallint.checks.support.labels import LABEL_SETS, labels_id
from goallint.model import Cell, Edit, Fix, Task
from goallint.plumbing.memo import make_room
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
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
Walked = tuple[Group, "Cell | None", "str | ResolvedIndicator | tuple[str, int, str]"]
"""A walked cell: its group, the cell (None where the form leaves it out) and its field label, its indicator
or, for a task cell, (list title, number, column label)."""
Noted = tuple[int, Group, tuple[object, ...], Spot]
"""A spot with its position in the walk and the key that tells a repeated (carried-down) cell apart."""


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
        walk = _walk(ctx, groups, where.columns)
    else:
        known: _Walk | None = ctx.memo.get("markup-walk")
        if known is None:
            known = ctx.memo["markup-walk"] = _form_walk(ctx)
        walk = known
    if defect not in walk.defects:
        return []
    return [(group, cell, place) for group, cell, place, defects in walk.spots(groups) if defect in defects]


def _form_walk(ctx: FormContext) -> _Walk:
    """The walk the markup rules share (every indicator, both columns), made only for a form where some
    detector may find something: most forms have no such cell, and then no rule has anything to look at."""
    if not _possible(ctx):
        return _CLEAN
    return _walk(ctx, ALL_GROUPS, _BOTH_COLUMNS)


def _possible(ctx: FormContext) -> set[str]:
    """The defects some detector may find in some cell of the form, where the cell's group lets it look
    (`markup_text.POSSIBLE`): every cell's text asked at once, by groups that allow the same detectors. Empty
    header cells and repeated level cells are asked too, which only makes the answer larger, never wrong; the
    indicator labels' answer is remembered per form labels (`labels_id`), and of the values only the non-empty
    ones are asked (a walk passes over an empty cell)."""
    form = ctx.form
    plain_fields, has_tasks = _form_fields(type(form))[:2]
    plain = [cell.raw for cell in plain_fields(form) if cell is not None]
    if has_tasks:
        plain += [cell.raw for tasks in (form.tasks, form.other_tasks)  # type: ignore[union-attr]
                  for task in tasks for cell in (task.name, task.content, task.amount, task.expected)
                  if cell is not None]
    values = [cell.raw for item in ctx.resolved for _column, cell in item.filled_values]
    possible: set[str] = set(_label_defects(ctx))
    for raws, group in ((plain, "header"), (values, "values")):
        for found in text.defects_of_each(raws, group):
            possible |= found
    return possible


def _label_defects(ctx: FormContext) -> frozenset[str]:
    """The defects some detector may find in the form's level labels and 三级 names: a function of their texts,
    remembered per form labels (a template's forms print the same ones)."""
    labels = labels_id(ctx)
    known = _LABEL_DEFECTS.get(labels)
    if known is None:
        levels: list[str] = []
        names: list[str] = []
        for row in ctx.form.indicators:
            for cell in (row.level1, row.level2):
                if cell is not None:
                    levels.append(cell.raw)
            if row.name is not None:
                names.append(row.name.raw)
        known = frozenset().union(*text.defects_of_each(levels, "levels"), *text.defects_of_each(names, "names"))
        if len(_LABEL_DEFECTS) >= LABEL_SETS:
            make_room(_LABEL_DEFECTS)
        _LABEL_DEFECTS[labels] = known
    return known


_LABEL_DEFECTS: dict[int, frozenset[str]] = {}
"""`_label_defects` per `labels_id` (a number never reused). Bounded."""


class _Walk:
    """A form's cells as the markup rules see them: every cell in form order, the spots (cells whose text may
    have a defect their group allows), the defects of those, and the spots of each choice of groups (each
    cell once)."""

    __slots__ = ("_spots", "defects", "noted", "walked")

    def __init__(self, walked: list[Walked], noted: list[Noted]) -> None:
        self.walked = walked
        self.noted = noted
        self.defects: set[str] = set()
        for *_, spot in noted:
            self.defects.update(spot[3])
        self._spots: dict[tuple[Group, ...], list[Spot]] = {}

    def spots(self, groups: list[Group]) -> list[Spot]:
        """The spots of the groups' cells, a repeated cell (by its key) only where it first comes."""
        chosen = tuple(groups)
        out = self._spots.get(chosen)
        if out is None:
            wanted = set(groups)
            mine = [entry for entry in self.noted if entry[1] in wanted]
            first = self._first(mine, wanted) if mine else {}
            out = self._spots[chosen] = [spot for position, _, key, spot in mine if first[key] == position]
        return out

    def _first(self, mine: list[Noted], wanted: set[Group]) -> dict[tuple[object, ...], int]:
        """Where each spot's key first comes among the non-empty cells of the groups. Only a cell on a spot's
        line (or a spot's own cell, where it has no place) can have its key: the rest are passed over without
        one."""
        keys = {key for _, _, key, _ in mine}
        lines = {key[0] for key in keys if len(key) > 1}
        last = mine[-1][0]
        first: dict[tuple[object, ...], int] = {}
        for position, (group, found, _) in enumerate(self.walked):
            if position > last:
                break
            if found is None or group not in wanted:
                continue
            span = found.span
            if span is None:
                key: tuple[object, ...] = (id(found),)
            elif span.line in lines:
                key = _SPAN_KEY(span)
            else:
                continue
            if key in keys and key not in first and found.raw.strip():
                first[key] = position
        return first


_CLEAN = _Walk([], [])
"""The walk of a form no detector finds anything in (shared: no rule asks it for spots)."""
_SPAN_KEY = itemgetter(0, 1, 2, 3, 7)
"""A span's line, column, end line, end column and workbook cell: what tells two cells apart."""
_FORM_FIELDS: dict[type, tuple[attrgetter[tuple[Cell | None, ...]], bool, tuple[tuple[Group, str], ...]]] = {}


def _form_fields(kind: type) -> tuple[attrgetter[tuple[Cell | None, ...]], bool, tuple[tuple[Group, str], ...]]:
    """Per form class: a getter of its title, header and goal/approval text cells, whether it has task
    lists, and the group and field label of each cell the getter gives."""
    known = _FORM_FIELDS.get(kind)
    if known is None:
        names = {item.name for item in fields(kind)}
        header = [name for name in HEADER_FIELDS if name in names]
        texts = [name for name in TEXT_FIELDS if name in names]
        places: list[tuple[Group, str]] = [("header", "标题")]
        places += [("header", FIELD_LABELS.get(name, name)) for name in header]
        places += [("texts", FIELD_LABELS.get(name, name)) for name in texts]
        known = _FORM_FIELDS[kind] = (attrgetter("title", *header, *texts), "tasks" in names, tuple(places))
    return known


def _walk(ctx: FormContext, groups: list[Group], columns: list[Column]) -> _Walk:
    """Every cell of the groups in form order, and the spots among them: the non-empty cells whose text may
    have a defect their group allows (a task cell's label is made only then)."""
    form = ctx.form
    plain_fields, has_tasks, places = _form_fields(type(form))
    wanted = set(groups)
    walked: list[Walked] = [(group, cell, label) for (group, label), cell in zip(places, plain_fields(form), strict=True)
                            if group in wanted]
    if has_tasks and "tasks" in wanted:
        walked += [("tasks", getattr(task, column) if isinstance(task, Task) else None, (title, number, label))
                   for title, tasks in (("年度重点工作任务", form.tasks), ("其他任务", form.other_tasks))  # type: ignore[union-attr]
                   for number, task in enumerate(tasks, 1) for column, label in TASK_LABELS.items()]
    levels, named, values = "levels" in wanted, "names" in wanted, "values" in wanted
    both = columns == _BOTH_COLUMNS
    if levels or named or values:
        add = walked.append
        above: tuple[Cell | None, Cell | None] = (None, None)
        for item in ctx.selected():
            indicator = item.indicator
            if levels:
                # a level carried down from the row above is that same cell: walked there, in this same group
                level1, level2 = indicator.level1, indicator.level2
                if level1 is not above[0]:
                    add(("levels", level1, item))
                if level2 is not above[1]:
                    add(("levels", level2, item))
                above = (level1, level2)
            if named:
                add(("names", indicator.name, item))
            if values:
                for _, cell in item.filled_values if both else item.value_cells(columns):
                    add(("values", cell, item))
    noted: list[Noted] = []
    signs = text.SIGNS
    for position, (group, found, where) in enumerate(walked):
        if found is None:
            continue
        raw = found.raw
        of_group = signs[group]
        defects = of_group.known.get(raw)
        if defects is None:
            defects = of_group.search(raw)
        if not defects or not raw.strip():
            continue
        span = found.span
        key: tuple[object, ...] = _SPAN_KEY(span) if span is not None else (id(found),)
        if type(where) is tuple:  # a task cell: (list title, number, column label)
            where = f"{where[0]}{where[1]}/{where[2]}"
        noted.append((position, group, key, (group, found, where, defects)))  # type: ignore[arg-type]
    return _Walk(walked, noted)


def _fix(cell: Cell, fixed: str, message: str) -> Fix | None:
    span = cell.span
    if span is None or span.start is None or span.end is None:
        return None  # Excel cells and cells without a source position are not rewritten
    edit = Edit(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column,
                content=fixed, start=span.start, end=span.end)
    return Fix(applicability="safe", message=message, edits=[edit])


def run(params: Params, ctx: FormContext) -> list[Finding]:
    places = _cells(ctx, params.cells, params.defect)
    return _findings(params, places) if places else []


def _findings(params: Params, places: list[Place]) -> list[Finding]:
    out = []
    rule = id(params)
    for group, cell, where in places:
        words = _WORDS.get((rule, group, where if isinstance(where, str) else where.name, cell.raw))
        if words is None or words[0] is not params:
            words = _words(params, group, cell, where)
        message = words[1]
        if message is None:
            continue
        fixed = words[4]
        fix = _fix(cell, fixed, words[3]) if fixed is not None else None  # type: ignore[arg-type]
        # positionally: the constructor is a frozen record's, whose keywords cost a dict per call
        out.append(Finding(message, cell, where if isinstance(where, str) else where.field, fix, (), (), words[2]))
    return out


Words = tuple[Params, "str | None", "dict[str, str] | None", "str | None", "str | None"]
"""What a rule says of a cell: (the rule, its message, its facts, the fix's message and the fixed text);
the message is None where the detector finds nothing."""
_WORDS: dict[tuple[int, str, str, str], Words] = {}
"""`_words` per (rule, group, the cell's field label or 三级 name, raw text): all a finding's words depend on
(a template's labels and standard values recur form after form). The rule is kept alive in the answer, so
its id is not reused while this is here. Bounded."""


def _words(params: Params, group: Group, cell: Cell, where: str | ResolvedIndicator) -> Words:
    """A rule's message, facts and fix on a cell (the cell's place is only named: its field label, or its
    indicator's 三级 name), remembered in `_WORDS`."""
    facts = text.facts_of(params.defect, group, cell)
    words: Words
    if facts is None:
        words = (params, None, None, None, None)
    else:
        named = _named(params, group, cell, where)[1]
        template = params.message_values if group == "values" and params.message_values else params.message
        fixed = facts.fixed
        said = {"cell": named, "found": facts.found, "fixed": facts.shown,
                "name": where if isinstance(where, str) else where.name, "text": text.clip(cell.raw.strip())}
        words = (params, template.format_map(said), said,
                 str(params.fix_message).format(fixed=text.clip(fixed)) if fixed is not None else None, fixed)
    if len(_WORDS) >= CACHE_ENTRIES:
        make_room(_WORDS)
    _WORDS[id(params), group, where if isinstance(where, str) else where.name, cell.raw] = words
    return words
