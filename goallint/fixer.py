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
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from goallint.atomic import ChangedOnDisk, write_atomic
from goallint.model import Cell, Diagnostic, Edit, Fix
from goallint.outputs import link_out_of_folder
from goallint.readers import EXCEL_SUFFIXES, TEXT_SUFFIXES, UNREWRITTEN_SUFFIXES, ReadResult, read_bytes

if TYPE_CHECKING:
    from goallint.cli import CheckOptions
    from goallint.engine import Engine, Input, RunReport

MAX_PASSES = 10
"""Lint-and-fix passes per file (overlapping fixes wait for the next pass)."""

_YAML_PLAIN_FIRST = set("-?:,[]{}#&*!|>'\"%@`")
_YAML_NULL = re.compile(r"~|null|Null|NULL")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FixRefused(Exception):
    """The whole file cannot be fixed safely (its encoding does not round-trip, it is a workbook …)."""


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


# -------------------------------------------------------------------------------------------- cells


def iter_cells(forms: Iterable[BaseModel]) -> Iterator[Cell]:
    """Every cell of the forms, in field order (indicators and tasks included; carried-down cells repeat)."""
    for model in forms:
        yield from _cells_of(model)


def _cells_of(model: BaseModel) -> Iterator[Cell]:
    for value in model.__dict__.values():  # the fields, in field order
        if isinstance(value, Cell):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    yield from _cells_of(item)


def _raws_by_span(result: ReadResult) -> dict[tuple[int, int], str]:
    return {key: raw for key, raw in _cell_list(result) if key is not None}


def _raws_at(result: ReadResult, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The raw text of the cells at the `wanted` (start, end) spans (a span no cell has is left out)."""
    out: dict[tuple[int, int], str] = {}
    for cell in iter_cells(result.forms):
        span = cell.span
        if span is not None and (span.start, span.end) in wanted:
            out[(span.start, span.end)] = cell.raw  # type: ignore[index]  # both set: they were wanted
    return out


# -------------------------------------------------------------------------------------------- encoding


def codec_of(data: bytes, text: str, encoding: str | None) -> tuple[bytes, str]:
    """(BOM bytes, Python codec) to write `text` back as `data` was; FixRefused if that does not round-trip."""
    bom, codec = b"", encoding or "utf-8"
    if encoding == "utf-8-sig":
        bom, codec = data[:3], "utf-8"
    elif encoding == "utf-16":
        bom = data[:2]
        codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    elif encoding == "utf-32":
        bom = data[:4]
        codec = "utf-32-le" if bom == b"\xff\xfe\x00\x00" else "utf-32-be"
    try:
        same = bom + text.encode(codec) == data
    except (UnicodeError, LookupError):
        same = False
    if not same:
        raise FixRefused(f"文件的编码（{encoding}）转换后不能还原为原来的字节，不能安全改写")
    return bom, codec


def codec_of_text(text: str, encoding: str | None) -> str:
    """The codec `codec_of` would pick, checked on the text alone (no original bytes at hand)."""
    codec = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(encoding or "utf-8",
                                                                                  encoding or "utf-8")
    try:
        text.encode(codec)
    except (UnicodeError, LookupError):
        raise FixRefused(f"文件的编码（{encoding}）容不下它自己的文字，不能安全改写") from None
    return codec


def splice(data: bytes, text: str, bom: bytes, codec: str, edits: Sequence[Edit]) -> bytes:
    """The original bytes with each edit's span (character offsets into `text`) replaced by its content."""
    pieces: list[bytes] = [bom]
    done_chars, done_bytes = 0, len(bom)
    for edit in sorted(edits, key=lambda e: e.start or 0):
        assert edit.start is not None and edit.end is not None
        before = len(text[done_chars:edit.start].encode(codec))
        old = len(text[edit.start:edit.end].encode(codec))
        pieces.append(data[done_bytes:done_bytes + before])
        pieces.append(edit.content.encode(codec))
        done_bytes += before + old
        done_chars = edit.end
    pieces.append(data[done_bytes:])
    return b"".join(pieces)


def apply_text(text: str, edits: Sequence[Edit]) -> str:
    """`text` with the (non-overlapping) edits applied by character offsets."""
    out, done = [], 0
    for edit in sorted(edits, key=lambda e: e.start or 0):
        assert edit.start is not None and edit.end is not None
        out += [text[done:edit.start], edit.content]
        done = edit.end
    out.append(text[done:])
    return "".join(out)


# -------------------------------------------------------------------------------------------- one edit


def _fits_yaml(text: str, edit: Edit) -> str | None:
    """Why `edit.content` cannot replace the YAML scalar at the span in place (None: it can)."""
    assert edit.start is not None and edit.end is not None
    content = edit.content
    quote = text[edit.start - 1:edit.start] if edit.start > 0 else ""
    if quote in ("'", '"') and text[edit.end:edit.end + 1] == quote:
        if quote in content or (quote == '"' and "\\" in content) or _CONTROL.search(content):
            return "新内容在带引号的 YAML 值中需要转义"
        return None
    if (not content or content != content.strip() or content[0] in _YAML_PLAIN_FIRST
            or ": " in content or " #" in content or content.endswith(":") or "\t" in content
            or any(ch in content for ch in ",[]{}") or _YAML_NULL.fullmatch(content)):
        return "新内容不能作为不带引号的 YAML 值"
    return None


def _fits_json(text: str, edit: Edit) -> str | None:
    assert edit.start is not None and edit.end is not None
    if text[edit.start - 1:edit.start] == '"' and text[edit.end:edit.end + 1] == '"':
        if json.dumps(edit.content, ensure_ascii=False)[1:-1] != edit.content:
            return "新内容在 JSON 字符串中需要转义"
        return None
    if not _JSON_NUMBER.fullmatch(edit.content):
        return "新内容不是 JSON 数字"
    return None


def unfit(edit: Edit, text: str, raws: dict[tuple[int, int], str], suffix: str, codec: str) -> str | None:
    """Why this edit cannot be applied in place (None: it can)."""
    if edit.start is None or edit.end is None:
        return "该单元格在源文件中没有确切位置"
    raw = raws.get((edit.start, edit.end))
    if raw is None or text[edit.start:edit.end] != raw:
        return "该单元格在源文件中的文字不是它的值（合并、折行、块或转义）"
    if "\n" in edit.content or "\r" in edit.content:
        return "新内容含换行"
    if "\t" in edit.content and suffix in TEXT_SUFFIXES:
        return "新内容含制表符（即单元格分隔符）"
    try:
        edit.content.encode(codec)
    except UnicodeError:
        return f"新内容无法用文件的编码（{codec}）写出"
    if suffix in (".yaml", ".yml"):
        return _fits_yaml(text, edit)
    if suffix == ".json":
        return _fits_json(text, edit)
    return None


def drop_unfit_fixes(result: ReadResult, diagnostics: Sequence[Diagnostic]) -> None:
    """Set `fix` to None on findings whose fix `--fix` would refuse (a JSON string with escapes, a YAML block
    scalar, a merged text cell, a file whose encoding does not round-trip …): a fix in a report is one that
    can be applied as it stands."""
    suffix = Path(result.path).suffix.lower()
    codec: str | None = None
    if result.text is not None and suffix not in UNREWRITTEN_SUFFIXES:
        try:
            codec = codec_of_text(result.text, result.encoding)
        except FixRefused:
            codec = None
    wanted = {(e.start, e.end) for d in diagnostics if d.fix is not None for e in d.fix.edits
              if e.start is not None and e.end is not None}
    raws = _raws_at(result, wanted) if codec is not None and wanted else {}
    for d in diagnostics:
        if d.fix is None:
            continue
        if codec is None or result.text is None or any(
                unfit(e, result.text, raws, suffix, codec) is not None for e in d.fix.edits):
            d.fix = None


# -------------------------------------------------------------------------------------------- one file


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
            chosen.append((d, fix.model_copy(update={"edits": []})))
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


def apply_fixes(engine: Engine, inputs: Sequence[Input], run: RunReport, options: CheckOptions,
                jobs: int) -> tuple[RunReport, FixOutcome, int | None]:
    """`check --fix` / `--diff`: fix, then lint again what changed. Returns the run to report, the outcome,
    and with `--diff` the exit status (the diff printed, nothing written): 1 when anything would change."""
    import sys

    outcome = fix_run(engine, inputs, run, options.unsafe_fixes, write=not options.diff, jobs=jobs)
    for error in outcome.errors:
        print(f"goallint: 错误：{error}", file=sys.stderr)
    for fixed in outcome.files:
        for reason, count in fixed.skipped.items():
            print(f"goallint: 提示：{fixed.path}: {count} 处修复未应用：{reason}", file=sys.stderr)
    if options.diff:
        text = diff_text(outcome)
        if options.output:
            from goallint.outputs import write_output

            try:
                write_output(Path(options.output), [text])
            except OSError as exc:
                print(f"goallint: error: -o {options.output}: cannot write the diff: {exc.strerror or exc}",
                      file=sys.stderr)
                return run, outcome, 2
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        sys.stderr.write(summary(outcome, run, diff=True))
        return run, outcome, 1 if text else 0
    written = {f.path for f in outcome.files if f.changed} - {path for path, _ in outcome.unwritten}
    if written:
        run = engine.run(inputs, jobs=jobs)
        for error in run.errors:
            print(f"goallint: {error}", file=sys.stderr)
    return with_write_failures(engine, run, outcome), outcome, None
