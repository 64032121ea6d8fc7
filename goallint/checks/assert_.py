"""Check kind `assert`: an arithmetic comparison over named form fields (grammar/expr.lark), such as a budget adding up.

The names an expression may use are the table `FIELDS` below, the one place that maps names to the model.
Department budget-table fields are in 万元, task amounts and project budgets in 元.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field as dc_field
from decimal import Decimal
from functools import cache, cached_property
from typing import Literal, NamedTuple

from goallint.arith.expr import (
    Compiled,
    Env,
    EvalError,
    ExprError,
    FieldKind,
    compile_expr,
    evaluate,
    holds,
    render,
)
from goallint.arith.money import format_number
from goallint.arith.readings import PLAIN_NUMBER, amounts, read_money
from goallint.checks.support.base import Finding, FormContext, check_messages
from goallint.model import AnyForm, Cell, DepartmentForm, ProjectForm, Task
from goallint.plumbing.memo import Memo
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

WAN = Decimal(10000)


@record(frozen=True)
class FieldSpec:
    """One name an expression may use: its Chinese label, the form kind, the unit and how to read it."""

    label: str
    form: Literal["project", "department"]
    cells: Callable[[AnyForm], list[Cell | None]]
    kind: FieldKind = "scalar"
    unit: Literal["元", "万元", ""] = "万元"


def _dept(attribute: str) -> Callable[[AnyForm], list[Cell | None]]:
    return lambda form: [getattr(form, attribute)] if isinstance(form, DepartmentForm) else []


def _proj(attribute: str) -> Callable[[AnyForm], list[Cell | None]]:
    return lambda form: [getattr(form, attribute)] if isinstance(form, ProjectForm) else []


def _total(form: AnyForm) -> list[Cell | None]:
    """财政拨款 + 其他资金; where the form gives neither, its stated whole budget (资金总额 / 合计)."""
    if not isinstance(form, DepartmentForm):
        return []
    income = [form.appropriation, form.other_income]
    if all(cell is None or cell.is_empty for cell in income) and form.budget is not None:
        return [form.budget]
    return income


def _amounts(attribute: str) -> Callable[[AnyForm], list[Cell | None]]:
    def cells(form: AnyForm) -> list[Cell | None]:
        tasks: list[Task] = getattr(form, attribute) if isinstance(form, DepartmentForm) else []
        return [task.amount for task in tasks]
    return cells


FIELDS: dict[str, FieldSpec] = {
    "expenditure.basic": FieldSpec("基本支出", "department", _dept("basic")),
    "expenditure.project": FieldSpec("项目支出", "department", _dept("project")),
    "expenditure.special": FieldSpec("财政专项资金", "department", _dept("special")),
    "expenditure.other_development": FieldSpec("其他事业发展性支出", "department", _dept("other_development")),
    "income.appropriation": FieldSpec("财政拨款", "department", _dept("appropriation")),
    "income.other": FieldSpec("其他资金", "department", _dept("other_income")),
    "income.city_level": FieldSpec("市本级使用资金", "department", _dept("city_level")),
    "income.transfer": FieldSpec("拟用于对下转移支付资金", "department", _dept("transfer")),
    "total": FieldSpec("部门收入合计（财政拨款 + 其他资金，或资金总额）", "department", _total),
    "staff_count": FieldSpec("财政供养人员数", "department", _dept("staff_count"), unit=""),
    "subunit_count": FieldSpec("下属二级单位数", "department", _dept("subunit_count"), unit=""),
    "tasks.amount": FieldSpec("年度重点工作任务资金", "department", _amounts("tasks"), "list", "元"),
    "other_tasks.amount": FieldSpec("其他需完成的任务资金", "department", _amounts("other_tasks"), "list", "元"),
    "budget": FieldSpec("年度预算金额", "project", _proj("budget"), unit="元"),
    "period_budget": FieldSpec("中期预算金额", "project", _proj("period_budget"), unit="万元"),
}
"""Every field name of the expression language. `total` is 财政拨款 + 其他资金 (either may be empty), or the
stated 资金总额 where the form gives neither."""
FIELD_KINDS: dict[str, FieldKind] = {name: spec.kind for name, spec in FIELDS.items()}
LABELS: dict[str, str] = {name: spec.label for name, spec in FIELDS.items()}


def _scaled(number: Decimal | None, cell: Cell | None, bare: str | None, unit: str) -> Decimal | None:
    """A bare number (no unit of its own) written in `bare`, as a number in `unit`."""
    if number is None or bare is None or bare == unit or cell is None or _UNIT_STATED[cell.raw]:
        return number
    return number * WAN if bare == "万元" and unit == "元" else number / WAN if bare == "元" and unit == "万元" else number


def cell_number(cell: Cell | None, unit: str) -> Decimal | None:
    """A cell as a number in `unit`: `1,684.82` → 1684.82; `574.11万元` in 万元; None when not one number."""
    if cell is None or not cell.raw.strip():  # `Cell.is_empty`, asked without a call
        return None
    return _NUMBERS[cell.raw, unit]


_NUMBERS: Memo[tuple[str, str], Decimal | None] = Memo(lambda key: read_money(key[0], key[1]))
"""`cell_number` per (raw text, unit): budget lines and task amounts are read by several kinds of every
department form (`read_money` is `money_in(amounts(Cell(raw).value), unit)`, a plain number read without the
value grammar)."""
_UNIT_STATED: Memo[str, bool] = Memo(
    lambda raw: PLAIN_NUMBER.fullmatch(raw) is None and bool(amounts(Cell(raw).value)[0].unit.base))
"""Whether a cell's one amount states its unit, per raw text (asked only of a cell read as one number; a plain
number states none)."""


def _bare_unit(name: str, form: AnyForm, cell: Cell | None) -> str | None:
    """The unit a bare number of this field is written in, where the form says so (a task table headed
    `预算金额(万元)`; a department's budget read under `单位:元`)."""
    if isinstance(form, DepartmentForm):
        if name.endswith("tasks.amount"):
            return form.task_amount_unit
        if cell is not None and cell is form.budget:
            return form.budget_unit
    return None


def field_value(name: str, form: AnyForm) -> Decimal | list[Decimal] | None:
    """The value of a field on a form, None when empty (a list field skips unreadable items: the `tasks` kind reports them)."""
    spec = FIELDS[name]
    numbers = [_scaled(cell_number(cell, spec.unit), cell, _bare_unit(name, form, cell), spec.unit)
               for cell in spec.cells(form)]
    if spec.kind == "list":
        return [number for number in numbers if number is not None]
    present = [number for number in numbers if number is not None]
    return sum(present, Decimal(0)) if present else None


PLACEHOLDERS = {"message": ("left", "right", "left_value", "right_value", "difference", "tolerance")}


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["assert"] = "assert"
    expr: str
    """`left comparator right`, e.g. `expenditure.basic + expenditure.project ≈ income.appropriation`."""
    message: str
    """Chinese, with `{left}`/`{right}` (each term's label and value), `{left_value}`, `{right_value}`,
    `{difference}` (|left − right|), `{tolerance}`."""
    tolerance: Decimal = dc_field(default=Decimal(0), metadata={"ge": 0})
    """Allowed difference (an inline `≈[x]` wins)."""
    per_term: bool = False
    """Multiply the tolerance by the number of field terms (rounding of each shown value adds up)."""
    missing: Literal["skip", "zero"] = "skip"
    """An empty field: skip the form, or count it as 0 (the form is still skipped when a side is all empty)."""
    at: str | None = None
    """The field whose cell a finding is reported at (default: the first field of the expression)."""

    @cached_property
    def compiled(self) -> Compiled:
        """The expression as compiled when the pack was validated: pickled with the packs' snapshot (it is in
        the instance's `__dict__`), so a run over unchanged packs neither loads the expression grammar nor
        parses."""
        return compiled(self.expr)

    def __post_init__(self) -> None:
        try:
            self.compiled  # noqa: B018 - compiled now: a bad expression is a pack error
        except ExprError as exc:
            raise ValueError(f"expr: {exc}") from None
        if self.at is not None and self.at not in FIELDS:
            raise ValueError(f"at: 未知的字段 {self.at!r}")
        check_messages(self, PLACEHOLDERS)


@cache
def compiled(expr: str) -> Compiled:
    """An expression compiled against `FIELDS` (once per process and expression)."""
    return compile_expr(expr, FIELD_KINDS)


class _Plan(NamedTuple):
    """What running an expression asks of every form, worked out once per rule: the form kind its fields
    belong to ('' when they belong to both, None when it reads none), its distinct fields, and each side's."""

    kind: str | None
    fields: tuple[str, ...]
    left: tuple[str, ...]
    right: tuple[str, ...]


_PLANS: dict[int, tuple[Compiled, _Plan]] = {}


def _plan(expression: Compiled) -> _Plan:
    known = _PLANS.get(id(expression))
    if known is not None and known[0] is expression:
        return known[1]
    kinds = {FIELDS[name].form for name in expression.fields}
    sides = [tuple(str(".".join(str(t) for t in node.children)) for node in tree.find_data("field"))
             for tree in (expression.left, expression.right)]
    plan = _Plan(None if not kinds else kinds.pop() if len(kinds) == 1 else "",
                 tuple(dict.fromkeys(expression.fields)), sides[0], sides[1])
    if len(_PLANS) >= 256:
        _PLANS.clear()
    _PLANS[id(expression)] = (expression, plan)  # the expression kept alive: its id is not reused meanwhile
    return plan


def _present(names: tuple[str, ...], env: Env) -> bool:
    """Whether a side reads at least one field with a value (a side of constants counts as present)."""
    return not names or any(env.get(name) is not None for name in names)


def _field_values(ctx: FormContext) -> dict[str, Decimal | list[Decimal] | None]:
    """The form's field values read so far, shared by the form's assert rules (they read the same totals)."""
    known: dict[str, Decimal | list[Decimal] | None] | None = ctx.memo.get("assert-fields")
    if known is None:
        known = ctx.memo["assert-fields"] = {}
    return known


def _cell_at(name: str, form: AnyForm) -> Cell | None:
    return next((cell for cell in FIELDS[name].cells(form) if cell is not None), None)


def run(params: Params, ctx: FormContext) -> list[Finding]:
    expression = params.compiled
    form = ctx.form
    plan = _plan(expression)
    if plan.kind is not None and plan.kind != form.kind:
        return []
    values = _field_values(ctx)
    env: dict[str, Decimal | list[Decimal] | None] = {}
    for name in plan.fields:
        if name not in values:
            values[name] = field_value(name, form)
        env[name] = values[name]
    if params.missing == "skip" and any(value is None for value in env.values()):
        return []
    if not (_present(plan.left, env) and _present(plan.right, env)):
        return []
    env = {name: (Decimal(0) if value is None else value) for name, value in env.items()}
    try:
        left, right = evaluate(expression.left, env), evaluate(expression.right, env)
    except EvalError:
        return []
    tolerance = expression.tolerance if expression.tolerance is not None else params.tolerance
    if params.per_term:  # each amount written in the form carries its own rounding (`total` may be two)
        tolerance *= max(1, sum(len(FIELDS[name].cells(form)) for name in plan.fields))
    if holds(expression.op, left, right, tolerance):
        return []
    message = params.message.format(
        left=render(expression.left, env, LABELS), right=render(expression.right, env, LABELS),
        left_value=format_number(left), right_value=format_number(right),
        difference=format_number(abs(left - right)), tolerance=format_number(tolerance, 4))
    at = params.at or (expression.fields[0] if expression.fields else None)
    cell = _cell_at(at, form) if at is not None else None
    return [Finding(message, cell, LABELS.get(at, "") if at and cell is not None else "")]
