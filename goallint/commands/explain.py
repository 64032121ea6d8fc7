"""`goallint convert FILE --explain`: what each cell was read as, and where forms and tables start and end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from goallint.checks.support.fields import FIELD_LABELS
from goallint.layout import assemble
from goallint.layout.explain import ROLE_NAMES, Trace, where
from goallint.model import AnyForm, Cell
from goallint.plumbing.records import record
from goallint.readers import read_path
from goallint.readers.base import Rows

_STRUCTURED = (".yaml", ".yml", ".json")
_COLUMN_NAMES = {"section": "绩效指标栏", "l1": "一级指标", "l2": "二级指标", "name": "三级指标", "period": "实施期指标值",
                 "annual": "年度指标值", "l2b": "二级指标（年度）", "nameb": "三级指标（年度）", "comparator": "指标值符号",
                 "unit": "计量单位", "weight": "权重/分值", "descriptive": "说明栏（不是指标值）",
                 "actual": "上年实际值", "extra": "未识别的栏目"}
_FIELD_NAMES = {**FIELD_LABELS, "spending_unit": "实施单位（预算单位）", "period_budget": "中期/总预算",
                "goal_section": "总体目标", "period": "实施周期", "tasks": "重点工作任务", "other_tasks": "其他任务"}


@record
class Explained:
    path: str
    forms: list[AnyForm]
    trace: Trace
    rows: list[Rows]
    problem: tuple[str, str] | None


def explain_file(path: str) -> Explained:
    """Read PATH with the assembler's trace on (the rows kept to list the cells it passed over)."""
    trace = Trace()
    kept: list[Rows] = []

    def traced(rows: Rows, display: str) -> list[AnyForm]:
        kept.append(rows)
        return assemble(rows, display, trace)

    result = read_path(Path(path), path, traced)
    return Explained(path, result.forms, trace, kept, result.problem)


def _detail(role: str, detail: str) -> str:
    if detail.startswith("field:"):
        return "列表栏目：" + _FIELD_NAMES.get(detail[len("field:"):], detail)
    if role in ("header", "task_header"):
        return _COLUMN_NAMES.get(detail, detail)
    if role in ("label", "value", "goal"):
        name, _, note = detail.partition("（")
        return _FIELD_NAMES.get(name, name) + (f"（{note}" if note else "")
    return detail


def entries(explained: Explained) -> list[dict[str, Any]]:
    """Every non-blank cell in reading order with its role; events (form or table starts and ends) before the
    cell they happen at."""
    noted: dict[int, list[tuple[str, str]]] = {}
    for note in explained.trace.notes:
        noted.setdefault(id(note.cell), []).append((note.role, note.detail))
    events: dict[int, list[str]] = {}
    for event in explained.trace.events:
        events.setdefault(id(event.cell), []).append(event.what)
    in_rows = {id(cell) for rows in explained.rows for row in rows for cell in row}
    parts = [note for note in explained.trace.notes if id(note.cell) not in in_rows]
    """Notes on the parts of a cell split in two (`年度资金总额:16` → label and value)."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    shown_keys: set[tuple[str, str, str, str]] = set()
    for rows in explained.rows:
        for row in rows:
            for cell in row:
                if not cell.raw.strip() or id(cell) in seen:
                    continue
                seen.add(id(cell))
                for what in events.get(id(cell), []):
                    out.append({"where": where(cell.span), "event": what})
                inner = [(note.cell, note.role, note.detail) for note in parts if _within(note.cell, cell)]
                found = [(cell, role, detail) for role, detail in noted.get(id(cell), [])] or inner
                for shown, role, detail in found or [(cell, "ignored", "")]:
                    entry = _entry(shown, role, detail)
                    key = (entry["where"], entry["role"], entry["detail"], entry["text"])
                    if key not in shown_keys:  # a merged cell repeats in every row and column it covers
                        shown_keys.add(key)
                        out.append(entry)
    return out


def _within(part: Cell, cell: Cell) -> bool:
    inner, outer = part.span, cell.span
    if inner is None or outer is None:
        return False
    if outer.start is not None and inner.start is not None:
        return outer.start <= inner.start and inner.end is not None and outer.end is not None and \
            inner.end <= outer.end
    return (inner.sheet, inner.ref) == (outer.sheet, outer.ref) and part.raw in cell.raw


def _entry(cell: Cell, role: str, detail: str) -> dict[str, Any]:
    if role.startswith("field:"):
        role, detail = "value", role[len("field:"):]
    span = cell.span
    return {"where": where(span), "line": span.line if span else None, "column": span.column if span else None,
            "sheet": span.sheet if span else None, "ref": span.ref if span else None, "text": cell.raw,
            "role": role, "role_name": ROLE_NAMES.get(role, role), "detail": _detail(role, detail)}


def run_explain(path: str, fmt: str) -> int:
    if Path(path).suffix.lower() in _STRUCTURED:
        click.echo(f"goallint: {path}: 结构化表单（YAML/JSON）按键读取，没有版式可解释", err=True)
        return 2
    explained = explain_file(path)
    if explained.problem is not None and not explained.rows:
        code, reason = explained.problem
        click.echo(f"goallint: {path}: {reason}（{code}）", err=True)
        return 2
    listed = entries(explained)
    if fmt == "json":
        document = {"path": path, "forms": [{"kind": form.kind, "name": form.name.raw if form.name else "",
                                             "profile": form.profile, "unread": form.unread}
                                            for form in explained.forms], "cells": listed}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    names = "、".join(form.name.raw if form.name else "（无名称）" for form in explained.forms) or "无"
    click.echo(f"{path}：读出 {len(explained.forms)} 张表（{names}）")
    width = max((len(entry["where"]) for entry in listed), default=4)
    for entry in listed:
        if "event" in entry:
            click.echo(f"{entry['where']:<{width}}  ── {entry['event']}")
            continue
        role = entry["role_name"] + (f"：{entry['detail']}" if entry["detail"] else "")
        text = " ".join(entry["text"].split())
        click.echo(f"{entry['where']:<{width}}  {role:<14}  {text[:60]}{'…' if len(text) > 60 else ''}")
    for form in explained.forms:
        if form.unread is not None:
            click.echo(f"注意：{form.name.raw if form.name else '（无名称）'}：{form.unread}")
    return 0
