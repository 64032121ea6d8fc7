"""The review grade of each form (优/良/中/差) from its findings; the mapping is configurable (`grade:`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goallint.config import GradeConfig
    from goallint.engine import RunReport

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


def _blocking(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def grade_forms(run: RunReport, config: GradeConfig | None = None) -> list[FormGrade]:
    """优 no error or warning; 良 warnings only; 中 any error; 差 an error of a blocking code (GL001, GL101 …).
    Findings of a cosmetic code (GL9xx by default: markup, spacing, symbols) are counted but do not lower it.

    A file without a form (GL001/GL002) gets one line with an empty `form`, graded like a form.
    """
    from goallint.config import GradeConfig
    from goallint.model import build

    config = config or build(GradeConfig)
    labels: dict[str, str] = dict(DEFAULT_LABELS)
    labels.update({str(key): value for key, value in config.labels.items()})
    grades: dict[tuple[str, str], FormGrade] = {}
    for info in run.forms:
        grades.setdefault((info.path, info.form), FormGrade(info.path, info.form, info.kind, info.profile, ""))
    blocked: set[tuple[str, str]] = set()
    weighed: dict[tuple[str, str], set[str]] = {}
    """The severities that count towards each form's grade (cosmetic codes are counted, not weighed)."""
    for d in run.diagnostics:
        key = (d.path, d.form)
        entry = grades.setdefault(key, FormGrade(d.path, d.form, "", "", ""))
        setattr(entry, d.severity, getattr(entry, d.severity) + 1)
        if _blocking(d.code, config.cosmetic):
            continue
        weighed.setdefault(key, set()).add(d.severity)
        if d.severity == "error" and _blocking(d.code, config.blocking):
            blocked.add(key)
    for key, entry in grades.items():
        severities = weighed.get(key, set())
        outcome = "blocking" if key in blocked else "errors" if "error" in severities else \
            "warnings" if "warning" in severities else "clean"
        entry.grade = labels[outcome]
    return list(grades.values())
