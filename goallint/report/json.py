"""`--format json`: cli.md's contract (`goallint`, `summary`, `diagnostics`) plus the forms' review grades.

Additions to the contract, never renames: each diagnostic's `severity_label` (错误/警告/提示, the word every
other format shows), `summary.hidden` (how many findings a baseline or a form's own `goallint-ignore` hid),
`baselined` (the findings the baseline hid, in the shape of `diagnostics`), and per form `baseline`/`waived`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from goallint import __version__
from goallint.model import dump
from goallint.report import SEVERITY_LABELS, STREAMED, RenderOptions, json_pieces, statistics, summary_counts

if TYPE_CHECKING:
    from goallint.engine import RunReport
    from goallint.model import Diagnostic


def _item(d: Diagnostic) -> dict[str, Any]:
    item: dict[str, Any] = dump(d)
    item["severity_label"] = SEVERITY_LABELS[d.severity]
    return item


def stream(run: RunReport, options: RenderOptions) -> Iterator[str]:
    """The report in pieces, one diagnostic at a time (a long run's JSON is never held whole)."""
    head: dict[str, Any] = {
        "goallint": __version__,
        "summary": summary_counts(run, len(options.baselined)),
        "diagnostics": STREAMED,
        "forms": [asdict(grade) for grade in options.grades],
        "baselined": [_item(d) for d in options.baselined],
    }
    if options.statistics:
        head["statistics"] = [{"code": c, "name": n, "severity": s, "severity_label": SEVERITY_LABELS[s], "count": k}
                              for c, n, s, k in statistics(run)]
    return json_pieces(head, (_item(d) for d in run.diagnostics))


def render(run: RunReport, options: RenderOptions) -> str:
    return "".join(stream(run, options))
