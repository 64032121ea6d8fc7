"""Check kind `tasks`: each 年度重点工作任务 / 其他需完成的任务 row of a department form is complete (GL503)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.arith.money import format_money
from goallint.checks.assert_ import cell_number
from goallint.checks.base import Finding, FormContext
from goallint.model import Cell, DepartmentForm, Model, Task, cell_text

LISTS: dict[str, str] = {"tasks": "年度重点工作任务", "other_tasks": "其他需完成的任务"}


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["tasks"] = "tasks"
    lists: list[Literal["tasks", "other_tasks"]] = ["tasks", "other_tasks"]
    message: str
    """Chinese, with `{list}` (年度重点工作任务…), `{row}` (1-based), `{task}` (the name or the amount shown),
    `{missing}` (名称 / 拟投入的资金 / 名称和拟投入的资金)."""


def _filled(cell: Cell | None) -> bool:
    return cell is not None and not cell.is_empty


def _first(task: Task) -> Cell | None:
    return next((cell for cell in (task.name, task.content, task.amount, task.expected) if _filled(cell)), None)


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    form = ctx.form
    if not isinstance(form, DepartmentForm):
        return
    for key in params.lists:
        for row, task in enumerate(getattr(form, key), start=1):
            if _first(task) is None:
                continue  # a blank row
            amount = cell_number(task.amount, "元")
            missing = [label for label, absent in (("名称", not _filled(task.name)), ("拟投入的资金", amount is None))
                       if absent]
            if not missing:
                continue
            shown = cell_text(task.name) if _filled(task.name) else (
                f"拟投入资金 {format_money(amount)}" if amount is not None else cell_text(_first(task))[:20])
            cell = task.amount if not _filled(task.name) and _filled(task.amount) else _first(task)
            yield Finding(params.message.format(list=LISTS[key], row=row, task=shown, missing="和".join(missing)),
                          cell, f"{LISTS[key]}/第{row}行")
