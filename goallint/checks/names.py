"""Check kind `names`: what a 三级 name says: a generic word (GL208), a listed name (GL209), misplacement (GL206)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict

from goallint.checks.base import Finding, FormContext, ResolvedIndicator, name_key
from goallint.checks.patterns import SafePattern, search
from goallint.model import Model, cell_text


class Params(Model):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["names"] = "names"
    test: Literal["generic", "listed", "misplaced"]
    vocabulary: str
    """`generic`: names equal to one of these words; `listed`: names containing one; `misplaced`: the
    satisfaction words a name ends with (outside the `satisfaction_level`)."""
    satisfaction_level: str = "satisfaction"
    message: str = "指标“{name}”"
    """The message; `{name}` is the 三级 name, `{word}` the vocabulary word found."""
    exempt: SafePattern | None = None


def _misplaced(params: Params, ctx: FormContext, item: ResolvedIndicator, words: list[str]) -> Iterator[Finding]:
    level1_label = cell_text(item.indicator.level1)
    level2_label = cell_text(item.indicator.level2)
    own = ctx.profile.level1_key(level1_label) if level1_label else item.level1
    if level2_label and own is not None:
        found = ctx.profile.level2_key(level2_label, own)
        if found is not None and found[0] != own:
            yield Finding(f"二级指标“{level2_label}”不属于一级指标“{level1_label}”", item.indicator.level2,
                          item.field)
            return
    name = name_key(item.name)
    if item.level1 != params.satisfaction_level and item.level1 is not None:
        word = next((w for w in words if name.endswith(w)), None)
        if word is not None:
            yield Finding(f"满意度指标“{item.name}”放在了“{level1_label or level2_label}”下，应归入满意度指标",
                          item.indicator.name, item.field)


def run(params: Params, ctx: FormContext) -> Iterator[Finding]:
    words = ctx.vocabulary(params.vocabulary)
    keys = {name_key(word) for word in words}
    exempt = params.exempt
    for item in ctx.selected():
        name = name_key(item.name)
        if not name or (exempt and search(re.compile(exempt), item.name)):
            continue
        if params.test == "misplaced":
            yield from _misplaced(params, ctx, item, words)
            continue
        word = name if params.test == "generic" and name in keys else None
        if params.test == "listed":
            word = next((w for w in words if w in name), None)
        if word is not None:
            message = params.message.format(name=item.name, word=word)
            yield Finding(message, item.indicator.name, item.field)
