"""The rule engine: select rules, run them over each form (in a process pool for many files), place findings.

`Engine.run(inputs)` reads every input, runs the selected rules per form, then the group rules over the
summaries of all forms, and returns a `RunReport` whose diagnostics are sorted by path, line, column, code.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from operator import attrgetter
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, NamedTuple

from goallint.checks import KINDS
from goallint.checks.support.base import ANYWHERE, Finding, FormContext, GroupFinding
from goallint.checks.support.columns import merge_columns, on_two_cells, value_spots
from goallint.checks.support.grouping import Grouping, grouped_parts
from goallint.layout.profile import detect_profile
from goallint.model import (
    SEVERITY_RANK,
    AnyForm,
    Cell,
    Diagnostic,
    Location,
    Span,
    form_name,
    made_diagnostic,
    made_location,
)
from goallint.packs import Rule
from goallint.plumbing.records import record
from goallint.profiles import Profile, get_profile, profiles
from goallint.readers import ReadResult, load_path, read_bytes
from goallint.result_cache import ResultCache, settings_of
from goallint.results import FileReport, FormInfo, RunReport
from goallint.selection import UsageError, expand_waivers, resolve

if TYPE_CHECKING:
    from goallint.config import Config
    from goallint.plumbing.spool import Batch


@record
class Input:
    """One file to lint: the path to report, and either a path to read or the bytes (stdin)."""

    display: str
    path: Path | None = None
    data: bytes | None = None
    problem: str | None = None
    """Why the input cannot be read at all (a folder that cannot be listed): a GL002 finding."""


@record
class Engine:
    """The rules of one run, resolved: what is selected, overridden and ignored where."""

    rules: list[Rule]
    selected: set[str]
    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    profile: str | None = None
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: list[tuple[str, set[str]]] = field(default_factory=list)
    keep_lines: bool = False
    root: str | None = None
    """The config file's folder: per-file-ignores globs also match paths relative to it."""
    keep_forms: bool = False
    cache: ResultCache | None = None
    """Reports of unchanged files kept between runs (`goallint/result_cache.py`); the CLI opens it."""
    _planned: list[tuple[Rule, str, bool, frozenset[str]]] | None = field(
        default=None, init=False, repr=False, compare=False)
    _settings: str | None = field(default=None, init=False, repr=False, compare=False)
    _active: dict[str, Rule] | None = field(default=None, init=False, repr=False, compare=False)
    _dispatched: dict[tuple[str, str], tuple[Profile, _Dispatch]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @property
    def active(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.code in self.selected]

    # -- one file -----------------------------------------------------------------------------------------
    def lint(self, item: Input) -> FileReport:
        """Read one input and run every selected per-form rule on its forms (or take its report from the
        cache when neither the file nor anything else that decides its findings changed). Never raises."""
        if item.problem is not None:
            return self.lint_result(ReadResult(path=item.display, problem=("GL002", item.problem)))
        data = item.data if item.data is not None else load_path(item.path or Path(item.display), item.display)
        if isinstance(data, ReadResult):
            return self.lint_result(data)
        cache = self.cache
        if cache is None:
            return self.lint_result(read_bytes(data, item.display))
        key = cache.key(self.settings(), item.display, data)
        report = cache.get(key)
        if report is None:
            report = self.lint_result(read_bytes(data, item.display))
            if not report.errors:  # a rule's internal error is said again next run, not remembered
                cache.put(key, report)
        return report

    def settings(self) -> str:
        """What of this engine decides a file's report, as stable text (the result cache's key). Taken once,
        at the first file: set `keep_lines`/`keep_forms` before linting."""
        if self._settings is None:
            self._settings = settings_of({
                "rules": [rule.code for rule in self.rules], "selected": self.selected, "severity": self.severity,
                "profile": self.profile, "per_file_ignores": [[glob, codes] for glob, codes in self.per_file_ignores],
                "root": self.root, "keep_lines": self.keep_lines, "keep_forms": self.keep_forms})
        return self._settings

    def lint_result(self, result: ReadResult) -> FileReport:
        report = FileReport(path=result.path)
        ignored = self._file_ignores(result.path)
        by_code = self._by_code()
        if result.problem is not None:
            code, reason = result.problem
            rule = by_code.get(code)
            if rule is not None and code not in ignored:
                severity = self.severity.get(code, rule.severity)
                line = result.problem_line
                report.diagnostics.append(Diagnostic(code=code, name=rule.name, severity=severity,
                                                     message=_in_words(code, reason), path=result.path, line=line,
                                                     end_line=line))
        for form in result.forms:
            if form.unread is not None:
                report.diagnostics.extend(self._unread(form, result.path, ignored, by_code))
                continue
            if not form.path:
                form = _with_path(form, result.path)
            report.diagnostics.extend(self._lint_form(form, result.path, ignored, report))
        if any(map(_FIX, report.diagnostics)):  # report only fixes `--fix` can apply
            from goallint.edits import drop_unfit_fixes

            drop_unfit_fixes(result, report.diagnostics)
        if self.keep_forms:
            report.source_forms = list(result.forms)
        if self.keep_lines and result.text is not None:
            source = result.text.splitlines()
            for diagnostic in report.diagnostics:
                if 0 < diagnostic.line <= len(source):
                    report.lines[diagnostic.line] = source[diagnostic.line - 1]
        return report

    def _by_code(self) -> dict[str, Rule]:
        """The active rules by code (made once per engine, as `_plan`)."""
        if self._active is None:
            self._active = {rule.code: rule for rule in self.active}
        return self._active

    def _unread(self, form: AnyForm, path: str, ignored: set[str], by_code: dict[str, Rule]) -> list[Diagnostic]:
        """A form that cannot be checked as a whole: one GL001 at its start, saying what was found."""
        rule = by_code.get("GL001")
        if rule is None or "GL001" in ignored or form.unread is None:
            return []
        span = form.span
        line, column = (span.line, span.column) if span is not None else (1, 1)
        return [Diagnostic(code="GL001", name=rule.name, severity=self.severity.get("GL001", rule.severity),
                           message=form.unread, path=path, line=line, column=column, end_line=line,
                           end_column=column, form=form_name(form), sheet=span.sheet if span is not None else None)]

    def _plan(self) -> list[tuple[Rule, str, bool, frozenset[str]]]:
        """The active rules with what `_lint_form` asks of each on every form: (rule, its check kind, whether
        it is a group rule, the form kinds it applies to). Built once per engine (a narrower selection, as
        `--fix` makes, is a new engine: `dataclasses.replace` leaves this out)."""
        if self._planned is None:
            self._planned = [(rule, rule.kind, hasattr(KINDS[rule.kind], "summarize"), frozenset(rule.where.forms))
                             for rule in self.active]
        return self._planned

    def _dispatch(self, form_kind: str, profile: Profile) -> _Dispatch:
        """The rules a form of this kind under this profile runs, in plan order, each with what running it
        takes (`_Step`). What decides it (form kinds, the profile's switches, the engine's severities) is the
        same for every such form, so it is worked out once per pair: a form then skips the rules that cannot
        apply to it without asking each."""
        key = (form_kind, profile.name)
        known = self._dispatched.get(key)
        if known is not None and known[0] is profile:
            return known[1]
        switches = profile.rules
        table = []
        for rule, kind, group, kinds in self._plan():
            if form_kind not in kinds:
                continue
            switch = switches.get(rule.code, "on")
            if (switch == "off" or not getattr(KINDS[kind], "FINDS_IN_FORMS", True)) and not group:
                continue  # off, or a kind whose rules find nothing in a form (the reader's problems)
            severity = self.severity.get(rule.code) or (rule.severity if switch in ("on", "off") else switch)
            table.append(_Step(rule.where, rule.check, None if group else KINDS[kind].run, (rule, severity)))
        outranking = frozenset(code for step in table for code in step.placed[0].suppressed_by)
        if outranking:  # a rule's internal error is placed as a finding of its own rule, which may be outranked
            outranking |= {code for rule in self.rules if rule.code == INTERNAL_ERROR for code in rule.suppressed_by}
        dispatch = _Dispatch(table, outranking)
        self._dispatched[key] = (profile, dispatch)
        return dispatch

    def _lint_form(self, form: AnyForm, path: str, ignored: set[str], report: FileReport) -> list[Diagnostic]:
        profile = self._profile(form)
        ctx = FormContext(form, profile, ANYWHERE, self.vocabularies)
        in_form = expand_waivers(form.ignore, self.rules) - ignored if form.ignore else set()
        name = form_name(form)
        info = FormInfo(path, name, form.kind, profile.name,
                        tuple(sorted(ignored | in_form)) if ignored or in_form else ())
        report.forms.append(info)
        steps, outranking = self._dispatch(form.kind, profile)
        if ignored:  # per-file-ignores turn a rule off; a group rule summarises every form all the same
            steps = [step for step in steps if step.run is None or step.placed[0].code not in ignored]
        found: list[tuple[tuple[Rule, str], list[Finding]]] = []  # per rule that found any: (rule, severity), them
        crashed: list[tuple[str, str]] = []
        summaries: dict[str, Any] = {}  # a group kind summarises a form once for all its rules (one object kept)
        append = found.append
        for where, check, run, placed in steps:
            # a rule waived in the form runs all the same, so that its findings are counted as waived
            ctx.where = where
            items: Any = None
            try:
                if run is None:  # a group rule: its kind summarises the form, waivers act on its findings
                    kind = check.kind  # `rule.kind`, read without the property
                    summary = summaries.get(kind, _UNSEEN)
                    if summary is _UNSEEN:
                        summary = summaries[kind] = KINDS[kind].summarize(check, ctx)
                    if summary is not None:
                        report.summaries.setdefault(placed[0].code, []).append(summary)
                    continue
                items = run(check, ctx)  # a kind's own list is kept as it is (never changed here)
                if type(items) is not list:  # a generator: what it yielded before an error is kept
                    made: list[Finding] = []
                    pending, items = items, made
                    made.extend(pending)
            except Exception as exc:  # a rule bug must not stop the run: say which rule, form and file
                rule = placed[0]
                reason = f"{type(exc).__name__}: {str(exc)[:200]}"
                report.errors.append(f"{path}: {name}: 规则内部错误 internal error in {rule.code} "
                                     f"({rule.kind}): {reason}")
                crashed.append((rule.code, reason))
            if items:
                append((placed, items))
        if crashed:  # said on the form too: a report or grade must not show it as clean (exit 2 follows)
            found.extend(self._crash_findings(crashed))
        if not found:
            return []
        if in_form or any(map(_WAIVES, form.indicators)):
            found = self._unwaived(found, form, in_form, info)
        form_span = form.span or _NO_SPAN
        spots: dict[int, tuple[int, str]] | None = None
        for index, (placed, items) in enumerate(found):
            if len(items) > 1 and on_two_cells(items):  # one rule's two findings can be a row's two columns
                if spots is None:
                    spots = value_spots(form)
                found[index] = (placed, merge_columns(items, spots))
        if outranking:
            found = _precedence(found, form_span, outranking)
        out: list[Diagnostic] = []
        for (rule, severity), items in found:
            code, rule_name, group = rule.code, rule.name, rule.group
            if group is not None and len(items) > 1:  # one finding naming every cell
                out.append(_grouped_diagnostic(rule, severity, group, items, form_span, name, path))
                continue
            for finding in items:  # `_diagnostic`, inline: one per finding
                cell = finding.cell
                if cell is not None:
                    span = cell.span
                    if span is None:
                        span = form_span
                    cell_text = cell.text
                else:
                    span, cell_text = form_span, ""
                line, column, end_line, end_column, _, _, sheet, ref = span
                field = finding.field
                if sheet and ref:
                    field = f"{sheet}!{ref} {field}".strip()
                related = finding.related
                out.append(made_diagnostic(code, rule_name, severity, finding.message, path, line, column, end_line,
                                           end_column, name, field, finding.fix, sheet, cell_text,
                                           _locations(related, finding.related_fields, finding.field)
                                           if related else []))
        return out

    def _unwaived(self, found: list[tuple[tuple[Rule, str], list[Finding]]], form: AnyForm, in_form: set[str],
                  info: FormInfo) -> list[tuple[tuple[Rule, str], list[Finding]]]:
        """The findings no waiver in the form (its own `goallint-ignore`, an indicator's) drops; those it drops
        are counted on the form's record (`FormInfo.waived`), in order."""
        waived: list[tuple[str, str]] = []
        kept: list[tuple[tuple[Rule, str], list[Finding]]] = []
        for placed, items in found:
            code = placed[0].code
            if code in in_form:
                waived.extend((code, placed[1]) for _ in items)
                continue
            left = [finding for finding in items if not _indicator_waived(form, finding.cell, code, self.rules)]
            if len(left) != len(items):
                waived.extend((code, placed[1]) for _ in range(len(items) - len(left)))
            if left:
                kept.append((placed, left))
        if waived:
            info.waived = tuple(waived)
        return kept

    def _crash_findings(self, crashed: list[tuple[str, str]]) -> list[tuple[tuple[Rule, str], list[Finding]]]:
        rule = next((r for r in self.rules if r.code == INTERNAL_ERROR), None)
        if rule is None:
            return []
        severity = self.severity.get(rule.code, rule.severity)
        return [((rule, severity), [Finding(f"规则 {code} 在这张表上出现内部错误，未能检查：{reason}", None, "")
                                    for code, reason in crashed])]

    def _profile(self, form: AnyForm) -> Profile:
        known = profiles()
        for name in (self.profile, form.profile):
            if name and name in known:
                return known[name]
        return get_profile(detect_profile(form, two_sided=False))  # a form read without the layout (YAML)

    def _file_ignores(self, path: str) -> set[str]:
        out: set[str] = set()
        if not self.per_file_ignores:
            return out
        forms = [PurePath(path).as_posix()]
        if self.root is not None:
            forms.append(PurePath(os.path.relpath(os.path.abspath(path), self.root)).as_posix())
        for pattern, codes in self.per_file_ignores:
            if any(fnmatch.fnmatch(posix, pattern) or PurePath(posix).match(pattern) for posix in forms):
                out |= codes
        return out

    # -- the whole run ------------------------------------------------------------------------------------
    def run(self, inputs: Sequence[Input], jobs: int = 1, progress: Callable[[int], None] | None = None,
            spool: bool = False, render: Callable[[Diagnostic], str] | None = None) -> RunReport:
        """Lint every input (in `jobs` processes when > 1), then the group rules; deterministic order.

        With `spool`, each file's diagnostics go to a temporary file as its report arrives, so that memory does
        not grow with the corpus; the reports keep their forms and summaries, not their diagnostics. `render`
        (with `spool`) is the report's text of one diagnostic: each file's is rendered where it was linted
        (`Spool.rendered`), a module-level function that a worker can be sent."""
        from goallint.model import restore, rows_of, sort_key
        from goallint.plumbing.spool import Spool

        reports: list[FileReport] = []
        spooled = Spool(rows_of, restore, sort_key, render) if spool else None
        for report, batch in self._map(inputs, jobs, progress, packed=spool, render=render):
            if spooled is not None:
                if batch is not None:
                    spooled.add_batch(report.path, batch)
                else:
                    spooled.add(report.path, report.diagnostics)
                report.diagnostics = []
            _share_strings(report)
            reports.append(report)
        forms = [info for report in reports for info in report.forms]
        errors = [error for report in reports for error in report.errors]
        groups = self._run_groups(reports, forms, errors)
        if spooled is not None:
            spooled.add_groups(groups)
            return RunReport(reports, spooled, forms, errors, self.active)
        diagnostics = [d for report in reports for d in report.diagnostics]
        diagnostics.extend(groups)
        diagnostics.sort(key=sort_key)
        return RunReport(reports, diagnostics, forms, errors, self.active)

    def _map(self, inputs: Sequence[Input], jobs: int, progress: Callable[[int], None] | None,
             packed: bool = False, render: Callable[[Diagnostic], str] | None = None,
             ) -> Iterator[tuple[FileReport, Batch | None]]:
        """Each input's report in input order; with `packed`, a worker sends a report's diagnostics as a spool
        `Batch` (the report's own list left empty) for the main process to write as they are."""
        if jobs <= 1 or len(inputs) <= 1:
            for item in inputs:
                yield self.lint(item), None
                if progress:
                    progress(1)
            return
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, min(16, len(inputs) // (jobs * 4) or 1))
        chunks = [(list(inputs[i:i + size]), packed, render) for i in range(0, len(inputs), size)]
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(self,)) as pool:
            for chunk_reports in pool.map(_lint_chunk, chunks):
                yield from chunk_reports
                if progress:
                    progress(len(chunk_reports))

    def _run_groups(self, reports: list[FileReport], forms: list[FormInfo], errors: list[str]) -> list[Diagnostic]:
        waivers = {(info.path, info.form): set(info.ignore) for info in forms}
        out: list[Diagnostic] = []
        for rule in self.active:
            module = KINDS[rule.kind]
            if not hasattr(module, "run_group"):
                continue
            summaries = [s for report in reports for s in report.summaries.get(rule.code, [])]
            try:
                findings: list[GroupFinding] = list(module.run_group(rule.check, summaries))
            except Exception as exc:
                errors.append(f"规则内部错误 internal error in {rule.code} ({rule.kind}): {type(exc).__name__}: {exc}")
                continue
            severity = self.severity.get(rule.code, rule.severity)
            for g in findings:
                if rule.code in waivers.get((g.path, g.form), set()) | self._file_ignores(g.path):
                    continue
                out.append(Diagnostic(code=rule.code, name=rule.name, severity=severity,
                                      message=g.message, path=g.path, line=g.line, column=g.column,
                                      end_line=g.end_line, end_column=g.end_column, form=g.form, field=g.field))
        return out


class _Step(NamedTuple):
    """One rule as a form runs it (`Engine._dispatch`): the rule's `where`, its check's parameters, its kind's
    `run` (None for a group rule: its kind summarises the form) and (rule, severity) as its findings carry it."""

    where: Any
    check: Any
    run: Callable[[Any, FormContext], Iterable[Finding]] | None
    placed: tuple[Rule, str]


class _Dispatch(NamedTuple):
    """The rules forms of one kind under one profile run, and the codes their `suppressed_by` name: the rules
    whose findings can outrank another's (none: a form skips that pass)."""

    steps: list[_Step]
    outranking: frozenset[str]


_UNSEEN = object()
_FIX = attrgetter("fix")
_WAIVES = attrgetter("ignore")
"""An indicator's own waivers (`goallint-ignore` on its row)."""


INTERNAL_ERROR = "GL004"
"""The finding a rule's internal error leaves on its form (always reported, whatever the selection)."""


_NO_SPAN = Span(line=1, column=1, end_line=1, end_column=1)
"""Where a finding on a form without any position is reported."""


def _diagnostic(rule: Rule, severity: str, finding: Finding, form_span: Span, form: str, path: str,
                cell_text: str | None = None) -> Diagnostic:
    """A finding of a form placed: at its cell, else where the form starts (`form_span`); `form` its name;
    `cell_text` what a baseline matches it by (the text of its cell when not given)."""
    cell = finding.cell
    span = cell.span if cell is not None and cell.span is not None else form_span
    line, column, end_line, end_column, _, _, sheet, ref = span
    field = finding.field
    if sheet and ref:
        field = f"{sheet}!{ref} {field}".strip()
    if cell_text is None:
        cell_text = cell.text if cell is not None else ""
    related = finding.related
    return made_diagnostic(rule.code, rule.name, severity, finding.message, path, line, column, end_line,
                           end_column, form, field, finding.fix, sheet, cell_text,
                           _locations(related, finding.related_fields, finding.field) if related else [])


def _grouped_diagnostic(rule: Rule, severity: str, group: Grouping, items: list[Finding], form_span: Span,
                        form: str, path: str) -> Diagnostic:
    """`_diagnostic` of `grouped(group, items)` with the texts of every cell it names as its `cell_text` (what a
    baseline matches it by), made from the grouped finding's parts without making the finding."""
    first = items[0]
    message, fix, cells, fields = grouped_parts(group, items)
    cell = first.cell
    if cell is not None:
        span = cell.span if cell.span is not None else form_span
        cell_text = "、".join([cell.text, *[other.text for other in cells]])
    else:
        span = form_span
        cell_text = "、".join([other.text for other in cells])
    line, column, end_line, end_column, _, _, sheet, ref = span
    field = first.field
    if sheet and ref:
        field = f"{sheet}!{ref} {field}".strip()
    return made_diagnostic(rule.code, rule.name, severity, message, path, line, column, end_line, end_column, form,
                           field, fix, sheet, cell_text, _locations(cells, fields, first.field) if cells else [])


def _locations(cells: tuple[Cell, ...], fields: tuple[str, ...], field: str) -> list[Location]:
    """Where each other cell a finding names stands, with its field (the finding's own past `fields`' end)."""
    out = []
    for index, cell in enumerate(cells):
        span = cell.span
        if span is None:
            continue
        line, column, end_line, end_column, _, _, sheet, ref = span
        named = fields[index] if index < len(fields) else field
        out.append(made_location(line, column, end_line, end_column,
                                 f"{sheet}!{ref} {named}".strip() if sheet and ref else named.strip()))
    return out


_LEADS = {"GL001": "未读出表单", "GL002": "文件无法读取", "GL003": "修复未写入"}


def _in_words(code: str, reason: str) -> str:
    """A reader's reason as the reviewer reads it: the reason itself when the reader wrote it in Chinese, else
    led by what happened in Chinese (`文件无法读取：bad zip file`), the technical detail kept."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in reason[:8]) or code not in _LEADS:
        return reason
    return f"{_LEADS[code]}：{reason}"


def _indicator_waived(form: AnyForm, cell: Cell | None, code: str, rules: Sequence[Rule]) -> bool:
    if cell is None:
        return False
    for indicator in form.indicators:
        if not indicator.ignore:
            continue
        cells = (indicator.level1, indicator.level2, indicator.name, indicator.period_value, indicator.annual_value)
        if any(part is cell for part in cells) and code in expand_waivers(indicator.ignore, rules):
            return True
    return False


def _precedence(found: list[tuple[tuple[Rule, str], list[Finding]]], form_span: Span, outranking: frozenset[str],
                ) -> list[tuple[tuple[Rule, str], list[Finding]]]:
    """The findings of a form (per rule) without those a rule named in their rule's `suppressed_by` reported on
    the same cell (the same place: its cell's span, or the form's for a finding on the whole form). Only the
    places of the findings of rules that can outrank another (`outranking`, the codes any rule the form runs
    names in its `suppressed_by`) are looked at."""
    places: dict[str, set[tuple[int, ...]]] = {}
    for (rule, _), items in found:
        if rule.code in outranking:
            spots = places.get(rule.code)
            if spots is None:
                spots = places[rule.code] = set()
            spots.update([_place(finding, form_span) for finding in items])
    if not places:
        return found
    out = []
    for placed, items in found:
        by = placed[0].suppressed_by
        taken = [places[code] for code in by if code in places] if by else None
        if not taken:
            out.append((placed, items))
            continue
        left = [finding for finding in items if not any(_place(finding, form_span) in spots for spots in taken)]
        if left:
            out.append((placed, left))
    return out


def _place(finding: Finding, form_span: Span) -> tuple[int, ...]:
    """Where a finding is, for precedence: its cell's line, column, end line and end column (else the form's)."""
    cell = finding.cell
    span = cell.span if cell is not None and cell.span is not None else form_span
    return span[:4]


def _with_path(form: AnyForm, path: str) -> AnyForm:
    """`dataclasses.replace(form, path=path)`, copied as pickling copies a form (its fields' values at once, no
    `__init__` to run again: a form class has no `__post_init__`)."""
    kind: Any = type(form)
    copy: AnyForm = object.__new__(kind)
    kind.__setstate__(copy, kind.__getstate__(form))
    object.__setattr__(copy, "path", path)
    return copy


def worst(diagnostics: Iterable[Diagnostic]) -> int:
    """The highest severity rank among diagnostics (0 when none)."""
    return max((SEVERITY_RANK[d.severity] for d in diagnostics), default=0)


def _share_strings(report: FileReport) -> None:
    """What a run keeps of every form (its record, its group summaries) with its strings interned: a report
    from a worker arrives with its own copies of the path, kinds, profiles and departments that every other
    form repeats, and a form's name also stands in its project summary: interned, the main process keeps about
    a third of what it would per form."""
    intern = sys.intern
    for info in report.forms:
        info.path, info.form, info.kind, info.profile = (intern(info.path), intern(info.form), intern(info.kind),
                                                         intern(info.profile))
    shared: dict[int, Any] = {}
    for items in report.summaries.values():
        for index, summary in enumerate(items):
            if isinstance(summary, tuple):
                known = shared.get(id(summary))
                if known is None:
                    known = shared[id(summary)] = type(summary)(
                        *(intern(value) if type(value) is str else value for value in summary))
                items[index] = known


_WORKER: Engine | None = None


def _init_worker(engine: Engine) -> None:
    global _WORKER
    _WORKER = engine
    tune_gc()


def tune_gc() -> None:
    """Collector settings for a process that does one whole run (the CLI and its workers; not on import).

    What is loaded so far (modules, rule packs, schemas) is frozen out of the collector's scans, and the
    youngest generation is collected every 50,000 allocations instead of 700: the reader allocates two
    objects per cell, nearly none of them in a cycle, and with the defaults the collector would scan them
    over and over."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _lint_chunk(work: tuple[list[Input], bool, Callable[[Diagnostic], str] | None],
                ) -> list[tuple[FileReport, Batch | None]]:
    """A worker's part: the chunk's reports, each with its diagnostics packed for the spool when asked."""
    assert _WORKER is not None
    from goallint.model import rows_of, sort_key
    from goallint.plumbing.spool import pack

    chunk, packed, render = work
    out: list[tuple[FileReport, Batch | None]] = []
    for item in chunk:
        report = _WORKER.lint(item)
        batch = None
        if packed:
            batch = pack(report.diagnostics, rows_of, sort_key, render)
            report.diagnostics = []  # the report is this worker's own (a cached one is read afresh each time)
        out.append((report, batch))
    return out


JOBS_PER_CORE = 2
"""`-j` beyond this many workers per core (or beyond one per file) only costs memory: each is a process."""


def capped_jobs(asked: int, files: int) -> int:
    """The workers `-j N` starts: at most one per file and JOBS_PER_CORE per core (`-j 1000` on 10 files
    started 1,000 processes, 2.3 GB)."""
    return max(1, min(asked, files, JOBS_PER_CORE * (os.cpu_count() or 1)))


def default_jobs(files: int) -> int:
    """Workers when `-j` is not given: one per core, but one for a handful of files (a pool costs ~0.1 s)."""
    cores = os.cpu_count() or 1
    return 1 if files < 8 else min(cores, files)


def make_engine(
    config: Config | None = None,
    *,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    severity: Mapping[str, str] | Sequence[str] = (),
    profile: str | None = None,
    extra_packs: Sequence[Path] = (),
    keep_lines: bool = False,
) -> Engine:
    """The engine of a run: the bundled packs (or the config's and `extra_packs`), the config's selection
    first, then the command line's on top (ruff's resolution). `severity` is `{code: level}` or the command
    line's `CODE=LEVEL` items. Raises `UsageError` for an unknown code/name/prefix, severity or profile
    (naming the config file and key, or the option), `PackError` for a bad pack."""
    from goallint.config import Config as Settings
    from goallint.packs import bundled_packs, load_packs

    config = config if config is not None else Settings()
    extra = [*config.rule_paths(), *extra_packs] if config.rules or extra_packs else []
    packs = list(load_packs(extra)) if extra else list(bundled_packs())
    rules = [rule for pack in packs for rule in pack.rules]
    selected, levels, ignores = resolve(rules, config, select, extend_select, ignore, severity)
    profile = profile or config.profile
    if profile is not None and profile not in profiles():
        raise UsageError(f"未知的模板 {profile!r}（可用：{', '.join(sorted(profiles()))}）")
    root = str(Path(config.path).resolve().parent) if config.path else None
    return Engine(rules, selected, packs[0].vocabularies if packs else {}, profile, levels, ignores, keep_lines,
                  root=root)
