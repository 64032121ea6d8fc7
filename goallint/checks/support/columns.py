"""One finding per defect: the 实施周期 and 年度 cells of one indicator that carry the same defect are reported once.

Most value rules look at each value cell on its own, and most forms write the same value in both columns, so
a defect would otherwise come twice. A finding of one rule on the period cell and one on the annual cell of the
same row merge when their messages agree once the column's name is set aside: the first (in the form's column
order) is kept, names both columns, and carries the other cell in `related` (with its fix edits joined).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from goallint.checks.support.base import Finding, made_finding
from goallint.model import AnyForm, Fix
from goallint.plumbing.memo import make_room
from goallint.plumbing.resources import CACHE_ENTRIES

COLUMN_WORDS = ("实施周期指标值", "年度指标值")
"""How a message names the column of its cell (the `{column}指标值` of the value rules)."""
BOTH = "实施周期和年度指标值"
_COLUMN_WORD = re.compile("|".join(COLUMN_WORDS))


def _neutral(message: str) -> str:
    """The message with the column it names set aside (remembered: the same messages recur form after form)."""
    known = _NEUTRAL.get(message)
    if known is None:
        if len(_NEUTRAL) >= CACHE_ENTRIES:
            make_room(_NEUTRAL)
        known = _NEUTRAL[message] = _COLUMN_WORD.sub("\u0000", message) if "指标值" in message else message
    return known


_NEUTRAL: dict[str, str] = {}
_BOTH_SAID: dict[str, str] = {}
"""A message with the column it names made both columns (`BOTH`), by the message. Bounded."""
_BOTH_FACTS: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}
"""A merged finding's facts, by the id of its first finding's facts (kept in the entry, so that the id is not
reused while it is here): findings that share their facts (a kind remembers what it says of a text) share the
merged facts too. Nothing changes a finding's facts once made. Bounded."""


def _joined(kept: Finding, other: Finding) -> Finding:
    said = kept.message
    message = _BOTH_SAID.get(said)
    if message is None:
        if len(_BOTH_SAID) >= CACHE_ENTRIES:
            make_room(_BOTH_SAID)
        message = _BOTH_SAID[said] = _COLUMN_WORD.sub(BOTH, said)
    fix = kept.fix
    if fix is not None and other.fix is not None and fix.applicability == other.fix.applicability:
        fix = Fix(applicability=fix.applicability, message=fix.message, edits=[*fix.edits, *other.fix.edits])
    cell, more = other.cell, other.related
    if kept.related or more or cell is None:
        related = (*kept.related, *((cell,) if cell is not None else ()), *more)
    else:  # the common case, a row's two plain cells
        related = (cell,)
    facts = kept.facts
    if facts is not None and "column" in facts:  # a grouped item names the row's columns as the message does
        known = _BOTH_FACTS.get(id(facts))
        if known is not None and known[0] is facts:
            facts = known[1]
        else:
            if len(_BOTH_FACTS) >= CACHE_ENTRIES:
                make_room(_BOTH_FACTS)
            joined = {**facts, "column": BOTH.removesuffix("指标值")}
            _BOTH_FACTS[id(facts)] = (facts, joined)
            facts = joined
    # made field by field in order (`dataclasses.replace` reads the class's fields on every call)
    return made_finding(message, kept.cell, kept.field, fix, related, kept.related_fields, facts)


def value_spots(form: AnyForm) -> dict[int, tuple[int, str]]:
    """Where each value cell of the form stands, by the cell's identity: (its indicator's index, its column). A
    cell that stands twice counts where it stands last. (An absent cell is entered too, under `id(None)`: no
    finding's cell is None when its spot is asked, and each spot is one tuple made once, `_SPOTS`.)"""
    spots: dict[int, tuple[int, str]] = {}
    indicators = form.indicators
    if len(indicators) > len(_SPOTS):
        _SPOTS.extend(((index, "period"), (index, "annual")) for index in range(len(_SPOTS), len(indicators)))
    for indicator, (period, annual) in zip(indicators, _SPOTS, strict=False):  # _SPOTS may be longer
        spots[id(indicator.period_value)] = period
        spots[id(indicator.annual_value)] = annual
    return spots


_SPOTS: list[tuple[tuple[int, str], tuple[int, str]]] = []
"""The spots of indicator `index`'s two value cells, by index (grown to the longest form met)."""


def on_two_cells(findings: Sequence[Finding]) -> bool:
    """Whether two or more of one rule's findings are on cells: only then can two be one row's two columns."""
    on_cells = 0
    for finding in findings:
        if finding.cell is not None:
            if on_cells:
                return True
            on_cells = 1
    return False


def merge_columns(findings: Sequence[Finding], spots: Mapping[int, tuple[int, str]]) -> list[Finding]:
    """One rule's findings in a form (`on_two_cells`), with the two columns of a row merged where the rule says
    the same thing of both; `spots` the form's `value_spots`."""
    out: list[Finding] = []
    first: dict[tuple[int, str], tuple[int, str]] = {}
    neutral = _NEUTRAL
    for finding in findings:
        cell = finding.cell
        spot = spots.get(id(cell)) if cell is not None else None
        if spot is None:
            out.append(finding)
            continue
        message = finding.message
        said = neutral.get(message)
        key = (spot[0], said if said is not None else _neutral(message))
        seen = first.get(key)
        if seen is None or seen[1] == spot[1]:
            first[key] = (len(out), spot[1])
            out.append(finding)
            continue
        out[seen[0]] = _joined(out[seen[0]], finding)
        first[key] = (seen[0], "both")
    return out
