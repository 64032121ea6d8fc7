"""`--format json`: cli.md's contract (`goallint`, `summary`, `diagnostics`) plus the forms' review grades."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from goallint import __version__
from goallint.report import RenderOptions, statistics, summary_counts

if TYPE_CHECKING:
    from goallint.engine import RunReport


def document(run: RunReport, options: RenderOptions) -> dict[str, Any]:
    """The JSON report as a Python mapping."""
    out: dict[str, Any] = {
        "goallint": __version__,
        "summary": summary_counts(run),
        "diagnostics": [d.model_dump(mode="json") for d in run.diagnostics],
        "forms": [asdict(grade) for grade in options.grades],
    }
    if options.statistics:
        out["statistics"] = [{"code": c, "name": n, "severity": s, "count": k} for c, n, s, k in statistics(run)]
    return out


def render(run: RunReport, options: RenderOptions) -> str:
    return json.dumps(document(run, options), ensure_ascii=False, indent=2) + "\n"
