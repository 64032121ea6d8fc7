"""One finding per form: a rule with `group:` in its pack reports its findings in one form once, naming each cell.

Where a reviewer writes one comment per form (“三处指标值含公式标记：……”), a rule says so in its pack:

    group:
      by: form
      message: "{count} 处指标值含 OCR/LaTeX 公式标记：{items}"
      item: "“{name}”{text}"

Two or more findings of the rule in one form (after the two columns of a row are merged) become one finding at
the first cell: `message` with `{count}` (the items named) and `{items}` (each finding's facts through `item`,
repeated items said once), every other cell in `related` with its own field, and the fixes of the same
applicability joined into one fix with every edit, so that `--fix` still rewrites each cell. A single finding
keeps its own message. The check kind computes the facts (its `FACTS`) and never knows it is grouped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from goallint.checks.support.base import Finding, check_template, made_finding
from goallint.model import Cell, Fix
from goallint.plumbing.memo import make_room
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT

GROUP_PLACEHOLDERS = ("count", "items")
"""What `group.message` is filled with: `{count}` the items named (each said once), `{items}` the items joined."""


@record(kw_only=True)
class Grouping:
    """A rule's `group:` option: how its findings in one form are reported as one."""

    __pydantic_config__ = STRICT

    by: Literal["form"] = "form"
    message: str
    """The grouped finding's message, with `{count}` and `{items}` (it must name the items)."""
    item: str
    """How each finding is named in `{items}`, from the facts its check kind gives (the kind's `FACTS`)."""
    separator: str = "、"

    def check(self, facts: Sequence[str]) -> None:
        """Raise ValueError (naming the key) for a template with an unknown placeholder, or a message that
        does not list the items (a grouped finding must name every cell)."""
        check_template(self.message, GROUP_PLACEHOLDERS, "message")
        if "{items}" not in self.message:
            raise ValueError("message: 应含 {items}（合并后的一条要列出每一处）")
        check_template(self.item, facts, "item")


def grouped(grouping: Grouping, findings: Sequence[Finding]) -> Finding:
    """One finding for `findings` (two or more, in form order), at the first one's cell."""
    first = findings[0]
    message, fix, cells, fields = grouped_parts(grouping, findings)
    # made field by field in order (`dataclasses.replace` reads the class's fields on every call)
    return made_finding(message, first.cell, first.field, fix, cells, fields, first.facts)


def grouped_parts(grouping: Grouping, findings: Sequence[Finding],
                  ) -> tuple[str, Fix | None, tuple[Cell, ...], tuple[str, ...]]:
    """What `grouped` makes its finding of, beyond the first finding's own cell, field and facts: the message,
    the joined fix, and the other cells the findings name with the field of each (the engine places a grouped
    finding from these without making it)."""
    template = grouping.item
    items: dict[str, None] = {}  # each item said once, in form order
    cells: list[Cell] = []
    fields: list[str] = []
    fixed = False
    for finding in findings:  # `_places` of each, written out: a grouped rule names a cell per finding
        items[_item(template, finding.facts)] = None
        field = finding.field
        if finding.cell is not None:
            cells.append(finding.cell)
            fields.append(field)
        related = finding.related
        if related:
            own = finding.related_fields
            for index, cell in enumerate(related):
                cells.append(cell)
                fields.append(own[index] if index < len(own) else field)
        if finding.fix is not None:
            fixed = True
    if findings[0].cell is not None:  # the finding's own place
        del cells[0], fields[0]
    message = grouping.message.format(count=len(items), items=grouping.separator.join(items))
    fix = _joined_fix([finding.fix for finding in findings]) if fixed else None
    return message, fix, tuple(cells), tuple(fields)


def _item(template: str, facts: Mapping[str, Any] | None) -> str:
    """How a finding is named in `{items}`: `template` filled from its facts, remembered by the facts' identity
    (kinds share one facts mapping between the findings that say the same; nothing changes one once made)."""
    if facts is None:
        return template.format_map(_Facts())
    key = (template, id(facts))
    known = _ITEMS.get(key)
    if known is not None and known[0] is facts:
        return known[1]
    if len(_ITEMS) >= CACHE_ENTRIES:
        make_room(_ITEMS)
    text = template.format_map(_Facts(facts))
    _ITEMS[key] = (facts, text)  # the facts kept alive: their id is not reused while this is here
    return text


_ITEMS: dict[tuple[str, int], tuple[Mapping[str, Any], str]] = {}


class _Facts(dict[str, Any]):
    """A finding's facts for `item`: a fact its kind did not give reads as empty (the pack loader checks
    that `item` uses only the kind's `FACTS`, so this is only a guard)."""

    def __missing__(self, key: str) -> str:
        return ""


def _places(finding: Finding) -> list[tuple[Cell, str]]:
    """The cells a finding names, each with its field (its own cell first)."""
    own = finding.related_fields
    cells = [(finding.cell, finding.field)] if finding.cell is not None else []
    return cells + [(cell, own[index] if index < len(own) else finding.field)
                    for index, cell in enumerate(finding.related)]


def _joined_fix(fixes: Sequence[Fix | None]) -> Fix | None:
    """The fixes of the first fix's applicability as one, with every edit (each rewrites its own cell)."""
    present = [fix for fix in fixes if fix is not None]
    if not present:
        return None
    kind = present[0].applicability
    same = [fix for fix in present if fix.applicability == kind]
    if len(same) == 1:
        return same[0]
    message = "；".join(dict.fromkeys(fix.message for fix in same))
    return Fix(applicability=kind, message=message, edits=[edit for fix in same for edit in fix.edits])
