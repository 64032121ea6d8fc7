"""`--format concise`: one line per finding, `path:line:col: CODE [级别] 【表单】message` (a workbook cell as
`path:批复表!F16`), then the summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from goallint.report import SEVERITY_LABELS, RenderOptions, statistics_text, summary_line, where

if TYPE_CHECKING:
    from goallint.model import Diagnostic
    from goallint.results import RunReport


def line(d: Diagnostic) -> str:
    """One finding as the concise format (and the pre-commit hook) shows it."""
    if d.sheet:
        form = f"【{d.form}】" if d.form else ""
        return f"{where(d)}: {d.code} [{SEVERITY_LABELS[d.severity]}] {form}{d.message}\n"
    # not in a workbook: `where` is path:line:column, and the line is one piece of text
    if d.form:
        return f"{d.path}:{d.line}:{d.column}: {d.code} [{SEVERITY_LABELS[d.severity]}] 【{d.form}】{d.message}\n"
    return f"{d.path}:{d.line}:{d.column}: {d.code} [{SEVERITY_LABELS[d.severity]}] {d.message}\n"


def stream(run: RunReport, options: RenderOptions) -> Iterator[str]:
    if options.statistics:
        yield statistics_text(run, len(options.baselined))
        return
    rendered = getattr(run.diagnostics, "rendered", None)  # a spool whose files were rendered as they came
    pieces = rendered(line) if rendered is not None else None
    yield from pieces if pieces is not None else (line(d) for d in run.diagnostics)
    yield summary_line(run, len(options.baselined))


def render(run: RunReport, options: RenderOptions) -> str:
    return "".join(stream(run, options))
