"""Check kind `input`: the input rules' findings are made by the engine from the reader's `ReadResult.problem`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks.support.base import Finding, FormContext
from goallint.model import Model


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["input"] = "input"


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    """Nothing per form: the engine turns a file's problem into this rule's finding."""
    return iter(())
