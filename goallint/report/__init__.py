"""Output formats: one module per format, each with `render(run, options) -> str`; this maps format → module.

A format that can write a long run piece by piece also has `stream(run, options) -> Iterator[str]` (its
`render` joins the pieces): `goallint check` writes those pieces as they come, so that neither the run's
diagnostics nor the whole report text need to sit in memory at once."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from json import dumps as json_dumps  # not `import json`: the submodule goallint.report.json takes that name
from typing import TYPE_CHECKING, Any

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


def stream(fmt: str, run: RunReport, options: RenderOptions | None = None) -> Iterator[str]:
    """The report in pieces (formats with `stream`), else in one piece; joined, it is `render`'s text."""
    module = importlib.import_module(RENDERERS[fmt])
    if hasattr(module, "stream"):
        pieces: Iterator[str] = module.stream(run, options or RenderOptions())
        return pieces
    return iter([render(fmt, run, options)])


def needs_grades(fmt: str) -> bool:
    """Whether a format shows the forms' grades (grading reads every diagnostic once more)."""
    return fmt in ("json", "html")


STREAMED = "\u0000goallint-streamed-list\u0000"
"""Stands for a long list in a JSON document written by `json_pieces`."""


def json_pieces(document: Any, items: Iterable[Any]) -> Iterator[str]:
    """`json_dumps(document, ensure_ascii=False, indent=2) + "\n"`, where the one value `STREAMED` in the
    document is the list `items`, in pieces: the list's items are dumped one at a time, indented as the
    whole dump would indent them, so that the joined pieces are exactly the one-piece text."""
    text = json_dumps(document, ensure_ascii=False, indent=2) + "\n"
    head, _, tail = text.partition(json_dumps(STREAMED, ensure_ascii=False))
    yield head
    indent = " " * (len(head.rsplit("\n", 1)[-1]) - len(head.rsplit("\n", 1)[-1].lstrip(" ")))
    inner = indent + "  "
    first = True
    for item in items:
        dumped = json_dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n" + inner)
        yield ("[\n" if first else ",\n") + inner + dumped
        first = False
    yield "[]" if first else "\n" + indent + "]"
    yield tail


def statistics(run: RunReport) -> list[tuple[str, str, str, int]]:
    """(code, name, severity, count) per rule that reported, most frequent first."""
    counts = run.counts()
    return [(code, name, sev, n) for (code, name, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def statistics_text(run: RunReport) -> str:
    rows = statistics(run)
    width = max((len(str(n)) for *_, n in rows), default=1)
    return "".join(f"{n:>{width}}  {code}  {name}  [{sev}]\n" for code, name, sev, n in rows)


def summary_counts(run: RunReport) -> dict[str, int]:
    """The JSON contract's `summary`: files, forms, and counts per severity."""
    counts: Counter[str] = Counter()
    for (_code, _name, severity), n in run.counts().items():
        counts[severity] += n
    return {"files": len(run.files), "forms": len(run.forms),
            "error": counts["error"], "warning": counts["warning"], "info": counts["info"]}


def summary_line(run: RunReport) -> str:
    s = summary_counts(run)
    if not run.diagnostics:
        return f"未发现问题（{s['files']} 个文件，{s['forms']} 张表）。\n"
    return (f"共 {len(run.diagnostics)} 个问题：{s['error']} 个错误，{s['warning']} 个警告，{s['info']} 个提示"
            f"（{s['files']} 个文件，{s['forms']} 张表）。\n")
