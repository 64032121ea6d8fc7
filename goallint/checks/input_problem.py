"""Check kind `input`: the input rules' findings are made by the engine from the reader's `ReadResult.problem`."""

from __future__ import annotations

from typing import Literal

from goallint.checks.support.base import Finding, FormContext
from goallint.plumbing.records import record
from goallint.plumbing.validation import STRICT


@record(kw_only=True)
class Params:
    __pydantic_config__ = STRICT

    kind: Literal["input"] = "input"


FINDS_IN_FORMS = False
"""Its rules find nothing in a form (`run` is never called by the engine's per-form loop)."""


def run(params: Params, ctx: FormContext) -> tuple[Finding, ...]:
    """Nothing per form: the engine turns a file's problem into this rule's finding."""
    return ()
