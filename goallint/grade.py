"""The review grade of each form (优/良/中/差) from its findings; the mapping is configurable (`grade:`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goallint.config import GradeConfig
    from goallint.model import Diagnostic
    from goallint.results import RunReport

DEFAULT_LABELS = {"clean": "优", "warnings": "良", "errors": "中", "blocking": "差"}


@dataclass
class FormGrade:
    """One form's line in the JSON report's `forms` list."""

    path: str
    form: str
    kind: str
    profile: str
    grade: str
    error: int = 0
    warning: int = 0
    info: int = 0
    baseline: int = 0
    """Findings of the form a baseline hid (counted in the grade and the counts above)."""
    waived: int = 0
    """Findings of the form its own `goallint-ignore` waived (counted in the grade and the counts above)."""


def _blocking(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def grade_forms(run: RunReport, config: GradeConfig | None = None,
                baselined: Iterable[Diagnostic] = ()) -> list[FormGrade]:
    """优 no error or warning; 良 warnings only; 中 any error; 差 an error of a blocking code (GL001, GL101 …).
    Findings of a cosmetic code (GL9xx by default: markup, spacing, symbols) are counted but do not lower it.

    Every finding counts, the shown ones and those a baseline (`baselined`) or a form's own `goallint-ignore`
    hid: hiding a finding from the report does not make the form better. A file without a form (GL001/GL002)
    gets one line with an empty `form`, graded like a form.
    """
    from goallint.config import GradeConfig

    config = config or GradeConfig()
    labels: dict[str, str] = dict(DEFAULT_LABELS)
    labels.update({str(key): value for key, value in config.labels.items()})
    grades: dict[tuple[str, str], FormGrade] = {}
    blocked: set[tuple[str, str]] = set()
    weighed: dict[tuple[str, str], set[str]] = {}
    """The severities that count towards each form's grade (cosmetic codes are counted, not weighed)."""

    def count(key: tuple[str, str], code: str, severity: str) -> FormGrade:
        entry = grades.setdefault(key, FormGrade(key[0], key[1], "", "", ""))
        setattr(entry, severity, getattr(entry, severity) + 1)
        if _blocking(code, config.cosmetic):
            return entry
        weighed.setdefault(key, set()).add(severity)
        if severity == "error" and _blocking(code, config.blocking):
            blocked.add(key)
        return entry

    for info in run.forms:
        key = (info.path, info.form)
        grades.setdefault(key, FormGrade(info.path, info.form, info.kind, info.profile, ""))
        for code, severity in info.waived:
            count(key, code, severity).waived += 1
    for d in run.diagnostics:
        count((d.path, d.form), d.code, d.severity)
    for d in baselined:
        count((d.path, d.form), d.code, d.severity).baseline += 1
    for key, entry in grades.items():
        severities = weighed.get(key, set())
        outcome = "blocking" if key in blocked else "errors" if "error" in severities else \
            "warnings" if "warning" in severities else "clean"
        entry.grade = labels[outcome]
    return list(grades.values())


def grade_of(diagnostics: Iterable[Diagnostic], config: GradeConfig | None = None) -> str:
    """The grade of one form from its findings alone, as `grade_forms` grades it."""
    from goallint.config import GradeConfig

    config = config or GradeConfig()
    labels: dict[str, str] = dict(DEFAULT_LABELS)
    labels.update({str(key): value for key, value in config.labels.items()})
    outcome = "clean"
    for d in diagnostics:
        if _blocking(d.code, config.cosmetic):
            continue
        if d.severity == "error":
            if _blocking(d.code, config.blocking):
                return labels["blocking"]
            outcome = "errors"
        elif d.severity == "warning" and outcome == "clean":
            outcome = "warnings"
    return labels[outcome]
