"""`goallint check`'s fix and baseline steps: the library (`goallint/fixer.py`, `goallint/baseline.py`)
returns what it did; these say it on stderr and choose the exit status."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from goallint import baseline
from goallint.commands.options import CheckOptions

if TYPE_CHECKING:
    from goallint import fixer
    from goallint.config import Config
    from goallint.engine import Engine, Input
    from goallint.results import RunReport


def prepare_baseline(options: CheckOptions, config: Config) -> baseline.Baseline | None:
    """The baseline to apply, loaded before linting; None when there is none or `--write-baseline` replaces it.
    `--write-baseline` with `--diff` is a usage error (a diff writes nothing, so it would record nothing)."""
    if options.write_baseline and options.diff:
        raise baseline.BaselineError("--write-baseline 不能与 --diff 同用（可与 --fix 同用，或单独使用）")
    return None if options.write_baseline else baseline.chosen(options.baseline, config)


def record_baseline(write: str, run: RunReport) -> int:
    """`--write-baseline FILE`: record every finding of the run (the baseline in effect is not applied)."""
    entries = baseline.write_baseline_file(Path(write), run.diagnostics)
    print(f"goallint: 已将 {len(run.diagnostics)} 个问题（{entries} 条记录）写入基线 {write}", file=sys.stderr)
    return 0


def apply_baseline(known: baseline.Baseline, run: RunReport, statistics: bool) -> baseline.Outcome:
    """`--baseline FILE`: hide the recorded findings (the report counts them); say on stderr how many entries are
    stale (and which, with `--statistics`)."""
    outcome = baseline.apply(known, run)
    if outcome.stale:
        total = sum(n for _, n in outcome.stale)
        print(f"goallint: 基线 {known.path}：{total} 条记录已过时（问题已不存在：已修正，或单元格已改动）；"
              f"`goallint check --write-baseline {known.path}` 可去掉它们", file=sys.stderr)
        if statistics:
            for line in baseline.describe_stale(outcome.stale):
                print(f"  {line}", file=sys.stderr)
    return outcome


def apply_fixes(engine: Engine, inputs: Sequence[Input], run: RunReport, options: CheckOptions,
                jobs: int) -> tuple[RunReport, fixer.FixOutcome, int | None]:
    """`check --fix` / `--diff`: fix, then lint again what changed. Returns the run to report, the outcome,
    and with `--diff` the exit status (the diff printed, nothing written): 1 when anything would change."""
    from goallint import fixer  # here: a run without --fix or --diff needs none of the fixer

    outcome = fixer.fix_run(engine, inputs, run, options.unsafe_fixes, write=not options.diff, jobs=jobs)
    for error in outcome.errors:
        print(f"goallint: 错误：{error}", file=sys.stderr)
    for fixed in outcome.files:
        for reason, count in fixed.skipped.items():
            print(f"goallint: 提示：{fixed.path}: {count} 处修复未应用：{reason}", file=sys.stderr)
    if options.diff:
        text = fixer.diff_text(outcome)
        if options.output:
            from goallint.plumbing.outputs import write_output

            try:
                write_output(Path(options.output), [text])
            except OSError as exc:
                print(f"goallint: error: -o {options.output}: cannot write the diff: {exc.strerror or exc}",
                      file=sys.stderr)
                return run, outcome, 2
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        sys.stderr.write(fixer.summary(outcome, run, diff=True))
        return run, outcome, 1 if text else 0
    written = {f.path for f in outcome.files if f.changed} - {path for path, _ in outcome.unwritten}
    if written:
        run = engine.run(inputs, jobs=jobs)
        for error in run.errors:
            print(f"goallint: {error}", file=sys.stderr)
    return fixer.with_write_failures(engine, run, outcome), outcome, None


def closing_line(outcome: fixer.FixOutcome | None, run: RunReport) -> str:
    """What `check` writes to stderr after a terminal report: the fix summary after `--fix`, else ruff's
    hint when some findings can be fixed (`[*] 其中 74 个问题可用 `goallint check --fix` 自动修复。`)."""
    if outcome is not None:
        from goallint.fixer import summary

        return summary(outcome, run, diff=False)
    fixes = run.fix_counts()
    safe, unsafe = fixes["safe"], fixes["unsafe"]
    out = f"[*] 其中 {safe} 个问题可用 `goallint check --fix` 自动修复。\n" if safe else ""
    if unsafe:
        out += f"另有 {unsafe} 个不安全的修复，可用 `--fix --unsafe-fixes` 启用。\n"
    return out
