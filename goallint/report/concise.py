"""`--format concise`: one line per finding, `path:line:col: CODE [severity] message`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from goallint.report import RenderOptions, statistics_text, summary_line

if TYPE_CHECKING:
    from goallint.engine import RunReport


def render(run: RunReport, options: RenderOptions) -> str:
    if options.statistics:
        return statistics_text(run)
    lines = [f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity}] {d.message}\n" for d in run.diagnostics]
    return "".join(lines) + summary_line(run)
