"""Check kind `copies`: one header field repeats another word for word (the annual goal = the period goal)."""

from __future__ import annotations

from typing import Literal

from goallint.checks.support.base import Finding, FormContext, check_messages
from goallint.checks.support.fields import FIELD_LABELS, field_cell, period_years
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT

PLACEHOLDERS = {"message": ("field", "of")}
"""`{field}` the copy's label (年度目标), `{of}` the original's (实施周期总目标)."""


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["copies"] = "copies"
    field: str
    of: str
    multi_year_only: bool = True
    message: str

    def __post_init__(self) -> None:
        check_messages(self, PLACEHOLDERS)


def run(params: Params, ctx: FormContext) -> list[Finding]:
    form = ctx.form
    if params.multi_year_only and form.kind != "project":
        return []
    copy, original = field_cell(form, params.field), field_cell(form, params.of)
    if copy is None or original is None or not copy.raw.strip() or not original.raw.strip():
        return []
    if params.multi_year_only:
        start, end = period_years(form)
        if start is None or end is None or start >= end:
            return []
    if copy.raw == original.raw or "".join(copy.text.split()) == "".join(original.text.split()):
        label, of_label = FIELD_LABELS.get(params.field, params.field), FIELD_LABELS.get(params.of, params.of)
        return [Finding(params.message.format(field=label, of=of_label), copy, label)]
    return []
