"""Check kind `group`: cross-form rules over one department's forms in a run.

`summarize` keeps a small picklable summary of each form (department, type, budget in 元, the department's
budget lines and tasks, where to report); `run_group` compares them after every file of the run was read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from goallint.arith.money import format_money, format_wan
from goallint.checks.assert_ import cell_number
from goallint.checks.reconcile import budget_yuan
from goallint.checks.support.base import FormContext, GroupFinding, Placeholders, check_messages
from goallint.model import AnyForm, Cell, DepartmentForm, ProjectForm, Span, cell_text, form_name
from goallint.plumbing.memo import Memo
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

WAN = Decimal(10000)
TASK_TOLERANCE = Decimal(1)
"""A task amount must carry its project's budget to the yuan."""
LINE_LABELS: dict[str, str] = {"project": "项目支出", "special": "财政专项资金", "other_development": "其他事业发展性支出"}
_SPACES = re.compile(r"\s+")
_TASK_PREFIX = re.compile(r"^(任务|其他任务)?\s*\d{1,3}\s*[:：、.．]\s*")
_FOLD = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "：": ":", "，": ","})


class ProjectSummary(NamedTuple):
    """What the group rules keep of a project form: one is kept for every project form of a run, so it holds
    only what they compare (findings point at the department form) and is a tuple, not a dict: a run keeps one per project form."""

    department: str
    year: int | None
    name: str
    type: str
    budget: str | None
    """元, as a string (exact and small)."""


Loc = tuple[int, int, int, int]
"""line, column, end_line, end_column of what a finding points at."""


class Line(NamedTuple):
    value: str | None
    """万元, as a string."""
    loc: Loc


class TaskSummary(NamedTuple):
    name: str
    """Normalised (matched against project names)."""
    shown: str
    """As written (in messages)."""
    amount: str | None
    """元, as a string."""
    loc: Loc


class DepartmentSummary(NamedTuple):
    """What the group rules keep of a department form: its budget lines and tasks, and where to report."""

    path: str
    form: str
    year: int | None
    department: str
    lines: dict[str, Line]
    tasks: tuple[TaskSummary, ...]


Summary = ProjectSummary | DepartmentSummary


LineKey = Literal["project", "special", "other_development"]


def _default_lines() -> dict[LineKey, list[str]]:
    return {"project": ["其他运转类", "其他特定目标类"], "special": ["专项资金"], "other_development": ["其他事业发展性"]}


PLACEHOLDERS: dict[str, Placeholders] = {
    "projects_vs_department": {"message": ("line", "types", "projects", "department", "difference", "count")},
    "task_vs_project": {"message": ("task", "amount", "budget", "difference")},
}


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["group"] = "group"
    test: Literal["projects_vs_department", "task_vs_project"]
    lines: dict[LineKey, list[str]] = dc_field(default_factory=_default_lines)
    """Department line → the 项目类型 (prefixes) whose project budgets it must equal."""
    tolerance: Decimal = Decimal(50)
    """元 allowed per department line (a line shown to 0.01万元 can be off by 0.005万元 = 50元)."""
    message: str
    """Chinese. projects_vs_department: `{line}`, `{types}`, `{projects}`, `{department}`, `{difference}`,
    `{count}`; task_vs_project: `{task}`, `{amount}`, `{budget}`, `{difference}`."""

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS[self.test])


def normalize_name(text: str) -> str:
    """A department, project or task name as compared across forms: no spaces, `任务1:` prefix dropped,
    full-width brackets and quotes folded."""
    return _NAMES[text]


_NAMES: Memo[str, str] = Memo(lambda text: _TASK_PREFIX.sub("", _SPACES.sub("", text)).translate(_FOLD).strip(" .。,;；"))
"""`normalize_name` per text (a department's name, its project types and task names recur form after form)."""


def _loc(cell: Cell | None, form: AnyForm) -> Loc:
    span: Span | None = cell.span if cell is not None and cell.span is not None else form.span
    return (span.line, span.column, span.end_line, span.end_column) if span else (1, 1, 1, 1)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def summarize(params: Params, ctx: FormContext) -> Summary | None:
    """What the group rules keep of one form (strings for numbers: small and picklable)."""
    form = ctx.form
    if isinstance(form, ProjectForm):
        owner = form.department if form.department is not None and not form.department.is_empty \
            else form.spending_unit
        return ProjectSummary(normalize_name(cell_text(owner)), form.budget_year, normalize_name(form_name(form)),
                              normalize_name(cell_text(form.project_type)), _decimal(budget_yuan(form)))
    assert isinstance(form, DepartmentForm)
    lines = {key: Line(_decimal(cell_number(getattr(form, key), "万元")), _loc(getattr(form, key), form))
             for key in LINE_LABELS}
    tasks = tuple(TaskSummary(normalize_name(cell_text(task.name)), cell_text(task.name),
                              _decimal(cell_number(task.amount, "元")), _loc(task.amount or task.name, form))
                  for task in [*form.tasks, *form.other_tasks] if task.name is not None and not task.name.is_empty)
    return DepartmentSummary(form.path, form_name(form), form.budget_year, normalize_name(form_name(form)), lines,
                             tasks)


def _groups(summaries: Iterable[Summary]) -> Iterator[tuple[DepartmentSummary, list[ProjectSummary]]]:
    """Each department form with the project forms of the same department (and budget year, when known)."""
    departments: list[DepartmentSummary] = []
    by_department: dict[str, list[ProjectSummary]] = {}  # one pass, not one per department form
    for item in summaries:
        if isinstance(item, ProjectSummary):
            by_department.setdefault(item.department, []).append(item)
        elif item.department:
            departments.append(item)
    for dept in departments:
        projects = _distinct([p for p in by_department.get(dept.department, [])
                              if p.year is None or dept.year is None or p.year == dept.year])
        if projects:
            yield dept, projects


def _distinct(projects: list[ProjectSummary]) -> list[ProjectSummary]:
    """One project read from several files (a .txt and its converted .yaml or .xlsx copy) counts once: copies
    agree on name, type and budget. Same-named projects with different budgets are kept apart."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for project in projects:
        key = (project.name, project.type, project.budget) if project.name else (id(project),)
        if key not in seen:
            seen.add(key)
            out.append(project)
    return out


def _finding(dept: DepartmentSummary, loc: Loc, message: str, field: str) -> GroupFinding:
    line, column, end_line, end_column = loc
    return GroupFinding(path=dept.path, form=dept.form, message=message, field=field, line=line,
                        column=column, end_line=end_line, end_column=end_column)


def _matches(project_type: str, prefixes: list[str]) -> bool:
    return any(normalize_name(prefix) in project_type for prefix in prefixes)


def _projects_vs_department(params: Params, dept: DepartmentSummary,
                            projects: list[ProjectSummary]) -> Iterator[GroupFinding]:
    if all(line.value is None for line in dept.lines.values()):
        return  # no budget table read: the `required` kind reports that
    known = [p for p in projects if p.budget is not None and any(_matches(p.type, t) for t in params.lines.values())]
    placed = {id(p) for p in known}
    unknown = sum((Decimal(p.budget) for p in projects if id(p) not in placed and p.budget is not None), Decimal(0))
    if any(p.budget is None for p in projects):
        unknown = Decimal("Infinity")  # a project without a readable budget could fill any line
    for key, prefixes in params.lines.items():
        line = dept.lines[key]
        stated = Decimal(line.value or 0) * WAN
        mine = [p for p in known if _matches(p.type, prefixes)]
        total = sum((Decimal(p.budget) for p in mine if p.budget is not None), Decimal(0))
        if total - params.tolerance <= stated <= total + unknown + params.tolerance:
            continue
        message = params.message.format(
            line=LINE_LABELS[key], types="、".join(prefixes), projects=format_money(total), count=len(mine),
            department=f"{format_wan(stated / WAN)}（{format_money(stated)}）",
            difference=format_money(abs(stated - total)))
        yield _finding(dept, line.loc, message, LINE_LABELS[key])


def _task_vs_project(params: Params, dept: DepartmentSummary,
                     projects: list[ProjectSummary]) -> Iterator[GroupFinding]:
    budgets: dict[str, list[Decimal]] = {}
    for project in projects:
        if project.budget is not None and project.name:
            budgets.setdefault(project.name, []).append(Decimal(project.budget))
    for task in dept.tasks:
        found = budgets.get(task.name)
        if not found or task.amount is None:
            continue
        amount = Decimal(task.amount)
        if any(abs(amount - budget) <= TASK_TOLERANCE for budget in found):
            continue
        closest = min(found, key=lambda budget: abs(amount - budget))
        message = params.message.format(task=task.shown, amount=format_money(amount),
                                        budget=format_money(closest), difference=format_money(abs(amount - closest)))
        yield _finding(dept, task.loc, message, "年度重点工作任务/" + task.shown)


def run_group(params: Params, summaries: Iterable[Summary]) -> Iterator[GroupFinding]:
    for dept, projects in _groups(summaries):
        if params.test == "projects_vs_department":
            yield from _projects_vs_department(params, dept, projects)
        else:
            yield from _task_vs_project(params, dept, projects)


def run(params: Params, ctx: FormContext) -> Iterator[Any]:
    """Group rules find nothing on one form alone (the engine calls `summarize` and `run_group`)."""
    return iter(())
