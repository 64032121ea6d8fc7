"""One form as the assembler finds it: its fields (the preferred label's value kept), units, goals waiting for
their text, its indicator table and tasks; `build` makes the model form, and says when it is only a fragment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from goallint.layout.cells import sub_cell
from goallint.layout.costs import CostTableBuilder
from goallint.layout.fields import GOALS, amount_unit, fix_number_spaces, money_fields
from goallint.layout.indicators import IndicatorTable
from goallint.layout.profile import infer_levels, profile_of, repair_levels
from goallint.layout.tasks import DEFAULT_COLUMNS
from goallint.layout.vocab import FormKind, Vocabulary, is_blank
from goallint.model import AnyForm, Cell, DepartmentForm, ProjectForm, Span, Task


@dataclass
class FormBuilder:
    """The fields of one form as they are found."""

    kind: FormKind
    path: str
    vocab: Vocabulary
    title: Cell | None = None
    span: Span | None = None
    budget_year: int | None = None
    fields: dict[str, Cell] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    """A money field's unit as its label or the heading on its row states it."""
    block_unit: str | None = None
    """The unit a heading stated for the rows below it (`资金情况(万元)` then `⇥ 其中:财政拨款 ⇥ 500`)."""
    unit_note: str | None = None
    """The table's unit note (`单位:万元`, `金额单位:元`)."""
    fallback_budget: Cell | None = None
    """`其中:财政拨款 500` when the form leaves its total empty (117)."""
    pending_goals: list[tuple[str, int]] = field(default_factory=list)
    goal_labels: dict[str, Cell] = field(default_factory=dict)
    """Goal labels printed with their text expected below: an empty goal if none comes."""
    pending_values: dict[int, str] = field(default_factory=dict)
    """Labels of a row of labels alone, by column: their values are in the row below (104)."""
    table: IndicatorTable | None = None
    section: str = "header"
    """Where the walk is: `header`, `tasks`, `other_tasks`, `indicators` or `footer`."""
    task_columns: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    task_amount_unit: Literal["元", "万元"] = "元"
    list_units: dict[str, str] = field(default_factory=dict)
    levels_seen: list[str] = field(default_factory=list)
    """一级 labels met outside an indicator table (a table whose header row was not recognised)."""
    """A list table's field columns whose heading states a unit (`预算金额（万元）`)."""
    tasks: list[Task] = field(default_factory=list)
    other_tasks: list[Task] = field(default_factory=list)
    cost_tables: list[CostTableBuilder] = field(default_factory=list)
    """A project's cost build-up tables (项目预算成本构成), as found."""

    def note_span(self, cell: Cell) -> None:
        if self.span is None:
            self.span = cell.span

    def set_year(self, year: int | None) -> None:
        if self.budget_year is None and year is not None and 1990 <= year <= 2100:
            self.budget_year = year

    def set_field(self, name: str, cell: Cell, rank: int = 0) -> bool:
        """Keep the first value of a field, unless it is blank or a preferred label gives another (the
        `县级主管部门` of a 区域 form over its `市级主管部门`). True when `cell` was taken."""
        old = self.fields.get(name)
        if old is None or (is_blank(old) and not is_blank(cell)) or (
                rank < self.ranks.get(name, 0) and not is_blank(cell)):
            self.fields[name] = cell
            self.ranks[name] = rank
            return True
        return False

    def indicator_table(self) -> IndicatorTable:
        if self.table is None:
            self.table = IndicatorTable(self.vocab)
        return self.table

    def build(self, mentions: Callable[[], set[Decimal]]) -> AnyForm:
        if self.table is not None:
            self.table.finish()
        indicators = self.table.indicators if self.table is not None else []
        fields: dict[str, Any] = dict(self.fields)
        for name, label in self.goal_labels.items():
            fields.setdefault(name, empty_at_end(label))
        if is_blank(fields.get("budget")) and self.fallback_budget is not None:
            fields["budget"] = self.fallback_budget
        for name in money_fields(self.kind):
            if name in fields:
                fields[name] = fix_number_spaces(fields[name])
        money = ("budget", "period_budget") if self.kind == "project" else ("budget",)
        units: dict[str, Any] = {
            f"{name}_unit": amount_unit(fields[name], self.units.get(name), self.block_unit, self.unit_note, mentions,
                                        name if self.kind == "project" else "department_budget")
            for name in money if name in fields}
        if self.kind == "department" and "name" in fields and "department" not in fields:
            fields["department"] = fields["name"]
        unread = _fragment(fields, indicators, self.tasks, self.kind) or _unrecognised(
            fields, indicators, self.levels_seen)
        two_sided = self.table is not None and self.table.two_sided
        profile = profile_of(indicators, two_sided)
        if self.table is not None:
            indicators = infer_levels(repair_levels(indicators, profile, self.table.own_level1), profile)
        common: dict[str, Any] = {"path": self.path, "span": self.span, "title": self.title,
                                  "budget_year": self.budget_year, "indicators": indicators, "unread": unread,
                                  "profile": profile}
        if self.kind == "department":
            return DepartmentForm(**common, **fields, **units, tasks=self.tasks, other_tasks=self.other_tasks,
                                  task_amount_unit=self.task_amount_unit)
        tables = [table.build() for table in self.cost_tables if table.rows]
        return ProjectForm(**common, **fields, **units, cost_tables=tables)


def empty_at_end(label: Cell) -> Cell:
    """A label printed with no value at all (`项目主管部门 ⇥ 实施单位 ⇥ …`): an empty cell where its value
    would start, so the form records the field as printed and empty."""
    return sub_cell(label, len(label.raw), len(label.raw))


_SUBSTANCE = {"project": ("budget", "annual_goal", "period_goal"),
              "department": ("budget", "basic", "project", "appropriation", "annual_goal", "overall_goal")}
_FIELD_NAMES = {"name": "名称", "department": "主管部门", "spending_unit": "实施单位", "project_type": "项目类型",
                "budget": "预算金额", "annual_goal": "年度目标", "period_goal": "实施期目标"}


def _fragment(fields: dict[str, Cell], indicators: list[Any], tasks: list[Task], kind: FormKind) -> str | None:
    """Why a form is only a header (a page cut after its first rows, 114's third form), or None: it has no
    amount, no goal, no indicator and no task, so there is nothing to check but missing fields."""
    if indicators or tasks or any(not is_blank(fields.get(name)) for name in _SUBSTANCE[kind]):
        return None
    found = "、".join(label for name, label in _FIELD_NAMES.items() if not is_blank(fields.get(name))) or "标题"
    return (f"只读到表头（{found}），没有预算金额、目标和绩效指标：表格不完整（被截断），或其版式未被识别；"
            "请提供完整的表格，或用 goallint convert --explain 查看各单元格的读法")


def _unrecognised(fields: dict[str, Cell], indicators: list[Any], levels: list[str]) -> str | None:
    """Why a form's indicator table was not found although its level labels were (a header row in words the
    vocabulary does not know): one finding instead of every level reported missing."""
    if indicators or not levels:
        return None
    found = "、".join(label for name, label in _FIELD_NAMES.items() if not is_blank(fields.get(name))) or "标题"
    shown = "、".join(dict.fromkeys(levels[:3]))
    return (f"读到了表头（{found}）和指标层级（{shown}），但没有找到指标表的表头行（一级指标、二级指标、三级指标、"
            "指标值），绩效指标无法读出：版式未被识别；可用 goallint convert --explain 查看各单元格的读法，"
            "并在 labels.yaml 中补充这种表头的叫法")


def is_form(builder: FormBuilder, strict: bool = False) -> bool:
    """A builder that found a name or any field beyond its title and goals (a lone title line, or a goal table
    of another kind of document, is no form: the file then gets GL001). `strict`: one that a following title
    should not end (it has a name, indicators or tasks)."""
    if strict:
        return "name" in builder.fields or (builder.table is not None and bool(builder.table.indicators)) or \
            bool(builder.tasks)
    return any(name not in GOALS for name in builder.fields) or \
        (builder.table is not None and bool(builder.table.indicators)) or bool(builder.tasks)
