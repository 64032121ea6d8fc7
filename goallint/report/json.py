"""`--format json`: cli.md's contract (`goallint`, `summary`, `diagnostics`) plus the forms' review grades."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from goallint import __version__
from goallint.report import STREAMED, RenderOptions, json_pieces, statistics, summary_counts

if TYPE_CHECKING:
    from goallint.engine import RunReport


def document(run: RunReport, options: RenderOptions, diagnostics: Any = None) -> dict[str, Any]:
    """The JSON report as a Python mapping (`diagnostics`: what to put in their place, else the list)."""
    out: dict[str, Any] = {
        "goallint": __version__,
        "summary": summary_counts(run),
        "diagnostics": [d.model_dump(mode="json") for d in run.diagnostics] if diagnostics is None else diagnostics,
        "forms": [asdict(grade) for grade in options.grades],
    }
    if options.statistics:
        out["statistics"] = [{"code": c, "name": n, "severity": s, "count": k} for c, n, s, k in statistics(run)]
    return out


def stream(run: RunReport, options: RenderOptions) -> Iterator[str]:
    """The report in pieces, one diagnostic at a time (a long run's JSON is never held whole)."""
    return json_pieces(document(run, options, STREAMED), (d.model_dump(mode="json") for d in run.diagnostics))


def render(run: RunReport, options: RenderOptions) -> str:
    return json.dumps(document(run, options), ensure_ascii=False, indent=2) + "\n"
