"""`goallint check`: gather files, merge config and options into an engine, run it, render, exit 0/1/2."""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from goallint.commands.options import CheckOptions
from goallint.model import SEVERITY_RANK
from goallint.plumbing.outputs import FileId, file_id, guard, shown_name
from goallint.plumbing.walk import is_folder, walk

if TYPE_CHECKING:
    from goallint.config import Config
    from goallint.engine import Engine, Input
    from goallint.model import Diagnostic

DEFAULT_REPORTS = {"html": "goallint-report.html"}
"""Where a format too long for a terminal goes when stdout is one and no `-o` was given."""

SKIPPED_NAMES = {"goallint.yaml", ".goallint.yaml", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml",
                 "goallint-baseline.yaml", ".goallint-baseline.yaml"}
"""Config and baseline files: never forms, skipped even when named on the command line (pre-commit names them)."""


class CheckUsageError(Exception):
    """A usage problem found by this command (exit 2)."""


def _excluded(path: str, patterns: list[str]) -> bool:
    if not patterns:
        return False
    posix = PurePath(path).as_posix()
    return any(fnmatch.fnmatch(posix, p) or fnmatch.fnmatch(PurePath(path).name, p) or PurePath(posix).match(p)
               or any(fnmatch.fnmatch(part, p) for part in PurePath(posix).parts) for p in patterns)


def _not_regular(path: str) -> str | None:
    """Why a file found in a folder is not read: a FIFO would block the run, a device never end. (A path named
    on the command line is read whatever it is: `goallint check <(…)` passes a pipe.)"""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reading it reports the real reason (a symlink loop, a file that vanished)
    return None if stat.S_ISREG(mode) else "不是普通文件（FIFO、套接字或设备）"


def gather(paths: list[str], exclude: list[str], stdin_filename: str | None) -> Iterator[Input]:
    """The files to lint, in order: folders walked recursively (sorted, hidden folders skipped)."""
    from goallint.engine import Input
    from goallint.readers import FORM_SUFFIXES, MAX_FILE_BYTES

    for given in paths or ["."]:
        if given == "-":
            yield _stdin(stdin_filename or "-", MAX_FILE_BYTES + 1)  # bounded
            continue
        root = Path(given)
        if not is_folder(root):  # a name too long to stat is read as a file: its reading says why (GL002)
            if not _excluded(given, exclude) and root.name not in SKIPPED_NAMES:
                yield Input(shown_name(given), root)
            continue
        found = []
        unlisted: list[OSError] = []  # a folder that cannot be listed is reported (GL002), not skipped
        for folder, dirs, files in walk(str(root), onerror=unlisted.append):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _excluded(os.path.join(folder, d),
                                                                                        exclude))
            for name in files:
                shown = os.path.join(folder, name) if folder != "." or given == "." else name
                if Path(name).suffix.lower() in FORM_SUFFIXES and name not in SKIPPED_NAMES \
                        and not _excluded(shown, exclude):
                    found.append(shown)
        for shown in sorted(found):
            yield Input(shown_name(shown), Path(shown), problem=_not_regular(shown))
        for error in unlisted:
            yield Input(shown_name(str(error.filename)), problem=f"无法列出文件夹的内容：{error.strerror or error}")


def _stdin(shown: str, limit: int) -> Input:
    """Standard input's bytes, or a GL002 reason when it is closed (`goallint check - <&-`) or unreadable."""
    from goallint.engine import Input

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return Input(shown, problem="无法读取标准输入：它已关闭")
    try:
        return Input(shown, data=stream.read(limit))
    except (OSError, ValueError) as exc:
        return Input(shown, problem=f"无法读取标准输入：{getattr(exc, 'strerror', None) or exc}")


def no_forms_found(folders: list[str]) -> str:
    """What a run over folders without any form file says (exit 2): a clean pass it is not."""
    from goallint.readers import FORM_SUFFIXES

    kinds = " ".join(sorted({suffix.lstrip(".") for suffix in FORM_SUFFIXES}))
    return f"在 {'、'.join(folders)} 中没有找到表格文件（支持 {kinds}）；请确认路径，或直接指定文件"


def build_engine(options: CheckOptions, config: Config, keep_lines: bool) -> Engine:
    """The engine `make_engine` makes of the config and the command line's options."""
    from goallint.engine import make_engine

    def tokens(text: str | None) -> list[str]:
        return [t for t in (text or "").split(",") if t.strip()]

    return make_engine(config, select=tokens(options.select) if options.select else None,
                       extend_select=tokens(options.extend_select), ignore=tokens(options.ignore),
                       severity=options.severity, profile=options.profile, keep_lines=keep_lines)


def choose_format(options: CheckOptions) -> str:
    """The format asked for; else `github` under GitHub Actions, `full` on a terminal, `concise` in a pipe."""
    if options.output_format:
        return options.output_format
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "full" if sys.stdout.isatty() and not options.output else "concise"


def _progress(total: int, options: CheckOptions) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    if options.no_progress or total <= 8 or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(transient=True, console=Console(stderr=True))
    task = bar.add_task("goallint", total=total)
    bar.start()
    return (lambda n: bar.advance(task, n)), bar.stop


def _resolved(path: Path) -> Path | None:
    """The real path, or None for a symlink loop (reported as GL002 when it is read, not a crash here)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _run(options: CheckOptions) -> int:
    from goallint import baseline
    from goallint.commands.check_steps import apply_baseline, closing_line, prepare_baseline, record_baseline
    from goallint.config import load_config
    from goallint.engine import capped_jobs, default_jobs, tune_gc
    from goallint.grade import grade_forms
    from goallint.report import BINARY, RenderOptions, needs_grades, stream, summary_line

    fmt = choose_format(options)
    if fmt in BINARY and not options.output and not _default_output(fmt):
        raise CheckUsageError(f"--format {fmt} 写的是文件：请用 -o 指定文件名（例如 -o 审核意见.{fmt}）")
    if options.output or _default_output(fmt):
        _check_output(options.output or _default_output(fmt) or "")  # before the run, not after it
    config = load_config(options.config, options.isolated)
    known = prepare_baseline(options, config)
    engine = build_engine(options, config, keep_lines=fmt == "full")
    engine.keep_forms = fmt in ("html", "xlsx")  # only the html and xlsx reports show the forms themselves
    if not options.no_cache:
        from goallint.packs import pack_files
        from goallint.result_cache import ResultCache

        engine.cache = ResultCache.open(pack_files(config.rule_paths()))
    tune_gc()  # after the packs are loaded: they stay out of the collector's scans
    skip = baseline.not_forms(options.baseline, options.write_baseline, config) | config.pack_files()
    gathered = list(gather(options.paths, config.exclude, options.stdin_filename))
    left_out = _guard_outputs(options, config, gathered)
    inputs = [i for i in gathered if i.path is None or ((not skip or _resolved(i.path) not in skip)
                                                        and not (left_out and file_id(i.path) in left_out))]
    if not inputs and all(Path(p).is_dir() for p in options.paths or ["."]):
        raise CheckUsageError(no_forms_found(options.paths or ["."]))
    jobs = capped_jobs(options.jobs, len(inputs)) if options.jobs else default_jobs(len(inputs))
    advance, stop = _progress(len(inputs), options)
    # A plain run keeps its diagnostics on disk (memory flat whatever the corpus); fixing, baselines and the
    # html report work per file and keep them in memory.
    spool = not (options.fix or options.diff or options.write_baseline or known is not None
                 or fmt in ("html", "xlsx"))
    render: Callable[[Diagnostic], str] | None = None
    if spool and fmt == "concise" and not options.statistics:  # its lines are rendered where files are linted
        from goallint.report.concise import line

        render = line
    try:
        run = engine.run(inputs, jobs=jobs, progress=advance, spool=spool, render=render)
    finally:
        stop()
    if engine.cache is not None:
        engine.cache.prune()
    for error in run.errors:
        print(f"goallint: {error}", file=sys.stderr)
    fixes = None
    if options.fix or options.diff:
        from goallint.commands.check_steps import apply_fixes

        run, fixes, done = apply_fixes(engine, inputs, run, options, jobs)
        if done is not None:
            return done
    if options.write_baseline:
        return record_baseline(options.write_baseline, run) or (2 if run.errors else 0)
    baselined: list[Diagnostic] = []
    if known is not None:
        outcome = apply_baseline(known, run, options.statistics)
        run, baselined = outcome.run, outcome.baselined
    color = fmt == "full" and not options.output and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    grades = grade_forms(run, config.grade, baselined) if needs_grades(fmt) else []
    render_options = RenderOptions(color=color, statistics=options.statistics, grades=grades, baselined=baselined)
    output = options.output or _default_output(fmt)
    if fmt in BINARY:
        from goallint.report import render_bytes

        _write_bytes(output or "", render_bytes(fmt, run, render_options))
    else:
        pieces = stream(fmt, run, render_options)
        if output:
            _write_report(output, pieces)
        else:
            sys.stdout.writelines(pieces)
            sys.stdout.flush()
    if output and not options.output:
        print(f"goallint: 报告已写入 {output}（{summary_line(run, len(baselined)).strip()}）", file=sys.stderr)
    if fmt in ("full", "concise"):
        sys.stderr.write(closing_line(fixes, run))
    if run.errors:  # a rule's internal error: its forms were not fully checked (the README's exit 2)
        return 2
    fail_on = options.fail_on or config.fail_on or "error"
    if fail_on == "never":
        return 0
    return 1 if any(SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on] for _, _, severity in run.counts()) else 0


def _guard_outputs(options: CheckOptions, config: Config, gathered: list[Input]) -> set[FileId]:
    """Refuse `-o` or `--write-baseline` naming an input (a form, the config, a pack; for `-o` also the
    baseline in effect); the ids of the previous run's report or baseline found in a folder, left out."""
    from goallint import baseline

    named: list[str | Path] = [p for p in options.paths if p != "-" and not is_folder(Path(p))]
    named += [Path(config.path)] if config.path else []
    named += list(config.pack_files())
    found = [i.path for i in gathered if i.path is not None]
    in_effect = baseline.in_effect(options.baseline, config)
    left_out = guard([("-o", options.output)], named + ([in_effect[0]] if in_effect else []), found)
    return left_out | guard([("--write-baseline", options.write_baseline)], named, found)


def _terminal() -> bool:
    return sys.stdout.isatty()


def _default_output(fmt: str) -> str | None:
    """`goallint-report.html` for `--format html` on a terminal (530 KB of page is no terminal output)."""
    return DEFAULT_REPORTS.get(fmt) if _terminal() else None


def _write_bytes(output: str, data: bytes) -> None:
    from goallint.plumbing.outputs import write_output

    try:
        write_output(Path(output), data)
    except OSError as exc:
        raise CheckUsageError(f"-o {output}: 无法写入报告：{exc.strerror or exc}") from None


def _check_output(output: str) -> None:
    """`-o FILE` must be a file that can be written in an existing folder (said before linting)."""
    path = Path(output)
    if path.is_dir():
        raise CheckUsageError(f"-o {output}: is a folder")
    folder = path.parent
    if not folder.is_dir():
        raise CheckUsageError(f"-o {output}: no such folder {folder}")
    if not os.access(folder, os.W_OK) and not (path.exists() and os.access(path, os.W_OK)):
        raise CheckUsageError(f"-o {output}: the folder {folder} is not writable")


def _write_report(output: str, pieces: Iterator[str]) -> None:
    """The report replaces FILE atomically (an earlier report stays whole if the write fails); a device or
    pipe (`-o /dev/stdout`) is written directly."""
    from goallint.plumbing.outputs import write_output

    try:
        write_output(Path(output), pieces)
    except OSError as exc:
        raise CheckUsageError(f"-o {output}: cannot write the report: {exc.strerror or exc}") from None


def run_check(options: CheckOptions) -> int:
    """Exit 0 (clean), 1 (findings at or above --fail-on) or 2 (usage, config, pack or internal error)."""
    from goallint.baseline import BaselineError
    from goallint.config import ConfigError
    from goallint.packs import PackError
    from goallint.plumbing.outputs import OutputIsInput
    from goallint.selection import UsageError

    for stream in (sys.stdout, sys.stderr):  # a name that is not UTF-8 is written escaped, never an error
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        return _run(options)
    except (CheckUsageError, UsageError, ConfigError, PackError, BaselineError, OutputIsInput) as exc:
        print(f"goallint: 错误：{exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("goallint: 已中断", file=sys.stderr)
    except BrokenPipeError:
        return 1
    except Exception as exc:  # never a traceback: one line, exit 2
        print(f"goallint: 内部错误：{type(exc).__name__}: {exc}", file=sys.stderr)
    return 2
