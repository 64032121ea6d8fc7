"""Department task rows (年度重点工作任务, 其他需完成的任务): columns by the task header, or `名称--说明-金额` cells."""

from __future__ import annotations

import re

from goallint.layout.cells import sub_cell
from goallint.layout.vocab import Vocabulary, cell_key, is_blank
from goallint.model import Cell, Task

DEFAULT_COLUMNS = {1: "name", 2: "content", 3: "amount", 4: "expected"}
_PACKED = re.compile(r"^(?P<name>.+?)\s*--\s*(?P<content>.*?)\s*(?:[-－]\s*(?P<amount>\d[\d,]*(?:\.\d+)?))?\s*$")


def task_header(row: list[Cell], vocab: Vocabulary) -> dict[int, str] | None:
    """Column → task field of a task header row (名称 | 主要实施内容 | 拟投入的资金 | 期望达到的目标), or None."""
    columns: dict[int, str] = {}
    for index, cell in enumerate(row):
        match = vocab.task_header.match(cell_key(cell))
        if match is not None and match[0] not in columns.values():
            columns[index] = match[0]
    return columns if {"name", "content"} <= set(columns.values()) and len(columns) >= 3 else None


def _unpack(cell: Cell) -> Task | None:
    """`机关事业单位派遣人员经费--说明…-190000.00` in one cell → name, content, amount (each its own span)."""
    found = _PACKED.match(cell.raw)
    if found is None:
        return None
    parts = {}
    for group in ("name", "content", "amount"):
        if found.group(group):
            parts[group] = sub_cell(cell, found.start(group), found.end(group))
    return Task(**parts)


def read_task(cells: list[tuple[int, Cell]], columns: dict[int, str]) -> Task | None:
    """One task row from its (column, cell) pairs after the section label; None when the row is empty."""
    filled: list[tuple[int, Cell]] = []
    for index, cell in cells:
        # a cell merged across the row (a workbook repeats it in every column it covers) is one cell
        if not is_blank(cell) and not (filled and cell.span is not None and cell.span == filled[-1][1].span):
            filled.append((index, cell))
    if not filled:
        return None
    if len(filled) == 1 and "--" in filled[0][1].raw:
        unpacked = _unpack(filled[0][1])
        if unpacked is not None:
            return unpacked
    fields: dict[str, Cell] = {}
    for index, cell in filled:
        name = columns.get(index)
        if name is not None and name not in fields:
            fields[name] = cell
    if not fields:  # shifted: take the cells in order
        for name, (_, cell) in zip(("name", "content", "amount", "expected"), filled, strict=False):
            fields[name] = cell
    return Task(**fields)


def is_task_label(key: str, vocab: Vocabulary) -> str | None:
    """`tasks` or `other_tasks` when the key opens a task list."""
    match = vocab.field("department", key)
    return match[0] if match is not None and match[0] in ("tasks", "other_tasks") else None
