"""Two versions of goallint judged side by side: one worker's load of the bench corpus, both run at once.

The development machine's speed drifts by up to a quarter within an hour, so two whole runs timed one after
the other do not tell a 5% change from the drift, and instruction counts over a small sample miss what a
change costs in memory or in memo misses on a large corpus. Here each pair runs the two versions at the same
time, one per core, on the same files (every other file of the corpus: what one of the two `-j 2` workers
does), and swaps their order from pair to pair; what is compared is each process's own CPU time, so both see
the same machine.

Usage: .venv/bin/python bench/side_by_side.py OLD_TREE NEW_TREE [--pairs 4] [--corpus bench/out/text-10000-0]

A tree is a checkout of goallint with its own `.venv` (`python3 -m venv .venv && .venv/bin/pip install -e .`);
each runs with its own cache folder. Make the corpus first with `bench/run.py` (or `bench/corpus.py`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def half_corpus(corpus: Path, into: Path) -> None:
    """Every other file of `corpus` linked into `into`: the share of one of two workers."""
    for index, path in enumerate(sorted(corpus.glob("*.txt"))):
        if index % 2 == 0:
            (into / path.name).symlink_to(path.resolve())


def start(tree: Path, files: Path, cache: Path) -> subprocess.Popen[bytes]:
    command = [str(tree / ".venv" / "bin" / "goallint"), "check", "--isolated", "--no-progress", "--format",
               "concise", "--no-cache", "-j", "1", "--fail-on", "never", "-o", os.devnull, str(files)]
    return subprocess.Popen(command, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "GOALLINT_CACHE_DIR": str(cache)})


def cpu_of(process: subprocess.Popen[bytes]) -> float:
    """The process's own user + system CPU time, in seconds (it runs in one process: `-j 1`)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{process.args[0]} 失败，退出码 {process.returncode}")
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out" / "text-10000-0")
    args = parser.parse_args(argv)
    for tree in (args.old, args.new):
        if not (tree / ".venv" / "bin" / "goallint").exists():
            parser.error(f"{tree}: 没有 .venv/bin/goallint（先在该目录安装 goallint）")
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: 语料目录不存在（先运行 bench/run.py）")
    with tempfile.TemporaryDirectory() as scratch:
        files = Path(scratch) / "forms"
        files.mkdir()
        half_corpus(args.corpus, files)
        caches = {tree: Path(scratch) / f"cache-{index}" for index, tree in enumerate((args.old, args.new))}
        for tree in (args.old, args.new):  # unmeasured: bytecode and the Lark/pack caches made once
            cpu_of(start(tree, files, caches[tree]))
        ratios = []
        for pair in range(args.pairs):
            order = (args.old, args.new) if pair % 2 == 0 else (args.new, args.old)
            running = {tree: start(tree, files, caches[tree]) for tree in order}
            cpu = {tree: cpu_of(process) for tree, process in running.items()}
            ratios.append(cpu[args.new] / cpu[args.old])
            print(f"pair {pair + 1}: old {cpu[args.old]:.2f} s, new {cpu[args.new]:.2f} s CPU, "
                  f"new/old {ratios[-1]:.3f}", flush=True)
    print(f"new/old median {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
