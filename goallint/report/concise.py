"""`--format concise`: one line per finding, `path:line:col: CODE [severity] message`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from goallint.report import RenderOptions, statistics_text, summary_line

if TYPE_CHECKING:
    from goallint.engine import RunReport


def stream(run: RunReport, options: RenderOptions) -> Iterator[str]:
    if options.statistics:
        yield statistics_text(run)
        return
    yield from (f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity}] {d.message}\n" for d in run.diagnostics)
    yield summary_line(run)


def render(run: RunReport, options: RenderOptions) -> str:
    return "".join(stream(run, options))
