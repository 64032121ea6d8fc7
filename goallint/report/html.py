"""The self-contained HTML review report (`--format html`): every form as a reviewer knows it, findings at their cells.

Jinja2 (autoescape on) renders `templates/report.html.j2`; all CSS and JS are inline, the page's data for the
script travels in a JSON block, and a Content-Security-Policy with the script's hash lets nothing else run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goallint import __version__
from goallint.grade import grade_of
from goallint.model import (
    SEVERITY_RANK,
    AnyForm,
    Cell,
    DepartmentForm,
    Diagnostic,
    ProjectForm,
    Task,
    form_name,
)
from goallint.plumbing.records import record
from goallint.report import SEVERITY_LABELS, where
from goallint.report.forms import form_facts, shows_arithmetic, used_cells

if TYPE_CHECKING:
    from goallint.packs import Rule
    from goallint.report import RenderOptions
    from goallint.results import RunReport

GradeOf = Callable[[str, AnyForm, Sequence[Diagnostic]], str]
"""The review grade of a form: (its file's path, the form, its diagnostics) → 优/良/中/差."""

TEMPLATES = Path(__file__).resolve().parent / "templates"
SEVERITIES = ("error", "warning", "info")
GRADES = ("优", "良", "中", "差")
HEADLINE_PREFIXES = ("GL4", "GL5")


@record(frozen=True)
class RuleDoc:
    """What the page explains about one rule (from its pack's `doc` block)."""

    code: str
    name: str
    severity: str
    summary: str = ""
    why: str = ""
    bad: str = ""
    good: str = ""
    fix: str = "none"
    basis: str = ""
    title: str = ""
    arithmetic: bool = False
    """Its messages show the arithmetic worked out (the page marks the cells it used)."""
    """The Chinese name shown beside the code (the English `name` stays as the rule's id)."""


@record
class FileInput:
    """One file of the run: the forms read from it and every diagnostic reported on it."""

    path: str
    forms: Sequence[AnyForm] = ()
    diagnostics: Sequence[Diagnostic] = ()
    baselined: frozenset[int] = frozenset()
    """Ids of the diagnostics a baseline hid: shown on the page, marked as such, counted apart."""
    waived: Mapping[str, int] = field(default_factory=dict)
    """Form name → findings its own goallint-ignore waived."""


def default_grade(diagnostics: Iterable[Diagnostic]) -> str:
    """The grade with the default mapping, where a page is made without a run's grades."""
    return grade_of(diagnostics)


# ---- the view model the template walks -------------------------------------------------------------------


@record
class FindingView:
    id: str
    code: str
    name: str
    severity: str
    message: str
    field: str
    where: str
    hidden: str = ""
    """Why the text report does not list it ('' when it does): `基线` for a finding a baseline hid."""
    key: tuple[str, str, str, str, str] = ("", "", "", "", "")
    """Its baseline key (path relative to the current folder, form, field, code, cell text): the reviewer's
    marks are kept under it and written into the baseline file the page downloads."""


@record
class CellView:
    """A displayed cell; `findings` are those reported at its location."""

    text: str
    findings: list[FindingView] = field(default_factory=list)
    rowspan: int = 1
    merged: bool = False
    """True when the cell above spans over this one (not rendered)."""
    also: list[FindingView] = field(default_factory=list)
    """Findings reported on another cell that name this one too (`related`): tinted here, listed there."""
    used_by: list[str] = field(default_factory=list)
    """Ids of the arithmetic findings (GL401–GL404) that used this cell: tinted with them."""

    @property
    def used_ids(self) -> str:
        return " ".join(self.used_by)

    @property
    def severity(self) -> str:
        worst = max((SEVERITY_RANK[f.severity] for f in (*self.findings, *self.also)), default=0)
        return next((s for s in SEVERITIES if SEVERITY_RANK[s] == worst), "")

    @property
    def finding_ids(self) -> str:
        return " ".join(dict.fromkeys(f.id for f in (*self.findings, *self.also)))


@record
class FieldRow:
    label: str
    cell: CellView


@record
class RowView:
    """A row of the indicator or task table: its cells and the findings on any of them."""

    cells: list[CellView]

    @property
    def findings(self) -> list[FindingView]:
        return [f for cell in self.cells for f in cell.findings]


@record
class TableView:
    title: str
    headers: list[str]
    rows: list[RowView]
    numeric: tuple[int, ...] = ()
    """Columns of amounts (right-aligned)."""


@record
class FormView:
    id: str
    number: int
    path: str
    line: int
    kind: str
    kind_label: str
    name: str
    grade: str
    profile: str
    budget: str
    fields: list[FieldRow]
    tables: list[TableView]
    form_findings: list[FindingView]
    counts: dict[str, int]
    department: str = ""
    budget_yuan: str = ""
    """The budget in 元 as a plain number for sorting ('' when it does not read as one amount)."""
    waived: int = 0
    """Findings the form's own `goallint-ignore` waived (counted in its grade, not shown)."""
    baselined: int = 0

    @property
    def findings(self) -> list[FindingView]:
        cells = [f for row in self.fields for f in row.cell.findings]
        rows = [f for table in self.tables for row in table.rows for f in row.findings]
        return self.form_findings + cells + rows

    @property
    def headline(self) -> list[FindingView]:
        """Budget and department findings (GL4xx, GL5xx) placed at a cell, repeated as links at the form's top."""
        return [f for f in self.findings if f.code.startswith(HEADLINE_PREFIXES) and f not in self.form_findings]


@record
class FileView:
    path: str
    form_count: int
    findings: list[FindingView]
    """Findings that belong to no form (GL001/GL002 or a form name the run does not hold)."""


# ---- building the view model -----------------------------------------------------------------------------

_Key = tuple[int, int, str | None]


def _cell_key(cell: Cell | None) -> _Key | None:
    if cell is None or cell.span is None:
        return None
    return (cell.span.line, cell.span.column, cell.span.sheet)


def _diag_key(diag: Diagnostic) -> _Key:
    return (diag.line, diag.column, diag.sheet)


class _FormBuilder:
    """Lays out one form's cells, attaching each diagnostic to the cell at its location."""

    def __init__(self, form: AnyForm, findings: Mapping[_Key, list[FindingView]], start: _Key | None,
                 related: Mapping[_Key, list[FindingView]] | None = None,
                 used: Mapping[int, list[str]] | None = None) -> None:
        self.form = form
        self.related = related or {}
        self.pending = {key: list(items) for key, items in findings.items() if key != start}
        self.form_level: list[FindingView] = list(findings.get(start, [])) if start is not None else []
        self.by_key: dict[_Key, CellView] = {}
        self.used = used or {}

    def cell(self, cell: Cell | None, suffix: str = "") -> CellView:
        key = _cell_key(cell)
        if key is not None and key in self.by_key:
            return CellView(self.by_key[key].text, merged=True)
        text = cell.raw.strip() if cell is not None else ""
        if text and suffix and not text.endswith(suffix):
            text += suffix
        view = CellView(text, self.pending.pop(key, []) if key is not None else [],
                        also=list(self.related.get(key, [])) if key is not None else [])
        if cell is not None:
            view.used_by = list(self.used.get(id(cell), []))
        if key is not None:
            self.by_key[key] = view
        return view

    def leftovers(self) -> list[FindingView]:
        rest = [f for items in self.pending.values() for f in items]
        return self.form_level + rest


def _project_fields(form: ProjectForm, b: _FormBuilder) -> list[FieldRow]:
    period = b.cell(form.period_start)
    end = b.cell(form.period_end)
    period.text = f"{period.text or '?'} — {end.text or '?'}" if (period.text or end.text) else ""
    period.findings += end.findings
    rows = [
        ("项目名称", b.cell(form.name)),
        ("项目类型", b.cell(form.project_type)),
        ("项目等级", b.cell(form.project_level)),
        ("主管部门", b.cell(form.department)),
        ("用款单位", b.cell(form.spending_unit)),
        ("批复单位", b.cell(form.issuer)),
        ("实施周期", period),
        ("年度预算金额", b.cell(form.budget, form.budget_unit)),
        ("中期预算", b.cell(form.period_budget, form.period_budget_unit)),
        ("实施周期总目标" if form.profile != "dg2019" else "中期目标", b.cell(form.period_goal)),
        ("年度目标", b.cell(form.annual_goal)),
        ("批复意见", b.cell(form.approval)),
    ]
    always = {"项目名称", "主管部门", "年度预算金额", "实施周期", "年度目标"}
    return [FieldRow(label, view) for label, view in rows if label in always or view.text or view.findings]


def _department_fields(form: DepartmentForm, b: _FormBuilder) -> list[FieldRow]:
    rows = [
        ("部门名称", b.cell(form.name)),
        ("财政供养人员数", b.cell(form.staff_count)),
        ("下属二级单位数", b.cell(form.subunit_count)),
        ("总体绩效目标", b.cell(form.overall_goal)),
    ]
    return [FieldRow(label, view) for label, view in rows if label in ("部门名称", "总体绩效目标") or view.text or view.findings]


def _budget_table(form: DepartmentForm, b: _FormBuilder) -> TableView:
    lines = [
        ("基本支出", form.basic, "财政拨款", form.appropriation),
        ("项目支出", form.project, "其他资金", form.other_income),
        ("财政专项资金", form.special, "市本级使用资金", form.city_level),
        ("其他事业发展性支出", form.other_development, "拟用于对下转移支付资金", form.transfer),
    ]
    rows = [RowView([CellView(a), b.cell(x), CellView(c), b.cell(y)]) for a, x, c, y in lines]
    return TableView("预算整体情况（万元）", ["部门预算支出", "金额", "收入来源 / 预算级次", "金额"], rows, (1, 3))


def _task_table(title: str, tasks: Sequence[Task], b: _FormBuilder) -> TableView:
    rows = [RowView([b.cell(t.name), b.cell(t.content), b.cell(t.amount), b.cell(t.expected)]) for t in tasks]
    return TableView(title, ["名称", "主要实施内容", "拟投入的资金（元）", "期望达到的目标"], rows, (2,))


def _indicator_table(form: AnyForm, b: _FormBuilder) -> TableView:
    rows: list[RowView] = []
    for indicator in form.indicators:
        cells = [b.cell(indicator.level1), b.cell(indicator.level2), b.cell(indicator.name),
                 b.cell(indicator.period_value), b.cell(indicator.annual_value)]
        rows.append(RowView(cells))
    for column in (0, 1):  # a level cell spans the rows below that repeat it (same source cell, same or no text)
        head: CellView | None = None
        for row in rows:
            cell = row.cells[column]
            repeats = not cell.findings and (cell.merged or not cell.text or cell.text == head.text) if head else False
            if head is not None and repeats and (column == 0 or row.cells[0].merged):
                head.rowspan += 1
                cell.merged = True
            else:
                cell.merged = False
                head = cell
    period = "中期指标值" if form.profile == "dg2019" else "实施周期指标值"
    return TableView("绩效指标", ["一级指标", "二级指标", "三级指标", period, "年度指标值"], rows)


def _used_cells(form: AnyForm, diagnostics: Sequence[Diagnostic], findings: list[FindingView],
                arithmetic: frozenset[str]) -> dict[int, list[str]]:
    """Cell (by identity) → ids of the arithmetic findings that used it (standard, quantities, budget)."""
    cells: dict[_Key, Cell] = {}
    for indicator in form.indicators:
        for cell in (indicator.annual_value, indicator.period_value):
            key = _cell_key(cell)
            if key is not None and cell is not None:
                cells.setdefault(key, cell)
    out: dict[int, list[str]] = {}
    for diag, finding in zip(diagnostics, findings, strict=True):
        if diag.code not in arithmetic:
            continue
        for cell in used_cells(form, cells.get(_diag_key(diag)), diag.message):
            out.setdefault(id(cell), []).append(finding.id)
    return out


def _form_view(number: int, form: AnyForm, diagnostics: Sequence[Diagnostic], findings: list[FindingView],
               grade: str, arithmetic: frozenset[str]) -> FormView:
    by_key: dict[_Key, list[FindingView]] = {}
    related: dict[_Key, list[FindingView]] = {}
    for diag, finding in zip(diagnostics, findings, strict=True):
        by_key.setdefault(_diag_key(diag), []).append(finding)
        for other in diag.related:  # the same defect in another cell (the row's other column): tinted too
            related.setdefault((other.line, other.column, diag.sheet), []).append(finding)
    start = (form.span.line, form.span.column, form.span.sheet) if form.span is not None else None
    builder = _FormBuilder(form, by_key, start, related, _used_cells(form, diagnostics, findings, arithmetic))
    tables: list[TableView] = []
    facts = form_facts(form)
    if isinstance(form, ProjectForm):
        fields = _project_fields(form, builder)
    else:
        fields = _department_fields(form, builder)
        tables.append(_budget_table(form, builder))
        for title, tasks in (("年度重点工作任务", form.tasks), ("其他需完成的任务", form.other_tasks)):
            if tasks:
                tables.append(_task_table(title, tasks, builder))
    tables.append(_indicator_table(form, builder))
    counts: Counter[str] = Counter(d.severity for d, f in zip(diagnostics, findings, strict=True) if not f.hidden)
    return FormView(
        id=f"form-{number}", number=number, path=form.path, line=form.span.line if form.span else 1,
        kind=form.kind, kind_label="项目" if form.kind == "project" else "部门整体",
        name=form_name(form) or "（未命名表单）", grade=grade, profile=form.profile or "",
        budget=facts.budget, fields=fields, tables=tables, form_findings=builder.leftovers(),
        counts={s: counts[s] for s in SEVERITIES}, department=facts.department,
        budget_yuan=str(facts.budget_yuan) if facts.budget_yuan is not None else "",
        baselined=sum(1 for f in findings if f.hidden),
    )


@lru_cache(maxsize=4096)
def _relative(path: str, folder: str) -> str:
    """A finding's path as a baseline written in `folder` (the current one) records it (once per file)."""
    from goallint.baseline import relative_path

    return relative_path(path, Path(folder))


def _finding_view(index: int, diag: Diagnostic, hidden: str = "") -> FindingView:
    from goallint.baseline import key_field

    key = (_relative(diag.path, os.getcwd()), diag.form, key_field(diag), diag.code, diag.cell_text)
    return FindingView(id=f"f{index}", code=diag.code, name=diag.name, severity=diag.severity,
                       message=diag.message, field=diag.field, where=where(diag), hidden=hidden, key=key)


def _owner(form_starts: list[tuple[int, int, str]], diag: Diagnostic) -> int | None:
    """The index of the form a diagnostic belongs to: same name, the last such form starting at or before it."""
    named = [(line, index) for line, index, name in form_starts if name == diag.form]
    if not named:
        return None
    before = [index for line, index in named if line <= diag.line]
    return before[-1] if before else named[0][1]


@record
class ReportView:
    version: str
    files: list[FileView]
    forms: list[FormView]
    rules: list[RuleDoc]
    rule_counts: dict[str, int]
    totals: dict[str, Any]
    """The JSON report's `summary`: files, forms, the findings shown per severity, and `hidden`."""
    grades: dict[str, int]


def _default_grade_of(path: str, form: AnyForm, diagnostics: Sequence[Diagnostic]) -> str:
    return default_grade(diagnostics)


def build_view(files: Sequence[FileInput], rule_docs: Mapping[str, RuleDoc], grade_of: GradeOf = _default_grade_of,
               version: str = __version__) -> ReportView:
    """Attach every diagnostic of the run to its form and cell; nothing is dropped."""
    counter = 0
    arithmetic = frozenset(code for code, doc in rule_docs.items() if doc.arithmetic)
    file_views: list[FileView] = []
    form_views: list[FormView] = []
    for file in files:
        starts = sorted(
            ((f.span.line if f.span else 1, i, form_name(f)) for i, f in enumerate(file.forms)), key=lambda t: t[:2]
        )
        per_form: dict[int, list[tuple[Diagnostic, FindingView]]] = {}
        orphans: list[FindingView] = []
        for diag in file.diagnostics:
            counter += 1
            finding = _finding_view(counter, diag, "基线" if id(diag) in file.baselined else "")
            owner = _owner(starts, diag)
            if owner is None:
                orphans.append(finding)
            else:
                per_form.setdefault(owner, []).append((diag, finding))
        for index, form in enumerate(file.forms):
            pairs = per_form.get(index, [])
            diags = [d for d, _ in pairs]
            grade = grade_of(file.path, form, diags)
            view = _form_view(len(form_views) + 1, form, diags, [f for _, f in pairs], grade, arithmetic)
            view.waived = file.waived.get(form_name(form), 0)
            form_views.append(view)
        file_views.append(FileView(file.path, len(file.forms), orphans))
    every = [d for file in files for d in file.diagnostics]
    shown = [d for file in files for d in file.diagnostics if id(d) not in file.baselined]
    severity_counts: Counter[str] = Counter(d.severity for d in shown)
    rule_counts = Counter(d.code for d in every)
    used = sorted(rule_counts)
    docs = [rule_docs.get(code) or _fallback_doc(code, every) for code in used]
    grades = Counter(view.grade for view in form_views)
    totals: dict[str, Any] = {
        "files": len(files), "forms": len(form_views), **{s: severity_counts[s] for s in SEVERITIES},
        "hidden": {"baseline": len(every) - len(shown), "waiver": sum(sum(file.waived.values()) for file in files)}}
    return ReportView(version, file_views, form_views, docs, dict(sorted(rule_counts.items())), totals,
                      {g: grades[g] for g in GRADES})


def _fallback_doc(code: str, diagnostics: Sequence[Diagnostic]) -> RuleDoc:
    first = next(d for d in diagnostics if d.code == code)
    return RuleDoc(code=code, name=first.name, severity=first.severity)


# ---- rendering -------------------------------------------------------------------------------------------


def script_json(data: Any) -> str:
    """JSON safe inside a `<script type="application/json">` element: `<`, `>`, `&` (and U+2028/9) escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _page_data(view: ReportView) -> dict[str, Any]:
    return {
        "version": view.version,
        "totals": view.totals,
        "grades": view.grades,
        "rules": view.rule_counts,
        "forms": [
            {"id": f.id, "name": f.name, "path": f.path, "grade": f.grade, "kind": f.kind,
             "department": f.department, "budget": f.budget_yuan,
             "findings": [x.id for x in f.findings], **f.counts}
            for f in view.forms
        ],
        "findings": {x.id: [x.code, x.severity, x.hidden] for f in view.forms for x in f.findings}
        | {x.id: [x.code, x.severity, x.hidden] for file in view.files for x in file.findings},
        "keys": {x.id: list(x.key) for f in view.forms for x in f.findings}
        | {x.id: list(x.key) for file in view.files for x in file.findings},
    }


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_view(view: ReportView) -> str:
    """The page for a built view."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    style = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    template = env.get_template("report.html.j2")
    return template.render(
        view=view,
        data=Markup(script_json(_page_data(view))),
        script=Markup(script),
        style=Markup(style),
        script_hash=_csp_hash(script),
        style_hash=_csp_hash(style),
        severities=SEVERITIES,
        severity_labels=SEVERITY_LABELS,
        grade_names=GRADES,
    )


def render_html(files: Sequence[FileInput], rule_docs: Mapping[str, RuleDoc], grade_of: GradeOf = _default_grade_of,
                version: str = __version__) -> str:
    """The whole self-contained report page for a run."""
    return render_view(build_view(files, rule_docs, grade_of, version))


def rule_docs(rules: Iterable[Rule]) -> dict[str, RuleDoc]:
    """The page's rule docs from the loaded packs' rules."""
    return {rule.code: RuleDoc(rule.code, rule.name, rule.severity, rule.doc.summary, rule.doc.why, rule.doc.bad,
                               rule.doc.good, rule.doc.fix, rule.doc.basis, rule.doc.title, shows_arithmetic(rule))
            for rule in rules}


def run_files(run: RunReport, baselined: Sequence[Diagnostic] = ()) -> list[FileInput]:
    """Each file of an engine run with its forms (the engine must have `keep_forms`) and all its diagnostics,
    those a baseline hid (`baselined`) among them, in line order."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diag in run.diagnostics:  # group rules' findings are only here, not on their file's report
        by_path.setdefault(diag.path, []).append(diag)
    for diag in baselined:
        by_path.setdefault(diag.path, []).append(diag)
    for diags in by_path.values():
        diags.sort(key=lambda d: (d.line, d.column, d.code))
    hidden = frozenset(id(d) for d in baselined)
    waived: dict[str, dict[str, int]] = {}
    for info in run.forms:
        if info.waived:
            per_file = waived.setdefault(info.path, {})
            per_file[info.form] = per_file.get(info.form, 0) + len(info.waived)
    files = [FileInput(report.path, report.source_forms, by_path.pop(report.path, []), hidden,
                       waived.get(report.path, {})) for report in run.files]
    return files + [FileInput(path, (), diags, hidden) for path, diags in by_path.items()]


def render(run: RunReport, options: RenderOptions) -> str:
    """The report registry's entry point: the page of an engine run, graded as the JSON report grades it."""
    grades = {(g.path, g.form): g.grade for g in options.grades}

    def grade_of(path: str, form: AnyForm, diagnostics: Sequence[Diagnostic]) -> str:
        return grades.get((path, form_name(form))) or default_grade(diagnostics)

    return render_html(run_files(run, options.baselined), rule_docs(run.rules), grade_of)
