"""The form model: cells with exact locations, indicators, project and department forms, diagnostics and fixes.

Readers build these; rules read them; reports print them. Nothing here parses or checks. These are plain
classes (frozen dataclasses with slots, or named tuples), built with their constructors: what people write
(structured forms, rule packs, config) is validated at the boundary (`structured_format`, `packs`, `config`)
and arrives here already checked, so a run over text forms never needs a validation library.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import field as dc_field
from dataclasses import fields
from operator import attrgetter
from typing import Any, ClassVar, Literal, NamedTuple

from goallint.plumbing.records import record, slot_maker


def _unset(raw: str) -> Any:
    raise RuntimeError("a cell's text is read by goallint.values: import it first")


_cell_text: Callable[[str], str] = _unset
_cell_value: Callable[[str], Any] = _unset


def read_cells_with(text: Callable[[str], str], value: Callable[[str], Any]) -> None:
    """Set how `Cell.text` and `Cell.value` read a cell's raw text. `goallint.values` sets them when it is
    imported: the model only holds cells, and what a cell means is the value layer's to say."""
    global _cell_text, _cell_value
    _cell_text, _cell_value = text, value


class Span(NamedTuple):
    """Where a cell's text stands in its source.

    Lines and columns are 1-based; `end_column` is exclusive (one past the last character), as in ruff.
    Columns count characters (code points) of the decoded text, not bytes.
    `start`/`end` are character offsets into the decoded source text (text and structured readers), so that
    a fix can rewrite exactly that span. Excel cells carry `sheet` and `ref` (`B12`) instead of offsets.

    A named tuple, as `Cell`: the readers make one per field of every line, and a tuple is the cheapest
    immutable record to build and to keep.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    start: int | None = None
    end: int | None = None
    sheet: str | None = None
    ref: str | None = None


class Cell(NamedTuple):
    """One text cell: its raw text exactly as in the source, where it is, and (lazily) what it means."""

    raw: str
    span: Span | None = None

    @property
    def text(self) -> str:
        """The normalised text (markup stripped, symbols standardised, spaces collapsed)."""
        return _cell_text(self.raw)

    @property
    def value(self) -> Any:
        """The typed value (`goallint.values.types.Value`) the grammar reads from this cell (cached on the
        normalised string)."""
        return _cell_value(self.raw)

    @property
    def is_empty(self) -> bool:
        return not self.raw.strip()


class DerivedCell(Cell):
    """A cell the reader made from others: a value joined from the columns it was split over (`≥` `95` `%`),
    or a 一级 implied by its 二级. Its span covers where it came from, but its text is not the source's
    there, so no fix ever rewrites it."""

    __slots__ = ()


OptCell = Cell | None
OptSpan = Span | None


def cell_text(cell: Cell | None) -> str:
    """The normalised text of an optional cell ('' when absent)."""
    return cell.text if cell is not None else ""


class CostRow(NamedTuple):
    """One row of a cost build-up table (项目预算成本构成, 资金使用计划): the item and its amount in each of the
    table's amount columns (None where the row leaves a column out)."""

    item: Cell
    amounts: tuple[Cell | None, ...]


class CostTable(NamedTuple):
    """A cost build-up table: its amount columns' headings, its item rows and its 合计 row (None when not
    printed), with the unit of a bare amount (`元` or `万元`, from a heading or the table's unit note)."""

    title: Cell | None
    columns: tuple[Cell, ...]
    rows: tuple[CostRow, ...]
    total: CostRow | None
    unit: str = "元"


@record(frozen=True, slots=True, kw_only=True)  # immutable, no `__dict__`, built by keyword
class Indicator:
    """One row of the indicator table (绩效指标): three levels and the two value columns.

    `period_value` is the 实施周期 (or 中期) column, `annual_value` the 年度 column. Levels hold the labels as
    written; the profile resolves them to canonical keys.
    """

    level1: OptCell = None
    level2: OptCell = None
    name: OptCell = None
    period_value: OptCell = None
    annual_value: OptCell = None
    ignore: list[str] = dc_field(default_factory=list)
    """The rule codes or names waived on this row (`goallint-ignore`)."""


@record(frozen=True, slots=True, kw_only=True)
class Task:
    """A 年度重点工作任务 row (or 其他需完成的任务): name, content, amount in 元, expected result."""

    name: OptCell = None
    content: OptCell = None
    amount: OptCell = None
    expected: OptCell = None


@record(frozen=True, slots=True, kw_only=True)
class _FormBase:
    """What both kinds of form hold: where they were read, their title, year, profile and indicators."""

    path: str = ""
    """The file the form was read from, as given on the command line."""
    span: OptSpan = None
    """Where the form starts in its file (its title or first label)."""
    title: OptCell = None
    budget_year: int | None = None
    profile: str | None = None
    """Detected taxonomy profile: `dg2025`, `legacy` or `dg2019` (see rules/profiles)."""
    indicators: list[Indicator] = dc_field(default_factory=list)
    ignore: list[str] = dc_field(default_factory=list)
    unread: str | None = None
    """Why the form cannot be checked as a whole (only its header survived, or its layout was not
    recognised): the engine reports that once (GL001) instead of a cascade of missing fields."""


@record(frozen=True, slots=True, kw_only=True)
class ProjectForm(_FormBase):
    """项目绩效目标表 / 批复表."""

    kind: Literal["project"] = "project"
    name: OptCell = None  # 项目名称
    project_type: OptCell = None  # 项目类型
    project_level: OptCell = None  # 项目等级
    department: OptCell = None  # 主管部门
    spending_unit: OptCell = None  # 用款单位 / 预算单位
    issuer: OptCell = None  # 批复单位
    period_start: OptCell = None  # 实施周期 起始年度 (dg2019: first year of 中期滚动目标)
    period_end: OptCell = None  # 实施周期 到期年度
    budget: OptCell = None  # 年度预算金额
    budget_unit: Literal["元", "万元"] = "元"
    period_budget: OptCell = None  # 中期市财政预算 (dg2019)
    period_budget_unit: Literal["元", "万元"] = "万元"
    period_goal: OptCell = None  # 实施周期总目标 / 中期目标
    annual_goal: OptCell = None  # 年度目标
    approval: OptCell = None  # 批复意见
    overview: OptCell = None  # 项目概况 / 项目内容 / 立项依据: free text, read for itemised costs
    cost_tables: list[CostTable] = dc_field(default_factory=list)  # 项目预算成本构成 / 资金使用计划


@record(frozen=True, slots=True, kw_only=True)
class DepartmentForm(_FormBase):
    """部门整体预算绩效目标申报表. Money in the budget table is in 万元; task amounts in 元."""

    kind: Literal["department"] = "department"
    name: OptCell = None  # 部门名称
    department: OptCell = None  # 主管部门 (the department itself when the form names no other)
    budget: OptCell = None  # 资金总额 / 合计: the department's whole budget, where the form states it
    budget_unit: Literal["元", "万元"] = "万元"
    staff_count: OptCell = None  # 财政供养人员数
    subunit_count: OptCell = None  # 下属二级单位数
    basic: OptCell = None  # 基本支出
    project: OptCell = None  # 项目支出
    special: OptCell = None  # 财政专项资金
    other_development: OptCell = None  # 其他事业发展性支出
    appropriation: OptCell = None  # 财政拨款
    other_income: OptCell = None  # 其他资金
    city_level: OptCell = None  # 市本级使用资金
    transfer: OptCell = None  # 拟用于对下转移支付资金
    overall_goal: OptCell = None  # 总体绩效目标
    annual_goal: OptCell = None  # 年度总体目标 / 年度绩效总目标
    tasks: list[Task] = dc_field(default_factory=list)  # 年度重点工作任务
    other_tasks: list[Task] = dc_field(default_factory=list)  # 其他需完成的任务
    task_amount_unit: Literal["元", "万元"] = "元"
    """The unit of a bare task amount (`预算金额(万元)` in the task table's heading)."""


AnyForm = ProjectForm | DepartmentForm


def form_name(form: AnyForm) -> str:
    """项目名称 or 部门名称 as reported in diagnostics' `form`."""
    return form.name.text if form.name is not None else ""


@record(frozen=True, slots=True, kw_only=True)
class Edit:
    """Replace the source between (line, column) and (end_line, end_column) with `content`. `start`/`end`
    (character offsets, where the reader knows them) are not part of the JSON contract."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    start: int | None = None
    end: int | None = None

    hidden: ClassVar[frozenset[str]] = frozenset({"start", "end"})

    def __reduce__(self) -> tuple[Any, ...]:
        return (remade_edit, _EDIT_FIELDS(self))


@record(frozen=True, slots=True, kw_only=True)
class Fix:
    """A fix a finding offers: its edits, applied together, and whether `--fix` applies it without
    `--unsafe-fixes`."""

    applicability: Literal["safe", "unsafe"] = "safe"
    message: str
    edits: list[Edit]

    hidden: ClassVar[frozenset[str]] = frozenset()

    def __reduce__(self) -> tuple[Any, ...]:
        return (remade_fix, _FIX_FIELDS(self))


Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}


@record(frozen=True, slots=True, kw_only=True)
class Location:
    """Another cell a finding names (`Diagnostic.related`): the same defect in the other column of its row."""

    line: int
    column: int
    end_line: int
    end_column: int
    field: str = ""

    hidden: ClassVar[frozenset[str]] = frozenset()

    def __reduce__(self) -> tuple[Any, ...]:
        return (remade_location, _LOCATION_FIELDS(self))


@record(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One finding, in the shape of cli.md's JSON contract."""

    code: str
    name: str
    severity: str
    """A `Severity`."""
    message: str
    path: str
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1
    form: str = ""
    field: str = ""
    fix: Fix | None = None
    sheet: str | None = None
    cell_text: str = ""
    """The normalised text of the cell the finding is on (for baselines; not in the JSON contract)."""
    related: list[Location] = dc_field(default_factory=list)
    """The other cells that carry the same defect, reported once (an addition to cli.md's contract)."""

    hidden: ClassVar[frozenset[str]] = frozenset({"sheet", "cell_text"})

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as a row of its fields (the spool, the result cache and `-j` workers pass many), read back
        # with its repeated strings interned: a long run keeps ~100,000 findings naming a few paths and rules
        return (rebuild, (_ROW(self),))


# -- a diagnostic as a plain tuple ----------------------------------------------------------------------------
FIELDS = ("code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "form",
          "field", "fix", "sheet", "cell_text", "related")
"""A diagnostic as a tuple (what the spool and the result cache pickle), in this order (every field)."""
_ROW = attrgetter(*FIELDS)
_INTERNED = (0, 1, 2, 4, 9, 10, 13)
"""The fields of a row that repeat across findings (code, name, severity, path, form, field, cell text)."""


sort_key: Callable[[Diagnostic], tuple[str, int, int, str, int, int, str]] = attrgetter(
    "path", "line", "column", "code", "end_line", "end_column", "message")
"""The order of a run's diagnostics (cli.md: by path, then position, then code); read at once, as `_ROW`."""


def rows_of(diagnostics: Sequence[Diagnostic]) -> list[tuple[Any, ...]]:
    """Diagnostics as tuples of their fields (what the spool and the result cache pickle)."""
    row = _ROW
    return [row(d) for d in diagnostics]


def rebuild(values: tuple[Any, ...]) -> Diagnostic:
    """A diagnostic from its `rows_of` tuple, its repeated strings interned (what a run keeps in memory)."""
    row = list(values)
    intern = sys.intern
    for index in _INTERNED:
        item = row[index]
        if type(item) is str:
            row[index] = intern(item)
    return restore(row)


def restore(row: Sequence[Any]) -> Diagnostic:
    """A diagnostic from its `rows_of` tuple as it is (what a report reads once from the spool and drops)."""
    return made_diagnostic(*row)


made_diagnostic: Callable[..., Diagnostic] = slot_maker(Diagnostic)
"""`Diagnostic(...)` with every field given in `FIELDS` order, each slot set directly: the engine makes one per
finding, a report one per row."""
made_location: Callable[..., Location] = slot_maker(Location)
"""`Location(line, column, end_line, end_column, field)`, made as `made_diagnostic` makes a diagnostic."""
made_fix: Callable[..., Fix] = slot_maker(Fix)
made_edit: Callable[..., Edit] = slot_maker(Edit)


# A finding's fix, its edits and its related cells pickle as their makers and fields (a worker pickles every
# file's findings): the default way calls `copyreg` and the record's `__getstate__` for each.
_EDIT_FIELDS = attrgetter("line", "column", "end_line", "end_column", "content", "start", "end")
_FIX_FIELDS = attrgetter("applicability", "message", "edits")
_LOCATION_FIELDS = attrgetter("line", "column", "end_line", "end_column", "field")


def remade_edit(*values: Any) -> Edit:
    """An `Edit` from its pickled fields."""
    return made_edit(*values)


def remade_fix(*values: Any) -> Fix:
    """A `Fix` from its pickled fields."""
    return made_fix(*values)


def remade_location(*values: Any) -> Location:
    """A `Location` from its pickled fields."""
    return made_location(*values)


def dump(record: Diagnostic | Fix | Edit | Location) -> dict[str, Any]:
    """A finding (or its fix, edit, related cell) as the JSON contract's mapping: its fields in order, nested
    records as mappings, the fields the contract does not carry (`hidden`) left out."""
    return {name: _dumped(getattr(record, name)) for name in _shown_fields(type(record))}


def _dumped(item: Any) -> Any:
    if isinstance(item, (Diagnostic, Fix, Edit, Location)):
        return dump(item)
    if isinstance(item, list):
        return [_dumped(sub) for sub in item]
    if item is None or type(item) in (str, int, bool):
        return item
    raise TypeError(f"dump: {type(item).__name__} is not a plain field value")


_SHOWN: dict[type, tuple[str, ...]] = {}


def _shown_fields(cls: type[Diagnostic | Fix | Edit | Location]) -> tuple[str, ...]:
    shown = _SHOWN.get(cls)
    if shown is None:
        shown = _SHOWN[cls] = tuple(item.name for item in fields(cls) if item.name not in cls.hidden)
    return shown
