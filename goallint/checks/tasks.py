"""Check kind `tasks`: each 年度重点工作任务 / 其他需完成的任务 row of a department form is complete."""

from __future__ import annotations

from typing import Literal

from goallint.arith.money import format_money
from goallint.checks.assert_ import cell_number
from goallint.checks.support.base import Finding, FormContext, check_messages
from goallint.model import Cell, DepartmentForm, Task, cell_text
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

LISTS: dict[str, str] = {"tasks": "年度重点工作任务", "other_tasks": "其他需完成的任务"}


PLACEHOLDERS = {"message": ("list", "row", "task"), "message_no_name": ("list", "row", "amount"),
                "message_neither": ("list", "row", "task")}
"""`{list}` the list's title (年度重点工作任务…), `{row}` the row (from 1). `message`: the row lacks its money,
`{task}` is its name; `message_no_name`: it lacks its name, `{amount}` is its money (`1,893,200`);
`message_neither`: it lacks both, `{task}` is the start of what the row says."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["tasks"] = "tasks"
    lists: tuple[Literal["tasks", "other_tasks"], ...] = ("tasks", "other_tasks")
    message: str
    message_no_name: str
    message_neither: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def _filled(cell: Cell | None) -> bool:
    return cell is not None and bool(cell.raw.strip())


def _first(task: Task) -> Cell | None:
    for cell in (task.name, task.content, task.amount, task.expected):
        if cell is not None and cell.raw.strip():
            return cell
    return None


def run(params: Params, ctx: FormContext) -> list[Finding]:
    form = ctx.form
    if not isinstance(form, DepartmentForm):
        return []
    out = []
    for key in params.lists:
        for row, task in enumerate(getattr(form, key), start=1):
            first = _first(task)
            if first is None:
                continue  # a blank row
            amount, named = cell_number(task.amount, "元"), _filled(task.name)
            if named and amount is not None:
                continue
            if named:
                message = params.message.format(list=LISTS[key], row=row, task=cell_text(task.name))
            elif amount is not None:
                message = params.message_no_name.format(list=LISTS[key], row=row, amount=format_money(amount))
            else:
                message = params.message_neither.format(list=LISTS[key], row=row, task=cell_text(first)[:20])
            cell = task.amount if not named and _filled(task.amount) else first
            out.append(Finding(message, cell, f"{LISTS[key]}/第{row}行"))
    return out
