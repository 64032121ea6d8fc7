"""`--format full`: findings grouped by file and form, each with the cell's source line and a caret under it."""

from __future__ import annotations

import unicodedata
from itertools import groupby
from typing import TYPE_CHECKING

from goallint.report import (
    SEVERITY_LABELS,
    RenderOptions,
    cell_ref,
    related_places,
    statistics_text,
    summary_line,
)

if TYPE_CHECKING:
    from goallint.grade import FormGrade
    from goallint.model import Diagnostic
    from goallint.results import FileReport, RunReport

Segment = tuple[str, str]  # (text, rich style; '' for none)
STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
LABELS = SEVERITY_LABELS
GRADE_STYLES = {"优": "green", "良": "cyan", "中": "yellow", "差": "bold red"}
TAB = " ⇥ "
WINDOW = 100


def width(text: str) -> int:
    """Terminal columns of `text` (CJK and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def excerpt(line: str, column: int, end_column: int) -> tuple[str, int, int]:
    """The line as shown (tabs made visible, cut to a window) and the caret's start and width in columns."""
    start, end = max(column - 1, 0), max(end_column - 1, column)
    pieces = [(TAB if ch == "\t" else ch) for ch in line]
    lead = 0 if width("".join(pieces[:end])) <= WINDOW - 10 else max(0, start - 20)
    tail = max(end, lead + 1)
    shown = "".join(pieces[lead:])
    prefix = "…" if lead else ""
    caret_at = width(prefix) + width("".join(pieces[lead:start]))
    caret_width = max(1, width("".join(pieces[start:min(tail, len(pieces))])))
    if width(shown) > WINDOW:
        cut, used = 0, 0
        for cut, piece in enumerate(pieces[lead:], start=1):
            used += width(piece)
            if used > WINDOW and cut > tail - lead:
                break
        shown = "".join(pieces[lead:lead + cut]) + "…"
    return prefix + shown, caret_at, caret_width


def _finding(d: Diagnostic, lines: dict[int, str]) -> list[list[Segment]]:
    ref = cell_ref(d)
    head: list[Segment] = [(f"  {d.sheet}!{ref}" if ref else f"  {d.line}:{d.column}", "dim"), ("  ", ""), (d.code, STYLES[d.severity]),
                           (f" [{LABELS[d.severity]}] ", STYLES[d.severity]), (d.message, "bold")]
    out = [head]
    if d.field and not _names_its_field(d):
        out.append([("      ", ""), (d.field, "dim")])
    source = lines.get(d.line)
    if source is not None:
        end = d.end_column if d.end_line == d.line else len(source) + 1
        spans = [(d.column, end)] + [(o.column, o.end_column) for o in d.related  # the same defect on this line
                                     if o.line == d.line and o.end_line == o.line]
        shown, marks = _marked(source, sorted(spans))
        out.append([(f"{d.line:>6} │ ", "dim"), (shown, "")])
        out.append([(" " * 6 + " │ ", "dim"), (marks, STYLES[d.severity])])
    elsewhere = related_places(d, skip_line=d.line if source is not None else None)
    if elsewhere:  # the other cells a grouped finding names: where they are, on one line (its message names them)
        out.append([("      ", ""), ("另见 " + "、".join(elsewhere), "dim")])
    return out


def _names_its_field(d: Diagnostic) -> bool:
    """The message already names the cell's field (an indicator's 三级 name, a level label, `年度目标`) and the
    source line shows its row: the field's path would only repeat them."""
    parts = d.field.split(" ")[-1].split("/")
    return any(part and part in d.message for part in parts)


def _marked(source: str, spans: list[tuple[int, int]]) -> tuple[str, str]:
    """The line as shown for the window around every span, and one caret run under each span."""
    shown, at, _ = excerpt(source, spans[0][0], max(end for _, end in spans))
    pieces = [(TAB if ch == "\t" else ch) for ch in source]
    first = max(spans[0][0] - 1, 0)
    marks = ""
    for column, end_column in spans:
        start, end = max(column - 1, 0), max(end_column - 1, column)
        offset = at + (width("".join(pieces[first:start])) if start >= first else 0)
        size = max(1, width("".join(pieces[start:min(end, len(pieces))])))
        if offset + size > width(shown) + 1 and len(spans) > 1:
            continue  # outside the window shown
        marks += " " * max(0, offset - len(marks)) + "^" * size
    return shown, marks


def _file(report: FileReport, diagnostics: list[Diagnostic], grades: dict[tuple[str, str], str]
          ) -> list[list[Segment]]:
    out: list[list[Segment]] = [[(report.path, "bold underline")]]
    for form, group in groupby(diagnostics, key=lambda d: d.form):
        items = list(group)
        grade = grades.get((report.path, form), "")
        shown: list[Segment] = [(f"  审核档次 {grade}", GRADE_STYLES.get(grade, ""))] if grade else []
        out.append([("  ", ""), (form or "（整个文件）", "bold"), *shown, (f"  {len(items)} 个问题", "dim")])
        for d in items:
            out.extend(_finding(d, report.lines))
    out.append([])
    return out


def _lines(run: RunReport, grades: dict[tuple[str, str], str]) -> list[list[Segment]]:
    by_path: dict[str, list[Diagnostic]] = {}
    for d in run.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    out: list[list[Segment]] = []
    reports = {report.path: report for report in run.files}
    for path, diagnostics in by_path.items():
        from goallint.results import FileReport

        first: dict[str, int] = {}
        for index, d in enumerate(diagnostics):
            first.setdefault(d.form, index)
        ordered = sorted(diagnostics, key=lambda d: first[d.form])  # stable: by line within a form
        out.extend(_file(reports.get(path) or FileReport(path=path), ordered, grades))
    return out


def grade_line(grades: list[FormGrade]) -> str:
    """`审核档次：优 7 张，良 24 张，中 4 张，差 8 张。` over every form of the run (graded on all its findings,
    hidden ones included), or '' for a run without forms."""
    tally: dict[str, int] = {}
    for grade in grades:
        if grade.form:
            tally[grade.grade] = tally.get(grade.grade, 0) + 1
    if not tally:
        return ""
    order = ["优", "良", "中", "差"]
    keys = sorted(tally, key=lambda g: (order.index(g) if g in order else len(order), g))
    return "审核档次：" + "，".join(f"{g} {tally[g]} 张" for g in keys) + "。\n"


def render(run: RunReport, options: RenderOptions) -> str:
    if options.statistics:
        return statistics_text(run, len(options.baselined))
    grades = {(g.path, g.form): g.grade for g in options.grades}
    lines = _lines(run, grades)
    closing = summary_line(run, len(options.baselined)) + grade_line(options.grades)
    if not options.color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines) + closing
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=True, width=10_000, highlight=False, soft_wrap=True)
    for line in lines:
        console.print(Text.assemble(*line))
    for text in closing.splitlines():
        console.print(Text(text, style="bold"))
    return buffer.getvalue()
