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
    from goallint.grade import FormGrade
    from goallint.model import Diagnostic
    from goallint.results import RunReport

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
"""The one vocabulary of severities a reviewer reads, in every format (JSON and SARIF keep the English keys of
their contracts beside it)."""

RENDERERS: dict[str, str] = {
    "full": "goallint.report.full",
    "concise": "goallint.report.concise",
    "json": "goallint.report.json",
    "sarif": "goallint.report.sarif",
    "github": "goallint.report.github",
    "html": "goallint.report.html",
}
"""Format name → module with `render(run: RunReport, options: RenderOptions) -> str` (imported lazily)."""

FILE_RENDERERS: dict[str, str] = {"xlsx": "goallint.report.xlsx"}
"""Formats that are files, never terminal text: module with `render_bytes(run, options) -> bytes`."""


@dataclass
class RenderOptions:
    """What a renderer may need besides the run: colour, statistics mode, the forms' grades."""

    color: bool = False
    statistics: bool = False
    grades: list[FormGrade] = field(default_factory=list)
    baselined: list[Diagnostic] = field(default_factory=list)
    """The findings a baseline hid: counted in every summary, marked in the html report."""


def render(fmt: str, run: RunReport, options: RenderOptions | None = None) -> str:
    """Render the run in format `fmt` (a key of `RENDERERS`)."""
    module = importlib.import_module(RENDERERS[fmt])
    text: str = module.render(run, options or RenderOptions())
    return text


def render_bytes(fmt: str, run: RunReport, options: RenderOptions | None = None) -> bytes:
    """A file format's bytes (a key of `FILE_RENDERERS`)."""
    module = importlib.import_module(FILE_RENDERERS[fmt])
    data: bytes = module.render_bytes(run, options or RenderOptions())
    return data


def stream(fmt: str, run: RunReport, options: RenderOptions | None = None) -> Iterator[str]:
    """The report in pieces (formats with `stream`), else in one piece; joined, it is `render`'s text."""
    module = importlib.import_module(RENDERERS[fmt])
    if hasattr(module, "stream"):
        pieces: Iterator[str] = module.stream(run, options or RenderOptions())
        return pieces
    return iter([render(fmt, run, options)])


def needs_grades(fmt: str) -> bool:
    """Whether a format shows the forms' grades (grading reads every diagnostic once more)."""
    return fmt in ("json", "html", "full", "xlsx")


BINARY = frozenset(FILE_RENDERERS)


def location(path: str, line: int, column: int, sheet: str | None, cell_ref: str) -> str:
    """Where a finding is, as a reviewer opens it: `path:批复表!F16` for a workbook cell, else `path:line:col`."""
    return f"{path}:{sheet}!{cell_ref}" if sheet and cell_ref else f"{path}:{line}:{column}"


def cell_ref(d: Diagnostic) -> str:
    """The workbook cell of a finding (`F16`, from the field `批复表!F16 成本指标/…`), or ''."""
    if not d.sheet or not d.field.startswith(f"{d.sheet}!"):
        return ""
    return d.field[len(d.sheet) + 1:].partition(" ")[0]


def related_places(d: Diagnostic, skip_line: int | None = None) -> list[str]:
    """The other cells a finding names (`related`), each as its own is named: `E12` in a workbook
    (`其他表!E12` on another sheet), else `line:column`; those on `skip_line` (shown under it) left out."""
    out: list[str] = []
    for other in d.related:
        if skip_line is not None and other.line == skip_line == other.end_line:
            continue
        head, bang, rest = other.field.partition("!")
        if bang and " " not in head:
            ref = rest.partition(" ")[0]
            out.append(ref if head == d.sheet else f"{head}!{ref}")
        else:
            out.append(f"{other.line}:{other.column}")
    return list(dict.fromkeys(out))


def where(d: Diagnostic) -> str:
    """`location` of a diagnostic."""
    return location(d.path, d.line, d.column, d.sheet, cell_ref(d))


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
    """(code, name, severity, count) per rule and severity that reported, most frequent first."""
    counts = run.counts()
    return [(code, name, sev, n) for (code, name, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def statistics_text(run: RunReport, baselined: int = 0) -> str:
    """One line per rule, most frequent first, and the total. A rule whose severity a profile changes (GL406 is
    a 警告 by default and a 提示 on dg2019 forms) is one line whose severities are each counted."""
    per_code: dict[str, tuple[str, Counter[str]]] = {}
    for code, name, sev, n in statistics(run):
        per_code.setdefault(code, (name, Counter()))[1][sev] += n
    rows = sorted(((sum(sevs.values()), code, name, sevs) for code, (name, sevs) in per_code.items()),
                  key=lambda row: (-row[0], row[1]))
    width = max((len(str(n)) for n, *_ in rows), default=1)
    out = []
    for n, code, name, sevs in rows:
        if len(sevs) == 1:
            label = SEVERITY_LABELS[next(iter(sevs))]
        else:
            label = "，".join(f"{SEVERITY_LABELS[s]} {sevs[s]}" for s in ("error", "warning", "info") if sevs[s])
        out.append(f"{n:>{width}}  {code}  {name}  [{label}]\n")
    total = sum(n for n, *_ in rows)
    out.append(f"共 {total} 个问题，{len(rows)} 条规则。{hidden_text(run, baselined)}\n")
    return "".join(out)


def waived_count(run: RunReport) -> int:
    """Findings that the forms' own `goallint-ignore` waived."""
    return sum(len(info.waived) for info in run.forms)


def hidden_counts(run: RunReport, baselined: int) -> dict[str, int]:
    """How many findings the report does not show, and why: `baseline`, `waiver` (a form's goallint-ignore)."""
    return {"baseline": baselined, "waiver": waived_count(run)}


def hidden_text(run: RunReport, baselined: int) -> str:
    """`另有 N 个问题未列出：基线隐藏 N 个，表内豁免（goallint-ignore）M 个。`, or '' when nothing was hidden."""
    hidden = hidden_counts(run, baselined)
    parts = [text for n, text in ((hidden["baseline"], f"基线隐藏 {hidden['baseline']} 个"),
                                  (hidden["waiver"], f"表内豁免（goallint-ignore）{hidden['waiver']} 个")) if n]
    if not parts:
        return ""
    return f"另有 {sum(hidden.values())} 个问题未列出：{'，'.join(parts)}。"


def summary_counts(run: RunReport, baselined: int = 0) -> dict[str, Any]:
    """The JSON contract's `summary`: files, forms, and counts per severity of the findings shown; then what
    was not shown (`hidden`: by the baseline, by the forms' own waivers)."""
    counts: Counter[str] = Counter()
    for (_code, _name, severity), n in run.counts().items():
        counts[severity] += n
    return {"files": len(run.files), "forms": len(run.forms),
            "error": counts["error"], "warning": counts["warning"], "info": counts["info"],
            "hidden": hidden_counts(run, baselined)}


def summary_line(run: RunReport, baselined: int = 0) -> str:
    """The closing line of a terminal report; it says what a baseline or a waiver hid."""
    s = summary_counts(run, baselined)
    hidden = hidden_text(run, baselined)
    where = f"{s['files']} 个文件，{s['forms']} 张表"
    if not run.diagnostics:
        if hidden:
            return f"未发现新问题（{where}）。{hidden}\n"
        return f"未发现问题（{where}）。\n"
    return (f"共 {len(run.diagnostics)} 个问题：{s['error']} 个错误，{s['warning']} 个警告，{s['info']} 个提示"
            f"（{where}）。{hidden}\n")
