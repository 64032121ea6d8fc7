"""Apply the fixes that findings carry (`check --fix`, `--unsafe-fixes`, `--diff`), byte-exactly and atomically.

A fix replaces the span of the cell it was raised on. The new file is the original bytes with only those
spans re-encoded (the file's own encoding, its BOM and its line endings kept); every other byte is copied.
A fix is applied only when it is safe to write in place:

* the source text at the span is exactly the cell's value (a merged text cell, a folded or block YAML
  scalar or a JSON string with escapes is not: the fix is skipped, never guessed);
* the new text fits where it goes (a plain or quoted YAML scalar, a JSON string), has no line break, and
  is representable in the file's encoding;
* re-reading the fixed bytes gives the same forms, with only the fixed cells changed.

Overlapping edits are applied one per pass; the file is linted again in memory and fixed again until
nothing changes (at most `MAX_PASSES` passes, like ruff). Excel workbooks are never rewritten.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from goallint.edits import FixRefused, apply_text, codec_of, iter_cells, splice, unfit
from goallint.model import Diagnostic, Edit, Fix
from goallint.plumbing.atomic import ChangedOnDisk, write_atomic
from goallint.plumbing.outputs import link_out_of_folder
from goallint.readers import EXCEL_SUFFIXES, UNREWRITTEN_SUFFIXES, ReadResult, read_bytes

if TYPE_CHECKING:
    from goallint.engine import Engine, Input
    from goallint.results import RunReport

MAX_PASSES = 10
"""Lint-and-fix passes per file (overlapping fixes wait for the next pass)."""

@dataclass
class FileFix:
    """What fixing one file did: its bytes before and after, how many findings were fixed, what was skipped."""

    path: str
    before: bytes
    after: bytes
    before_text: str = ""
    after_text: str = ""
    fixed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    """Reason → number of fixes not applied for it."""
    hidden_unsafe: int = 0
    """Unsafe fixes left out (no `--unsafe-fixes`)."""

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass
class FixOutcome:
    """The fixes of a whole run."""

    files: list[FileFix] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """One-line problems (a refused file, a failed write), each naming its file."""
    unwritten: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) of files whose fixed bytes could not be written (the original is intact)."""
    stdin: list[str] = field(default_factory=list)
    """Forms read from stdin: fixed in memory, never written."""

    @property
    def fixed(self) -> int:
        kept = {path for path, _ in self.unwritten} | set(self.stdin)
        return sum(f.fixed for f in self.files if f.changed and f.path not in kept)

    @property
    def hidden_unsafe(self) -> int:
        return sum(f.hidden_unsafe for f in self.files)


# -------------------------------------------------------------------------------------------- one file


def _raws_by_span(result: ReadResult) -> dict[tuple[int, int], str]:
    return {key: raw for key, raw in _cell_list(result) if key is not None}


def _cell_list(result: ReadResult) -> list[tuple[tuple[int, int] | None, str]]:
    out: list[tuple[tuple[int, int] | None, str]] = []
    for cell in iter_cells(result.forms):
        span = cell.span
        key = (span.start, span.end) if span is not None and span.start is not None and span.end is not None else None
        out.append((key, cell.raw))
    return out


def _same_forms(old: ReadResult, new: ReadResult, edits: Sequence[Edit]) -> bool:
    """The fixed file reads as the same forms, only the edited cells changed (to the edits' contents)."""
    if (old.problem is None) != (new.problem is None) or len(old.forms) != len(new.forms):
        return False
    contents = {(e.start, e.end): e.content for e in edits}
    expected = [contents.get(key, raw) if key is not None else raw for key, raw in _cell_list(old)]
    return expected == [raw for _, raw in _cell_list(new)]


FixKey = tuple[str, int, int]
"""A fix's identity within one pass: the code and the offsets of its first edit."""


def _key(d: Diagnostic, fix: Fix) -> FixKey:
    return d.code, fix.edits[0].start or 0, fix.edits[0].end or 0


def _shift(refused: set[FixKey], edits: Sequence[Edit]) -> set[FixKey]:
    """The refused fixes' offsets after `edits` were applied (a refused fix whose span an edit touched is
    forgotten: its cell changed, it is judged again)."""
    out: set[FixKey] = set()
    for code, start, end in refused:
        delta, touched = 0, False
        for edit in edits:
            assert edit.start is not None and edit.end is not None
            if edit.end <= start and edit.start < start:
                delta += len(edit.content) - (edit.end - edit.start)
            elif edit.start < end:
                touched = True
        if not touched:
            out.add((code, start + delta, end + delta))
    return out


def _choose(diagnostics: Sequence[Diagnostic], unsafe: bool, refused: set[FixKey],
            check: Callable[[Edit], str | None], outcome: FileFix, first: bool) -> list[tuple[Diagnostic, Fix]]:
    """Non-overlapping applicable fixes, in source order; the rest wait for a later pass.

    A fix whose edits were all chosen already (another rule asking for the very same change) is chosen with
    no edits of its own: the first one fixes both findings."""
    chosen: list[tuple[Diagnostic, Fix]] = []
    taken: dict[tuple[int, int], str] = {}
    for d in sorted(diagnostics, key=lambda d: (d.line, d.column, d.code)):
        fix = d.fix
        if fix is None or not fix.edits:
            continue
        if fix.applicability == "unsafe" and not unsafe:
            outcome.hidden_unsafe += first
            continue
        if _key(d, fix) in refused:
            continue
        reason = next((r for r in map(check, fix.edits) if r is not None), None)
        if reason is not None:
            refused.add(_key(d, fix))
            outcome.skipped[reason] = outcome.skipped.get(reason, 0) + 1
            continue
        spans = [(e.start or 0, e.end or 0) for e in fix.edits]
        if all(taken.get(span) == e.content for span, e in zip(spans, fix.edits, strict=True)):
            chosen.append((d, replace(fix, edits=[])))
            continue
        if any(s == ts or (s < te and ts < e) for s, e in spans for ts, te in taken):
            continue
        taken.update(zip(spans, (e.content for e in fix.edits), strict=True))
        chosen.append((d, fix))
    return chosen


def fix_source(engine: Engine, display: str, data: bytes, unsafe: bool) -> FileFix:
    """Fix one file's bytes in memory (nothing is written). Raises FixRefused for a file that cannot be fixed."""
    from pathlib import PurePath

    suffix = PurePath(display).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        raise FixRefused("不自动修复 .xlsx：goallint 从不改写工作簿（格式、合并单元格和其他工作表可能受损），"
                         "请在表格软件中修改这些单元格")
    if suffix in UNREWRITTEN_SUFFIXES:
        raise FixRefused(_not_rewritten(suffix))
    result = read_bytes(data, display)
    if result.text is None:
        raise FixRefused("文件无法读取")
    bom, codec = codec_of(data, result.text, result.encoding)
    outcome = FileFix(display, data, data, result.text, result.text)
    refused: set[FixKey] = set()
    text = result.text
    for number in range(MAX_PASSES):
        report = engine.lint_result(result)
        raws = _raws_by_span(result)

        def check(edit: Edit, text: str = text, raws: dict[tuple[int, int], str] = raws) -> str | None:
            return unfit(edit, text, raws, suffix, codec)

        chosen = _choose(report.diagnostics, unsafe, refused, check, outcome, number == 0)
        edits = [e for _, fix in chosen for e in fix.edits]
        if not edits:
            break
        new_data = splice(data, text, bom, codec, edits)
        new_result = read_bytes(new_data, display)
        if new_result.text != apply_text(text, edits) or not _same_forms(result, new_result, edits):
            new_data, new_result, chosen = _one_by_one(chosen, data, text, result, bom, codec, display, refused,
                                                       outcome)
            if not chosen:
                break
        outcome.fixed += len(chosen)
        refused = _shift(refused, [e for _, fix in chosen for e in fix.edits])
        data, result = new_data, new_result
        assert result.text is not None
        text = result.text
    outcome.after, outcome.after_text = data, text
    return outcome


def _one_by_one(chosen: list[tuple[Diagnostic, Fix]], data: bytes, text: str, result: ReadResult, bom: bytes,
                codec: str, display: str, refused: set[FixKey],
                outcome: FileFix) -> tuple[bytes, ReadResult, list[tuple[Diagnostic, Fix]]]:
    """The first of the chosen fixes that keeps the forms when applied alone; the ones before it are refused."""
    reason = "re-reading the fixed file would change its forms"
    for d, fix in chosen:
        if not fix.edits:
            continue
        new_data = splice(data, text, bom, codec, fix.edits)
        new_result = read_bytes(new_data, display)
        if new_result.text == apply_text(text, fix.edits) and _same_forms(result, new_result, fix.edits):
            return new_data, new_result, [(d, fix)]
        refused.add(_key(d, fix))
        outcome.skipped[reason] = outcome.skipped.get(reason, 0) + 1
    return data, result, []


# -------------------------------------------------------------------------------------------- writing


def unified_diff(fix: FileFix) -> str:
    """A unified diff of the file's text before and after its fixes (`--- path` / `+++ path`)."""
    lines = difflib.unified_diff(fix.before_text.splitlines(keepends=True), fix.after_text.splitlines(keepends=True),
                                 fromfile=fix.path, tofile=fix.path)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -------------------------------------------------------------------------------------------- the run


def fix_run(engine: Engine, inputs: Sequence[Input], run: RunReport, unsafe: bool, write: bool,
            jobs: int = 1) -> FixOutcome:
    """Fix every file of the run that has a fixable finding (in `jobs` processes for many files); write the
    changed ones when `write` (always from this process, one file at a time)."""
    outcome = FixOutcome()
    fixable = {d.path for d in run.diagnostics if d.fix is not None}
    workbooks = {d.path for d in run.diagnostics if d.code in _fixable_codes(run)
                 and d.path.lower().endswith(UNREWRITTEN_SUFFIXES)}
    for path in sorted(workbooks):
        if path.lower().endswith(EXCEL_SUFFIXES):
            outcome.errors.append(f"{path}: 工作簿中的修复不会应用：goallint 从不改写 .xlsx 工作簿，请在表格中修改这些单元格")
        else:
            outcome.errors.append(f"{path}: {_not_rewritten(Path(path).suffix.lower())}")
    items, seen = [], set()
    for item in inputs:
        if item.display not in fixable or item.display in workbooks or (item.data is None and item.path is None):
            continue
        real = os.path.realpath(item.path) if item.data is None and item.path is not None else None
        if real is None or real not in seen:  # a file named twice (or through a link) is fixed once
            items.append(item)
            seen.add(real)
    for item, fixed in zip(items, _fix_items(_fixing_engine(engine), items, unsafe, jobs), strict=True):
        if isinstance(fixed, str):
            outcome.errors.append(f"{item.display}: 修复未应用：{fixed}")
            continue
        outcome.files.append(fixed)
        if not write or not fixed.changed:
            continue
        if item.data is not None or item.path is None:
            outcome.stdin.append(item.display)
            outcome.errors.append(f"{item.display}: 修复未写入：从标准输入读入的表单不会写回，--diff 可显示这些修复")
            continue
        reason = _write_checked(item.path, fixed)
        if reason is not None:
            outcome.unwritten.append((item.display, reason))
    for path, reason in outcome.unwritten:
        outcome.errors.append(f"{path}: 修复未写入：{reason}；文件保持原样")
    return outcome


def _fix_items(fixing: Engine, items: list[Input], unsafe: bool, jobs: int) -> Iterator[FileFix | str]:
    if jobs <= 1 or len(items) < 8:
        yield from (_fix_item(fixing, item, unsafe) for item in items)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(fixing,)) as pool:
        yield from pool.map(_fix_in_worker, items, [unsafe] * len(items), chunksize=4)


def _fix_item(fixing: Engine, item: Input, unsafe: bool) -> FileFix | str:
    """The file fixed in memory, or why it cannot be."""
    try:
        data = item.data if item.data is not None else (item.path or Path(item.display)).read_bytes()
        return fix_source(fixing, item.display, data, unsafe)
    except FixRefused as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"


_WORKER: Engine | None = None


def _init_worker(engine: Engine) -> None:
    global _WORKER
    _WORKER = engine


def _fix_in_worker(item: Input, unsafe: bool) -> FileFix | str:
    assert _WORKER is not None
    return _fix_item(_WORKER, item, unsafe)


def _write_checked(path: Path, fixed: FileFix) -> str | None:
    """Write the fixed bytes unless the file changed since it was read; the reason it was not written, or None."""
    elsewhere = link_out_of_folder(path)
    if elsewhere is not None:
        return f"它是指向所在文件夹之外（{elsewhere}）的符号链接，不通过它写入"
    try:
        write_atomic(path, fixed.after, unchanged=fixed.before)  # compared again just before the rename
    except ChangedOnDisk as exc:
        return str(exc.strerror)
    except OSError as exc:
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return None


def _fixing_engine(engine: Engine) -> Engine:
    """The engine with only the rules that can fix (and those that can suppress them): the passes are cheap."""
    from dataclasses import replace

    codes = {r.code for r in engine.active if r.doc.fix in ("safe", "unsafe")}
    codes |= {code for r in engine.active if r.code in codes for code in r.suppressed_by}
    return replace(engine, selected=codes & engine.selected, keep_lines=False, keep_forms=False)


def _not_rewritten(suffix: str) -> str:
    """Why a document's fixes are said, not applied (PDF, Word, .xls, web pages are never rewritten)."""
    return (f"{suffix} 文件中的修复不会应用：goallint 从不改写 {suffix} 文件，"
            "请按这些问题在原始文件中修改后重新导出")


def _fixable_codes(run: RunReport) -> set[str]:
    return {rule.code for rule in run.rules if rule.doc.fix in ("safe", "unsafe")}


__all__ = ["MAX_PASSES", "FileFix", "FixOutcome", "FixRefused", "apply_text", "codec_of", "fix_run", "fix_source",
           "iter_cells", "splice", "unfit", "unified_diff", "write_atomic"]


# -------------------------------------------------------------------------------------------- reporting


def diff_text(outcome: FixOutcome) -> str:
    """The unified diffs of every file a fix would change, in input order."""
    return "".join(unified_diff(fix) for fix in outcome.files if fix.changed)


def with_write_failures(engine: Engine, run: RunReport, outcome: FixOutcome) -> RunReport:
    """The run with a GL003 (fix-not-written) finding for each file whose fixes could not be written."""
    from dataclasses import replace

    rule = next((r for r in engine.active if r.code == "GL003"), None)
    if rule is None or not outcome.unwritten:
        return run
    severity = engine.severity.get(rule.code, rule.severity)
    added = [Diagnostic(code=rule.code, name=rule.name, severity=severity,
                        message=f"修复未写入（文件保持原样）：{reason}", path=path)
             for path, reason in outcome.unwritten]
    diagnostics = sorted([*run.diagnostics, *added],
                         key=lambda d: (d.path, d.line, d.column, d.code, d.end_line, d.end_column, d.message))
    return replace(run, diagnostics=diagnostics)


def summary(outcome: FixOutcome, run: RunReport, diff: bool) -> str:
    """ruff's closing line in the report's words: `共 349 个问题：已修复 74 个，剩余 275 个。` (with --diff
    `可自动修复 74 个问题（--diff 未写入任何文件）。`)."""
    hint = ""
    if outcome.hidden_unsafe:
        hint = f"\n另有 {outcome.hidden_unsafe} 个不安全的修复未应用，可加 `--unsafe-fixes` 启用。"
    if diff:
        fixed = sum(f.fixed for f in outcome.files if f.changed)
        return (f"可自动修复 {fixed} 个问题（--diff 未写入任何文件）。" if fixed else "没有可自动修复的问题。") \
            + hint + "\n"
    fixed, remaining = outcome.fixed, len(run.diagnostics)
    total = fixed + remaining
    return f"共 {total} 个问题：已修复 {fixed} 个，剩余 {remaining} 个。{hint}\n"


def closing_line(outcome: FixOutcome | None, run: RunReport) -> str:
    """What `check` writes to stderr after a terminal report: the fix summary after `--fix`, else ruff's
    hint when some findings can be fixed (`[*] 其中 74 个问题可用 `goallint check --fix` 自动修复。`)."""
    if outcome is not None:
        return summary(outcome, run, diff=False)
    fixes = run.fix_counts()
    safe, unsafe = fixes["safe"], fixes["unsafe"]
    out = f"[*] 其中 {safe} 个问题可用 `goallint check --fix` 自动修复。\n" if safe else ""
    if unsafe:
        out += f"另有 {unsafe} 个不安全的修复，可用 `--fix --unsafe-fixes` 启用。\n"
    return out
