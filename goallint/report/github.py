"""`--format github`: GitHub Actions workflow commands, one annotation per finding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from goallint.report import (
    SEVERITY_LABELS,
    RenderOptions,
    cell_ref,
    hidden_text,
    statistics_text,
    summary_line,
)

if TYPE_CHECKING:
    from goallint.engine import RunReport

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def stream(run: RunReport, options: RenderOptions) -> Iterator[str]:
    if options.statistics:
        yield statistics_text(run, len(options.baselined))
        return
    for d in run.diagnostics:
        where = (f"file={_property(d.path)},line={d.line},col={d.column},"
                 f"endLine={d.end_line},endColumn={d.end_column},"
                 f"title={_property(f'{d.code} [{SEVERITY_LABELS[d.severity]}]')}")
        ref = cell_ref(d)
        form = f"【{d.form}】" if d.form else ""
        cell = f"{d.sheet}!{ref} " if ref else ""
        yield f"::{LEVELS[d.severity]} {where}::{_data(cell + form + d.message)}\n"
    if hidden_text(run, len(options.baselined)):  # what a baseline or a waiver hid, as one notice
        yield f"::notice title=goallint::{_data(summary_line(run, len(options.baselined)).strip())}\n"


def render(run: RunReport, options: RenderOptions) -> str:
    return "".join(stream(run, options))
