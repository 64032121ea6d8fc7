"""The structured (YAML/JSON) form format as pydantic input models: what a person writes by hand.

These models are the input schema (`goallint schema` prints their JSON Schema); cells are plain scalars here.
The reader (`goallint/readers/structured.py`) validates against them and builds the plain internal model
(`goallint/model.py`, whose cells carry spans); `to_document` goes the other way for `goallint convert`.
Only the structured reader, `goallint schema` and `goallint convert` import this module (and pydantic).
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from goallint.model import AnyForm, Cell, CostTable, DepartmentForm, Indicator, ProjectForm, Task

CellText = Annotated[
    str | int | float | None,
    Field(description="A cell's text as written; numbers are read as the text written (`574.10` stays `574.10`)."),
]
MoneyUnit = Literal["元", "万元"]


def _as_list(value: object) -> object:
    """`goallint-ignore: GL404` is accepted as a one-item list."""
    return [value] if isinstance(value, str) else value


class _Strict(BaseModel):
    # schemas built on first use, not at import: a YAML run validates each form against its kind's model only
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class _Waivable(_Strict):
    ignore: list[str] = Field(
        default_factory=list,
        alias="goallint-ignore",
        description="Rule codes or names waived here, e.g. [GL404].",
    )

    _ignore_list = field_validator("ignore", mode="before")(_as_list)


class IndicatorIn(_Waivable):
    """One 绩效指标 row. An omitted `level1`/`level2` continues the previous indicator's (carry-down)."""

    level1: CellText = Field(default=None, description="一级指标; omitted: the previous indicator's.")
    level2: CellText = Field(default=None, description="二级指标; omitted: the previous indicator's.")
    name: CellText = Field(default=None, description="三级指标")
    period: CellText = Field(default=None, description="实施周期指标值 (dg2019: 中期指标值)")
    annual: CellText = Field(default=None, description="年度指标值")


class TaskIn(_Strict):
    """A 年度重点工作任务 / 其他需完成的任务 row."""

    name: CellText = Field(default=None, description="名称")
    content: CellText = Field(default=None, description="主要实施内容")
    amount: CellText = Field(default=None, description="拟投入的资金（元）")
    expected: CellText = Field(default=None, description="期望达到的目标（概述）")


class CostTableIn(_Strict):
    """A cost build-up table (项目预算成本构成, 资金使用计划): amount columns, then rows of an item and its amounts."""

    title: CellText = Field(default=None, description="The table's title (项目预算成本构成 …).")
    unit: MoneyUnit = Field(default="元", description="Unit of a bare amount.")
    columns: list[CellText] = Field(default_factory=list, description="The amount columns' headings (金额, 财政资金 …).")
    rows: list[list[CellText]] = Field(
        default_factory=list,
        description="Each row: the item, then its amount in each column; a row whose item is 合计/总计/小计 is the total.")


_CELL_TYPE = str | int | float | None
_TITLE = "The form's title line (项目绩效目标表, 批复表 …)."
_PROFILE = "Taxonomy profile: dg2025, legacy or dg2019; detected when absent."
_YEAR = "预算年度, e.g. 2025."


class _FormIn(_Waivable):
    """Keys shared by both kinds of form."""


class ProjectFormIn(_FormIn):
    """项目绩效目标表 / 批复表."""

    kind: Literal["project"]
    title: CellText = Field(default=None, description=_TITLE)
    name: CellText = Field(default=None, description="项目名称")
    project_type: CellText = Field(default=None, description="项目类型")
    project_level: CellText = Field(default=None, description="项目等级")
    department: CellText = Field(default=None, description="主管部门")
    spending_unit: CellText = Field(default=None, description="用款单位 / 预算单位")
    issuer: CellText = Field(default=None, description="批复单位")
    budget_year: int | None = Field(default=None, description=_YEAR)
    period_start: CellText = Field(default=None, description="实施周期 起始年度")
    period_end: CellText = Field(default=None, description="实施周期 到期年度")
    budget: CellText = Field(default=None, description="年度预算金额")
    budget_unit: MoneyUnit = Field(default="元", description="Unit of `budget`.")
    period_budget: CellText = Field(default=None, description="中期市财政预算 (dg2019)")
    period_budget_unit: MoneyUnit = Field(default="万元", description="Unit of `period_budget`.")
    period_goal: CellText = Field(default=None, description="实施周期总目标 / 中期目标")
    annual_goal: CellText = Field(default=None, description="年度目标")
    approval: CellText = Field(default=None, description="批复意见")
    overview: CellText = Field(default=None, description="项目概况 / 项目内容 / 立项依据 (free text)")
    cost_tables: list[CostTableIn] = Field(default_factory=list, description="项目预算成本构成 / 资金使用计划")
    profile: str | None = Field(default=None, description=_PROFILE)
    indicators: list[IndicatorIn] = Field(default_factory=list, description="绩效指标, top to bottom.")


class DepartmentFormIn(_FormIn):
    """部门整体预算绩效目标申报表. Budget-table money is in 万元, task amounts in 元."""

    kind: Literal["department"]
    title: CellText = Field(default=None, description=_TITLE)
    name: CellText = Field(default=None, description="部门名称")
    department: CellText = Field(default=None, description="主管部门 (the department itself when no other is named)")
    budget: CellText = Field(default=None, description="资金总额 / 合计: the department's whole budget")
    budget_unit: MoneyUnit = Field(default="万元", description="Unit of `budget` (the budget table's 万元 unless said).")
    budget_year: int | None = Field(default=None, description=_YEAR)
    staff_count: CellText = Field(default=None, description="财政供养人员数")
    subunit_count: CellText = Field(default=None, description="下属二级单位数")
    basic: CellText = Field(default=None, description="基本支出（万元）")
    project: CellText = Field(default=None, description="项目支出（万元）")
    special: CellText = Field(default=None, description="财政专项资金（万元）")
    other_development: CellText = Field(default=None, description="其他事业发展性支出（万元）")
    appropriation: CellText = Field(default=None, description="财政拨款（万元）")
    other_income: CellText = Field(default=None, description="其他资金（万元）")
    city_level: CellText = Field(default=None, description="市本级使用资金（万元）")
    transfer: CellText = Field(default=None, description="拟用于对下转移支付资金（万元）")
    overall_goal: CellText = Field(default=None, description="总体绩效目标")
    annual_goal: CellText = Field(default=None, description="年度总体目标 / 年度绩效总目标")
    task_amount_unit: MoneyUnit = Field(default="元", description="Unit of a bare task `amount`.")
    tasks: list[TaskIn] = Field(default_factory=list, description="年度重点工作任务")
    other_tasks: list[TaskIn] = Field(default_factory=list, description="其他需完成的任务")
    profile: str | None = Field(default=None, description=_PROFILE)
    indicators: list[IndicatorIn] = Field(default_factory=list, description="绩效指标, top to bottom.")


FormIn = Annotated[ProjectFormIn | DepartmentFormIn, Field(discriminator="kind")]


class DocumentIn(_Strict):
    """A form file: a `forms` list."""

    forms: list[FormIn] = Field(default_factory=list)


RootT = TypeVar("RootT")


class _DeferredRoot(RootModel[RootT], Generic[RootT]):
    """`RootModel` with its schema deferred, as the input models': a parametrised `RootModel[...]` is built as
    soon as it is made, and this one's (every input model inlined) took ~25 ms of each YAML run's imports."""

    model_config = ConfigDict(defer_build=True)


class StructuredFile(_DeferredRoot[DocumentIn | list[FormIn] | FormIn]):
    """A structured form file: `{forms: [...]}`, a bare list of forms, or one form mapping."""

    # `goallint schema` prints its schema; the reader validates each form against its kind's model


INDICATOR_KEYS: dict[str, str] = {
    "level1": "level1",
    "level2": "level2",
    "name": "name",
    "period": "period_value",
    "annual": "annual_value",
}
"""Indicator key in the structured format → field of `goallint.model.Indicator`."""

TASK_KEYS = ("name", "content", "amount", "expected")
CARRY_DOWN_KEYS = ("level1", "level2")


def form_model(kind: str) -> type[ProjectFormIn] | type[DepartmentFormIn]:
    """The input model of a form kind (`project` or `department`)."""
    return ProjectFormIn if kind == "project" else DepartmentFormIn


def form_cell_keys(kind: str) -> list[str]:
    """The cell-valued keys of a form of this kind, in canonical order."""
    return [key for key, info in form_model(kind).model_fields.items() if info.annotation == _CELL_TYPE]


def form_schema() -> dict[str, Any]:
    """The JSON Schema of a structured form file."""
    schema = StructuredFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "goallint structured form file"
    return schema


def _cell_raw(cell: Cell | None) -> str | None:
    return cell.raw if cell is not None else None


def _indicator_entry(indicator: Indicator, previous: Indicator | None) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for key, field in INDICATOR_KEYS.items():
        raw = _cell_raw(getattr(indicator, field))
        if key in CARRY_DOWN_KEYS and previous is not None:
            if raw is not None and raw == _cell_raw(getattr(previous, field)):
                continue  # carried down from the previous indicator
            if raw is None and getattr(previous, field) is not None:
                entry[key] = None  # explicit: not carried
                continue
        if raw is not None:
            entry[key] = raw
    if indicator.ignore:
        entry["goallint-ignore"] = list(indicator.ignore)
    return entry


def _task_entry(task: Task) -> dict[str, Any]:
    return {key: raw for key in TASK_KEYS if (raw := _cell_raw(getattr(task, key))) is not None}


def _cost_entry(table: CostTable) -> dict[str, Any]:
    rows = [*table.rows, *([table.total] if table.total is not None else [])]
    entry: dict[str, Any] = {"title": _cell_raw(table.title)} if table.title is not None else {}
    entry["unit"] = table.unit
    entry["columns"] = [cell.raw for cell in table.columns]
    entry["rows"] = [[row.item.raw, *(_cell_raw(cell) for cell in row.amounts)] for row in rows]
    return entry


def form_entry(form: AnyForm) -> dict[str, Any]:
    """One internal form as a plain mapping in the canonical key order of the structured format."""
    entry: dict[str, Any] = {"kind": form.kind}
    for key, info in form_model(form.kind).model_fields.items():
        if key in ("kind", "ignore", "indicators", "tasks", "other_tasks", "cost_tables"):
            continue
        value = getattr(form, key)
        if isinstance(value, Cell):
            entry[key] = value.raw
        elif value is not None and (value != info.default or key == "budget_unit" and form.kind == "department"
                                    and form.budget is not None):
            entry[key] = value  # a department budget's 万元 is written: project budgets default to 元
    if form.ignore:
        entry["goallint-ignore"] = list(form.ignore)
    if isinstance(form, DepartmentForm):
        for key in ("tasks", "other_tasks"):
            tasks = getattr(form, key)
            if tasks:
                entry[key] = [_task_entry(task) for task in tasks]
    if isinstance(form, ProjectForm) and form.cost_tables:
        entry["cost_tables"] = [_cost_entry(table) for table in form.cost_tables]
    if form.indicators:
        previous: list[Indicator | None] = [None, *form.indicators[:-1]]
        entry["indicators"] = [_indicator_entry(ind, prev) for ind, prev in zip(form.indicators, previous, strict=True)]
    return entry


def to_document(forms: list[AnyForm]) -> dict[str, Any]:
    """Forms as a canonical structured document `{forms: [...]}` (plain dicts, lists and strings)."""
    return {"forms": [form_entry(form) for form in forms]}


__all__ = [
    "CostTableIn",
    "DepartmentFormIn",
    "DocumentIn",
    "FormIn",
    "IndicatorIn",
    "ProjectFormIn",
    "StructuredFile",
    "TaskIn",
    "form_cell_keys",
    "form_entry",
    "form_model",
    "form_schema",
    "to_document",
]
