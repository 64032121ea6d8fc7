"""What the assembler made of each cell and row, kept only when asked (`goallint convert FILE --explain`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from goallint.model import Cell, Span

ROLE_NAMES = {
    "title": "表头标题", "year": "预算年度", "label": "栏目名", "value": "栏目内容", "other": "不检查的栏目", "other_value": "不检查的栏目内容",
    "structural": "分组标题", "goal": "目标", "unit_note": "金额单位", "header": "指标表表头", "section": "绩效指标",
    "l1": "一级指标", "l2": "二级指标", "name": "三级指标", "period": "实施期指标值", "annual": "年度指标值",
    "l2b": "二级指标（年度）", "nameb": "三级指标（年度）", "comparator": "指标值符号", "unit": "计量单位",
    "actual": "上年实际值", "weight": "权重/分值", "descriptive": "说明栏（不是指标值）", "extra": "未识别的栏目",
    "task": "任务", "task_header": "任务表表头", "cost_title": "成本构成表标题", "cost_header": "成本构成表表头",
    "cost_item": "成本构成项目", "cost_amount": "成本构成金额", "cost_total": "成本构成合计", "footer": "表尾（审核、签章、注）",
    "ignored": "未使用",
}
"""A role as a reviewer reads it."""


@dataclass(slots=True)
class Note:
    """One cell's role (`role` a key of ROLE_NAMES, `detail` the field or column it went to)."""

    cell: Cell
    role: str
    detail: str = ""


@dataclass(slots=True)
class Event:
    """Where a form or table starts or ends: the row's first cell and what happened there."""

    cell: Cell
    what: str


@dataclass(slots=True)
class Trace:
    notes: list[Note] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def note(self, cell: Cell, role: str, detail: str = "") -> None:
        self.notes.append(Note(cell, role, detail))

    def event(self, cell: Cell, what: str) -> None:
        self.events.append(Event(cell, what))


def where(span: Span | None) -> str:
    """A cell's place as reports print it: `sheet!F16` for workbooks, `line:column` for text."""
    if span is None:
        return "?"
    if span.ref is not None:
        return f"{span.sheet}!{span.ref}" if span.sheet else span.ref
    return f"{span.line}:{span.column}"
