"""Check kind `required`: header fields are present and non-empty (`present`), or read as money (`money`)."""

from __future__ import annotations

from dataclasses import field as dc_field
from typing import Literal

from goallint.checks.support.base import Finding, FormContext, Placeholders, check_messages
from goallint.checks.support.fields import (
    FIELD_LABELS,
    amount_out_of_range,
    is_blank,
    parse_amount,
    period_years,
)
from goallint.model import Cell
from goallint.plumbing.memo import Memo
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT
from goallint.values.bounds import LIMIT_TEXT, excerpt


@record(kw_only=True)
class FieldSpec:
    """One required field; `any_of` lists alternatives (主管部门 or 预算单位), `label` names it in messages."""

    __pydantic_config__ = STRICT

    any_of: list[str] = dc_field(metadata={"min_length": 1})
    label: str
    each_printed: bool = False
    """Report a field printed on the form and left empty even when another of `any_of` is filled (a form with
    an empty 主管部门 cell and a filled 实施单位 still lacks its 主管部门)."""
    if_printed: bool = False
    """Only where the form prints the field's label or runs over several years (a one-year form without a
    实施周期 slot needs no period goal)."""


PLACEHOLDERS: dict[str, Placeholders] = {
    "present": {"message": ("label",), "message_missing": ("label",), "message_blank_printed": ("label",)},
    "money": {"message": ("label", "value"), "message_out_of_range": ("label", "value", "limit")},
}
"""Per test, the messages and their placeholders; `{label}` is the field's `label` (or, in
`message_blank_printed`, the printed field's own name). `present`: `message` (the field is printed and
empty), `message_missing` (not printed), `message_blank_printed` (with `each_printed`: one printed cell of
several left empty). `money`: `message` (`{value}` is no amount), `message_out_of_range` (`{value}`, cut short,
is beyond any budget, `{limit}`)."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["required"] = "required"
    project: list[FieldSpec] = dc_field(default_factory=list)
    department: list[FieldSpec] = dc_field(default_factory=list)
    test: Literal["present", "money"] = "present"
    """`present`: the field has text; `money`: a non-empty field reads as an amount of money."""
    message: str
    message_missing: str | None = None
    message_blank_printed: str | None = None
    message_out_of_range: str | None = None

    def __post_init__(self) -> None:
        wanted = dict(PLACEHOLDERS[self.test])
        if not any(spec.each_printed for spec in (*self.project, *self.department)):
            wanted.pop("message_blank_printed", None)
        check_messages(self, wanted)


def _multi_year(ctx: FormContext) -> bool:
    start, end = period_years(ctx.form)
    return start is not None and end is not None and end > start


def run(params: Params, ctx: FormContext) -> list[Finding]:
    form = ctx.form
    out = []
    money = params.test == "money"
    for spec in params.project if form.kind == "project" else params.department:
        cells = [cell if isinstance(cell := getattr(form, name, None), Cell) else None  # `field_cell`, inline
                 for name in spec.any_of]
        filled = [cell for cell in cells if cell is not None and cell.raw.strip()]
        if money:
            for cell in filled:
                verdict = _AMOUNTS[cell.raw]
                if verdict is _OUT_OF_RANGE:
                    message = str(params.message_out_of_range).format(label=spec.label, value=excerpt(cell.text),
                                                                      limit=LIMIT_TEXT)
                    out.append(Finding(message, cell, spec.label))
                elif verdict is _NO_AMOUNT:
                    out.append(Finding(params.message.format(label=spec.label, value=cell.text), cell, spec.label))
            continue
        if filled:
            if spec.each_printed and len(filled) < len(cells):
                for name, printed in zip(spec.any_of, cells, strict=True):
                    if printed is not None and is_blank(printed):
                        label = FIELD_LABELS.get(name, spec.label)
                        out.append(Finding(str(params.message_blank_printed).format(label=label), printed, label))
            continue
        present = next((cell for cell in cells if cell is not None), None)
        if spec.if_printed and present is None and not _multi_year(ctx):
            continue
        template = params.message if present is not None else str(params.message_missing)
        out.append(Finding(template.format(label=spec.label), present, spec.label))
    return out


_AMOUNT, _OUT_OF_RANGE, _NO_AMOUNT = "amount", "out of range", "no amount"


def _amount(raw: str) -> str:
    """Whether a filled cell reads as money (`_AMOUNT`), is written as an amount beyond any budget
    (`_OUT_OF_RANGE`) or is no amount (`_NO_AMOUNT`)."""
    text = Cell(raw).text
    return _AMOUNT if parse_amount(text) is not None else _OUT_OF_RANGE if amount_out_of_range(text) else _NO_AMOUNT


_AMOUNTS = Memo(_amount)
"""`_amount` per raw text."""
