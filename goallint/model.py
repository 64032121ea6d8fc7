"""The form model: cells with exact locations, indicators, project and department forms, diagnostics and fixes.

Readers build these; rules read them; reports print them. Nothing here parses or checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial
from operator import itemgetter
from typing import Annotated, Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, InstanceOf


def _unset(raw: str) -> Any:
    raise RuntimeError("a cell's text is read by goallint.values: import it first")


_cell_text: Callable[[str], str] = _unset
_cell_value: Callable[[str], Any] = _unset


def read_cells_with(text: Callable[[str], str], value: Callable[[str], Any]) -> None:
    """Set how `Cell.text` and `Cell.value` read a cell's raw text. `goallint.values` sets them when it is
    imported: the model only holds cells, and what a cell means is the value layer's to say."""
    global _cell_text, _cell_value
    _cell_text, _cell_value = text, value


class Model(BaseModel):
    """The base of goallint's models. Their validation schemas are built on first validation, not when the
    class is made (`defer_build`): a one-form run validates nothing (readers and the value grammar `build`
    what they made themselves, findings are `trusted`, rule packs and profiles come validated from
    `snapshot`), and building the ~45 schemas at import was a tenth of that run. Input that is not ours (a
    pack, a config, a YAML form) is still validated, and the schema is built then."""

    model_config = ConfigDict(defer_build=True)


ModelT = TypeVar("ModelT", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def trusted(cls: type[ModelT], values: dict[str, Any], fields_set: set[str]) -> ModelT:
    """An instance from values known to be valid: what `model_construct` does, without its per-field loop
    (a long run reads back every finding from its spool).

    `values` must hold every field. Instances built this way may share one fields-set (pydantic only adds to
    it on assignment, and nothing here dumps with `exclude_unset`): no 216–728-byte set per object."""
    instance = _new(cls)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", fields_set)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def build(cls: type[ModelT], **values: Any) -> ModelT:
    """An instance of `cls` from values goallint made itself (a reader's cells, the grammar's numbers, a
    check's edits), by field name, the others at their defaults: `cls(**values)` without validation, so that
    the class's schema is never built on a run that validates nothing (see `Model`). The values must already
    be of the fields' types; a nested model's default is built the same way."""
    spec = _SPECS.get(cls) or _spec(cls)
    defaults, factories, required, names = spec
    if not required <= values.keys() <= names:
        missing = sorted(required - values.keys())
        raise TypeError(f"{cls.__name__}: missing {missing}" if missing
                        else f"{cls.__name__}: unknown {sorted(values.keys() - names)}")
    data = defaults.copy()
    data.update(values)
    for name, factory in factories:
        if name not in values:
            data[name] = factory()
    return trusted(cls, data, set(values))


_Spec = tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...], frozenset[str], frozenset[str]]
_SPECS: dict[type, _Spec] = {}


def _spec(cls: type[BaseModel]) -> _Spec:
    """(every field at its plain default, in field order; the fields made afresh for each instance, with what
    makes them; the required fields; every field)."""
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    required: set[str] = set()
    for name, info in cls.model_fields.items():
        defaults[name] = None if info.is_required() or info.default_factory is not None else info.default
        factory: Any = info.default_factory
        if factory is not None:
            if isinstance(factory, type) and issubclass(factory, BaseModel):
                factory = partial(build, factory)
            factories.append((name, factory))
        elif info.is_required():
            required.add(name)
        elif isinstance(info.default, (list, dict, set)):  # pydantic gives each instance its own copy
            factories.append((name, info.default.copy))
    spec = _SPECS[cls] = (defaults, tuple(factories), frozenset(required), frozenset(defaults))
    return spec


def dump(model: BaseModel) -> dict[str, Any]:
    """`model.model_dump(mode="json")` for models of plain fields (str, int, bool, None, nested models and
    lists of them; `exclude=True` fields left out), without building pydantic's serializer: a `--format json`
    run otherwise builds the schemas of `Diagnostic`, `Fix` and `Edit` (~15 ms of a one-form run)."""
    return {name: _dumped(getattr(model, name)) for name in _kept_fields(type(model))}


def _dumped(item: Any) -> Any:
    if isinstance(item, BaseModel):
        return dump(item)
    if isinstance(item, list):
        return [_dumped(sub) for sub in item]
    if item is None or type(item) in (str, int, bool):
        return item
    raise TypeError(f"dump: {type(item).__name__} is not a plain field value")


@cache
def _kept_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name, info in cls.model_fields.items() if not info.exclude)


class Span(NamedTuple):
    """Where a cell's text stands in its source.

    Lines and columns are 1-based; `end_column` is exclusive (one past the last character), as in ruff.
    Columns count characters (code points) of the decoded text, not bytes.
    `start`/`end` are character offsets into the decoded source text (text and structured readers), so that
    a fix can rewrite exactly that span. Excel cells carry `sheet` and `ref` (`B12`) instead of offsets.

    A named tuple, as `Cell`: the readers make one per field of every line (~150 per form), and a tuple is
    built in a third of the time of a pydantic model, holds a quarter of its memory, and is immutable.
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


OptCell = InstanceOf[Cell] | None
"""A model field holding a cell: checked to be one and kept as it is (never rebuilt from its fields)."""
OptSpan = InstanceOf[Span] | None


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


class Indicator(Model):
    """One row of the indicator table (绩效指标): three levels and the two value columns.

    `period_value` is the 实施周期 (or 中期) column, `annual_value` the 年度 column. Levels hold the labels as
    written; the profile resolves them to canonical keys.
    """

    level1: OptCell = None
    level2: OptCell = None
    name: OptCell = None
    period_value: OptCell = None
    annual_value: OptCell = None
    ignore: list[str] = Field(default_factory=list, alias="goallint-ignore")

    model_config = ConfigDict(populate_by_name=True)


class Task(Model):
    """A 年度重点工作任务 row (or 其他需完成的任务): name, content, amount in 元, expected result."""

    name: OptCell = None
    content: OptCell = None
    amount: OptCell = None
    expected: OptCell = None


class _FormBase(Model):
    model_config = ConfigDict(populate_by_name=True)

    path: str = ""
    """The file the form was read from, as given on the command line."""
    span: OptSpan = None
    """Where the form starts in its file (its title or first label)."""
    title: OptCell = None
    budget_year: int | None = None
    profile: str | None = None
    """Detected taxonomy profile: `dg2025`, `legacy` or `dg2019` (see rules/profiles)."""
    indicators: list[Indicator] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list, alias="goallint-ignore")
    unread: str | None = Field(default=None, exclude=True)
    """Why the form cannot be checked as a whole (only its header survived, or its layout was not
    recognised): the engine reports that once (GL001) instead of a cascade of missing fields."""


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
    cost_tables: list[InstanceOf[CostTable]] = Field(default_factory=list)  # 项目预算成本构成 / 资金使用计划


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
    tasks: list[Task] = Field(default_factory=list)  # 年度重点工作任务
    other_tasks: list[Task] = Field(default_factory=list)  # 其他需完成的任务
    task_amount_unit: Literal["元", "万元"] = "元"
    """The unit of a bare task amount (`预算金额(万元)` in the task table's heading)."""


Form = Annotated[ProjectForm | DepartmentForm, Field(discriminator="kind")]
AnyForm = ProjectForm | DepartmentForm


def form_name(form: AnyForm) -> str:
    """项目名称 or 部门名称 as reported in diagnostics' `form`."""
    return form.name.text if form.name is not None else ""


class Edit(Model):
    """Replace the source between (line, column) and (end_line, end_column) with `content`."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    start: int | None = Field(default=None, exclude=True)
    end: int | None = Field(default=None, exclude=True)


class Fix(Model):
    applicability: Literal["safe", "unsafe"] = "safe"
    message: str
    edits: list[Edit]


Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}


class Location(Model):
    """Another cell a finding names (`Diagnostic.related`): the same defect in the other column of its row."""

    line: int
    column: int
    end_line: int
    end_column: int
    field: str = ""


class Diagnostic(Model):
    """One finding, in the shape of cli.md's JSON contract."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1
    form: str = ""
    field: str = ""
    fix: Fix | None = None
    sheet: str | None = Field(default=None, exclude=True)
    cell_text: str = Field(default="", exclude=True)
    """The normalised text of the cell the finding is on (for baselines; not in the JSON contract)."""
    related: list[Location] = Field(default_factory=list)
    """The other cells that carry the same defect, reported once (an addition to cli.md's contract)."""


DIAGNOSTIC_FIELDS = set(Diagnostic.model_fields)
"""The one fields-set shared by every diagnostic built with `trusted` (the engine's, the spool's)."""


# -- a diagnostic as a plain tuple ----------------------------------------------------------------------------
FIELDS = ("code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "form",
          "field", "fix", "sheet", "cell_text", "related")
"""A diagnostic as a tuple (what the spool and the result cache pickle), in this order (every field)."""


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, int, int, str]:
    """The order of a run's diagnostics (cli.md: by path, then position, then code)."""
    return (d.path, d.line, d.column, d.code, d.end_line, d.end_column, d.message)


_ROW = itemgetter(*FIELDS)


def rows_of(diagnostics: Sequence[Diagnostic]) -> list[tuple[Any, ...]]:
    """Diagnostics as tuples of their fields (what the spool and the result cache pickle). On the main
    process of a long run: one `itemgetter` call per diagnostic, a third of the time of a generator."""
    row = _ROW
    return [row(d.__dict__) for d in diagnostics]


def rebuild(values: tuple[Any, ...]) -> Diagnostic:
    """A diagnostic from its `rows_of` tuple, without validation."""
    return trusted(Diagnostic, dict(zip(FIELDS, values, strict=True)), DIAGNOSTIC_FIELDS)
