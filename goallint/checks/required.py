"""Check kind `required`: header fields are present and non-empty (GL101–GL103), or read as money (GL107)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict, Field

from goallint.checks.base import Finding, FormContext
from goallint.checks.fields import (
    FIELD_LABELS,
    amount_out_of_range,
    field_cell,
    is_blank,
    parse_amount,
    parse_year,
)
from goallint.model import Model, cell_text
from goallint.values.bounds import LIMIT_TEXT, excerpt


class FieldSpec(Model):
    """One required field; `any_of` lists alternatives (主管部门 or 预算单位), `label` names it in messages."""

    model_config = ConfigDict(extra="forbid")

    any_of: list[str] = Field(min_length=1)
    label: str
    each_printed: bool = False
    """Report a field printed on the form and left empty even when another of `any_of` is filled (a form with
    an empty 主管部门 cell and a filled 实施单位 still lacks its 主管部门)."""
    if_printed: bool = False
    """Only where the form prints the field's label or runs over several years (a one-year form without a
    实施周期 slot needs no period goal)."""


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["required"] = "required"
    project: list[FieldSpec] = Field(default_factory=list)
    department: list[FieldSpec] = Field(default_factory=list)
    test: Literal["present", "money"] = "present"
    """`present`: the field has text; `money`: a non-empty field reads as an amount of money."""


def _multi_year(ctx: FormContext) -> bool:
    start = parse_year(cell_text(field_cell(ctx.form, "period_start")))
    end = parse_year(cell_text(field_cell(ctx.form, "period_end")))
    return start is not None and end is not None and end > start


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    specs = params.project if ctx.form.kind == "project" else params.department
    for spec in specs:
        cells = [field_cell(ctx.form, name) for name in spec.any_of]
        if params.test == "present":
            if spec.if_printed and all(cell is None for cell in cells) and not _multi_year(ctx):
                continue
            if all(is_blank(cell) for cell in cells):
                present = next((cell for cell in cells if cell is not None), None)
                message = f"{spec.label}为空" if present is not None else f"缺少{spec.label}"
                yield Finding(message, present, spec.label)
            elif spec.each_printed:
                for name, cell in zip(spec.any_of, cells, strict=True):
                    if cell is not None and is_blank(cell):
                        label = FIELD_LABELS.get(name, spec.label)
                        yield Finding(f"{label}一栏为空", cell, label)
            continue
        for cell in cells:
            if not is_blank(cell) and cell is not None and parse_amount(cell.text) is None:
                if amount_out_of_range(cell.text):
                    yield Finding(f"{spec.label}“{excerpt(cell.text)}”超出任何预算的范围（{LIMIT_TEXT}），"
                                  "无法核对", cell, spec.label)
                else:
                    yield Finding(f"{spec.label}“{cell.text}”不是金额", cell, spec.label)
