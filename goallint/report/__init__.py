"""Output formats: one module per format, each with `render(run, options) -> str`; this maps format → module."""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goallint.engine import RunReport
    from goallint.grade import FormGrade

RENDERERS: dict[str, str] = {
    "full": "goallint.report.full",
    "concise": "goallint.report.concise",
    "json": "goallint.report.json",
    "sarif": "goallint.report.sarif",
    "github": "goallint.report.github",
    "html": "goallint.report.html",
}
"""Format name → module with `render(run: RunReport, options: RenderOptions) -> str` (imported lazily)."""


@dataclass
class RenderOptions:
    """What a renderer may need besides the run: colour, statistics mode, the forms' grades."""

    color: bool = False
    statistics: bool = False
    grades: list[FormGrade] = field(default_factory=list)


def render(fmt: str, run: RunReport, options: RenderOptions | None = None) -> str:
    """Render the run in format `fmt` (a key of `RENDERERS`)."""
    module = importlib.import_module(RENDERERS[fmt])
    text: str = module.render(run, options or RenderOptions())
    return text


def statistics(run: RunReport) -> list[tuple[str, str, str, int]]:
    """(code, name, severity, count) per rule that reported, most frequent first."""
    counts = Counter((d.code, d.name, d.severity) for d in run.diagnostics)
    return [(code, name, sev, n) for (code, name, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def statistics_text(run: RunReport) -> str:
    rows = statistics(run)
    width = max((len(str(n)) for *_, n in rows), default=1)
    return "".join(f"{n:>{width}}  {code}  {name}  [{sev}]\n" for code, name, sev, n in rows)


def summary_counts(run: RunReport) -> dict[str, int]:
    """The JSON contract's `summary`: files, forms, and counts per severity."""
    counts = Counter(d.severity for d in run.diagnostics)
    return {"files": len(run.files), "forms": len(run.forms),
            "error": counts["error"], "warning": counts["warning"], "info": counts["info"]}


def summary_line(run: RunReport) -> str:
    s = summary_counts(run)
    if not run.diagnostics:
        return f"未发现问题（{s['files']} 个文件，{s['forms']} 张表）。\n"
    return (f"共 {len(run.diagnostics)} 个问题：{s['error']} 个错误，{s['warning']} 个警告，{s['info']} 个提示"
            f"（{s['files']} 个文件，{s['forms']} 张表）。\n")
