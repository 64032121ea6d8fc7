"""Check kind `required`: header fields are present and non-empty (`present`), or read as money (`money`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Literal

from goallint.checks.support.base import Finding, FormContext, Placeholders, check_messages
from goallint.checks.support.fields import (
    FIELD_LABELS,
    amount_out_of_range,
    field_cell,
    is_blank,
    parse_amount,
    parse_year,
)
from goallint.model import cell_text
from goallint.plumbing.validation import STRICT
from goallint.values.bounds import LIMIT_TEXT, excerpt


@dataclass(kw_only=True)
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


@dataclass(kw_only=True)
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
                template = params.message if present is not None else str(params.message_missing)
                yield Finding(template.format(label=spec.label), present, spec.label)
            elif spec.each_printed:
                for name, cell in zip(spec.any_of, cells, strict=True):
                    if cell is not None and is_blank(cell):
                        label = FIELD_LABELS.get(name, spec.label)
                        yield Finding(str(params.message_blank_printed).format(label=label), cell, label)
            continue
        for cell in cells:
            if not is_blank(cell) and cell is not None and parse_amount(cell.text) is None:
                if amount_out_of_range(cell.text):
                    message = str(params.message_out_of_range).format(label=spec.label, value=excerpt(cell.text),
                                                                      limit=LIMIT_TEXT)
                    yield Finding(message, cell, spec.label)
                else:
                    yield Finding(params.message.format(label=spec.label, value=cell.text), cell, spec.label)
