"""Check kind `copies`: one header field repeats another word for word (the annual goal = the period goal)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from goallint.checks.period import years
from goallint.checks.support.base import Finding, FormContext, check_messages
from goallint.checks.support.fields import FIELD_LABELS, field_cell, is_blank
from goallint.model import ProjectForm
from goallint.plumbing.validation import STRICT

PLACEHOLDERS = {"message": ("field", "of")}
"""`{field}` the copy's label (年度目标), `{of}` the original's (实施周期总目标)."""


@dataclass(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["copies"] = "copies"
    field: str
    of: str
    multi_year_only: bool = True
    message: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    copy, original = field_cell(ctx.form, params.field), field_cell(ctx.form, params.of)
    if copy is None or original is None or is_blank(copy) or is_blank(original):
        return
    if params.multi_year_only:
        if not isinstance(ctx.form, ProjectForm):
            return
        start, end = years(ctx.form)
        if start is None or end is None or start >= end:
            return
    if "".join(copy.text.split()) == "".join(original.text.split()):
        label, of_label = FIELD_LABELS.get(params.field, params.field), FIELD_LABELS.get(params.of, params.of)
        yield Finding(params.message.format(field=label, of=of_label), copy, label)
