"""`--format json`: cli.md's contract (`goallint`, `summary`, `diagnostics`) plus the forms' review grades."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from goallint import __version__
from goallint.model import dump
from goallint.report import STREAMED, RenderOptions, json_pieces, statistics, summary_counts

if TYPE_CHECKING:
    from goallint.engine import RunReport


def stream(run: RunReport, options: RenderOptions) -> Iterator[str]:
    """The report in pieces, one diagnostic at a time (a long run's JSON is never held whole)."""
    head: dict[str, Any] = {
        "goallint": __version__,
        "summary": summary_counts(run),
        "diagnostics": STREAMED,
        "forms": [asdict(grade) for grade in options.grades],
    }
    if options.statistics:
        head["statistics"] = [{"code": c, "name": n, "severity": s, "count": k} for c, n, s, k in statistics(run)]
    return json_pieces(head, (dump(d) for d in run.diagnostics))


def render(run: RunReport, options: RenderOptions) -> str:
    return "".join(stream(run, options))
