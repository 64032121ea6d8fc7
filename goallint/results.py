"""What a run finds: each file's report (its diagnostics, the forms' records, the group rules' summaries)
and the whole run's. The engine makes them; the result cache keeps them; the fixer, the baseline, the grades
and the reports read them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from goallint.plumbing.records import record

if TYPE_CHECKING:
    from goallint.model import AnyForm, Diagnostic
    from goallint.packs import Rule


@record(slots=True)
class FormInfo:
    """What the report keeps of one form after its rules ran (forms themselves are not kept)."""

    path: str
    form: str
    kind: str
    profile: str
    ignore: tuple[str, ...] = ()
    waived: tuple[tuple[str, str], ...] = ()
    """(code, severity) of each finding a `goallint-ignore` in the form waived: the reports count them and the
    grade counts them, so that a waiver never makes a run look cleaner than it is."""


@record
class FileReport:
    """The outcome of one file: its diagnostics, its forms, the group summaries, and source lines to show."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    forms: list[FormInfo] = field(default_factory=list)
    summaries: dict[str, list[Any]] = field(default_factory=dict)
    """Group rule code → what its kind's `summarize` kept of each form (one object shared by the rules of a kind)."""
    lines: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    source_forms: list[AnyForm] = field(default_factory=list)
    """The forms themselves, kept only when `Engine.keep_forms` is set (the html report shows them)."""


@record
class RunReport:
    """The whole run: files in input order, every diagnostic sorted, internal errors of rules."""

    files: list[FileReport]
    diagnostics: Sequence[Diagnostic]
    """A list, or with `Engine.run(spool=True)` a `goallint.plumbing.spool.Spool` (the same order, read from disk)."""
    forms: list[FormInfo]
    errors: list[str]
    rules: list[Rule]

    def counts(self) -> Counter[tuple[str, str, str]]:
        """(code, name, severity) → number of diagnostics (a spool knows them without reading its file)."""
        known: Counter[tuple[str, str, str]] | None = getattr(self.diagnostics, "counts", None)
        if known is not None:
            return known
        return Counter((d.code, d.name, d.severity) for d in self.diagnostics)

    def fix_counts(self) -> Counter[str]:
        """Fix applicability (`safe`, `unsafe`) → how many diagnostics offer one."""
        known: Counter[str] | None = getattr(self.diagnostics, "fixes", None)
        if known is not None:
            return known
        return Counter(d.fix.applicability for d in self.diagnostics if d.fix is not None)
