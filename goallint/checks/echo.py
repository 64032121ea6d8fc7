"""Check kind `echo`: an indicator value that is only its 三级 or 二级 name again."""

from __future__ import annotations

from typing import Literal

from goallint.checks.support.base import COLUMN_NAMES, Finding, FormContext, check_messages, name_key
from goallint.checks.support.labels import LABEL_SETS, labels_id
from goallint.model import Cell
from goallint.plumbing.memo import Memo, make_room
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

PLACEHOLDERS = {"message": ("name", "column", "value")}
"""`{name}` the 三级 name, `{column}` 实施周期 / 年度, `{value}` the cell's text."""
FACTS = PLACEHOLDERS["message"]
"""What each finding gives a rule's `group.item`: its message's placeholders."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["echo"] = "echo"
    message: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


_BOTH_COLUMNS = ["period", "annual"]
_KEYS: Memo[str, str] = Memo(lambda raw: name_key(Cell(raw).text))
"""The name key of a cell's text, per raw text (values and level labels recur)."""


def run(params: Params, ctx: FormContext) -> list[Finding]:
    out = []
    columns = ctx.where.columns
    both = columns == _BOTH_COLUMNS
    keys = _KEYS
    rows = _row_keys(ctx)
    for item in ctx.selected():
        cells = item.filled_values if both else item.value_cells(columns)
        if not cells:
            continue
        name, label = rows[item.index]
        for column, cell in cells:
            value = keys[cell.raw]
            if value and (value == name or value == label):
                facts = {"name": item.name, "column": COLUMN_NAMES[column], "value": cell.text}
                out.append(Finding(params.message.format_map(facts), cell, item.field, facts=facts))
    return out


def _row_keys(ctx: FormContext) -> tuple[tuple[str, str], ...]:
    """Per indicator row, the name keys of its 三级 name and of its 二级 label: a function of the form's labels,
    remembered per form labels (`labels_id`: a template's forms print the same ones). Bounded."""
    labels = labels_id(ctx)
    known = _ROWS.get(labels)
    if known is None:
        keys = _KEYS
        known = tuple((name_key(item.name), "" if (level2 := item.indicator.level2) is None else keys[level2.raw])
                      for item in ctx.resolved)
        if len(_ROWS) >= LABEL_SETS:
            make_room(_ROWS)
        _ROWS[labels] = known
    return known


_ROWS: dict[int, tuple[tuple[str, str], ...]] = {}
