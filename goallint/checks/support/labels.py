"""A form's indicator labels as one number: what the check kinds remember a label-only answer by.

Forms of one template print the same 一级, 二级 and 三级 labels row for row, so a rule whose answer depends only
on those labels (with the profile, the rule and the packs' vocabularies) finds nothing on every such form once it
has found nothing on one. `labels_id` names a form's labels by a number, made once per form and shared by the
kinds that ask; `Quiet` remembers which rules found nothing on which labels.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from goallint.checks.support.base import FormContext
from goallint.plumbing.memo import make_room
from goallint.plumbing.resources import CACHE_ENTRIES

Labels = tuple[tuple[str | None, str | None, str | None, bool, bool], ...]
"""Per indicator row: its 一级, 二级 and 三级 raw texts, and whether its 一级 and its 二级 cell is the row above's
(a level carried down is that row's cell: the kinds that tell carried levels apart compare a row with the row
above it by identity)."""


def form_labels(ctx: FormContext) -> Labels:
    """The form's `Labels`: everything about its indicator labels a label-only answer can depend on (the
    resolved levels and the normalised names are functions of these texts and the profile)."""
    rows = []
    above1: object = _NO_ROW
    above2: object = _NO_ROW
    for item in ctx.resolved:
        indicator = item.indicator
        level1, level2, name = indicator.level1, indicator.level2, indicator.name
        rows.append((None if level1 is None else level1.raw, None if level2 is None else level2.raw,
                     None if name is None else name.raw, level1 is above1, level2 is above2))
        above1, above2 = level1, level2
    return tuple(rows)


_NO_ROW = object()
"""What the first row's levels are compared with: no cell is it."""


LABEL_SETS = 4096
"""How many forms' labels (and what is worked out per labels) are remembered: a template's forms share one, and
each holds a dozen rows of texts, so the per-text bound (`CACHE_ENTRIES`) would let them take far more memory
on a run whose forms all differ."""
_IDS: dict[Labels, int] = {}
"""Each `Labels` met, by the number that names it (numbers are never reused: a forgotten one is new again).
Bounded at `LABEL_SETS`."""
_NEXT = count()


def labels_id(ctx: FormContext) -> int:
    """The number naming the form's labels, worked out once per form (`FormContext.memo`)."""
    known: int | None = ctx.memo.get("labels-id")
    if known is None:
        labels = form_labels(ctx)
        known = _IDS.get(labels)
        if known is None:
            if len(_IDS) >= LABEL_SETS:
                make_room(_IDS)
            known = _IDS[labels] = next(_NEXT)
        ctx.memo["labels-id"] = known
    return known


class Quiet:
    """The (rule, profile, vocabularies, labels) a label-only rule found nothing on. The rule's `params`, its
    `where`, the profile and the vocabularies are kept alive in each answer and compared by identity, so that
    their ids are not reused while it is here. Bounded."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[tuple[int, ...], tuple[Any, ...]] = {}

    @staticmethod
    def key(params: Any, ctx: FormContext) -> tuple[int, ...]:
        return id(params), id(ctx.where), id(ctx.profile), id(ctx.vocabularies), labels_id(ctx)

    def said(self, key: tuple[int, ...], params: Any, ctx: FormContext) -> bool:
        """Whether the rule found nothing on a form with these labels before."""
        known = self._known.get(key)
        return (known is not None and known[0] is params and known[1] is ctx.where and known[2] is ctx.profile
                and known[3] is ctx.vocabularies)

    def note(self, key: tuple[int, ...], params: Any, ctx: FormContext) -> None:
        """Remember that the rule found nothing on this form."""
        if len(self._known) >= CACHE_ENTRIES:
            make_room(self._known)
        self._known[key] = (params, ctx.where, ctx.profile, ctx.vocabularies)
