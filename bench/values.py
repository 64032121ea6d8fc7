"""Throughput of `parse_value` on the seed value distribution: warm cache, and cold distinct values.

Usage: .venv/bin/python bench/values.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from goallint.values import normalize, parse_value
from goallint.values.grammar import parser

ROOT = Path(__file__).resolve().parents[1]


def seed_values() -> list[str]:
    """Every value cell of the five seeds, repeats included (the real distribution)."""
    spec = importlib.util.spec_from_file_location("extract", ROOT / "tests" / "data" / "extract_seed_values.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out: list[str] = []
    for path in sorted((ROOT / "examples").glob("*.txt")):
        out.extend(module.values_of(path.read_text(encoding="utf-8")))
    return out


def distinct_variants(values: list[str], count: int, rng: random.Random) -> list[str]:
    """`count` distinct strings shaped like the seed values, each number replaced by a fresh one."""
    seen: set[str] = set()
    out: list[str] = []
    number = re.compile(r"\d+(?:\.\d+)?")
    while len(out) < count:
        template = rng.choice(values)
        variant = number.sub(lambda _: str(rng.randint(1, 999999)), template)
        if variant == template:
            variant = f"{template}{rng.randint(1, 10**9)}" if rng.random() < 0.5 else f"≥{rng.randint(1, 10**6)}{template[:3]}"
        if variant not in seen:
            seen.add(variant)
            out.append(variant)
    return out


def _parse_chunk(chunk: list[str]) -> int:
    parser()
    start = time.perf_counter()
    for value in chunk:
        parse_value(value)
    return int((time.perf_counter() - start) * 1e9)


def parallel_rate(pool: list[str], jobs: int) -> float:
    """Distinct values/s with `jobs` worker processes (as `goallint check -j` spreads forms over cores)."""
    from concurrent.futures import ProcessPoolExecutor

    chunks = [pool[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as executor:
        list(executor.map(_warm_worker, range(jobs)))
        start = time.perf_counter()
        list(executor.map(_parse_chunk, chunks))
        elapsed = time.perf_counter() - start
    return len(pool) / elapsed


def _warm_worker(_: int) -> None:
    parser()


def rate(work: Callable[[], int], seconds: float) -> float:
    """Values per second of `work` (which returns how many values it parsed), repeated for `seconds`."""
    done = 0
    start = time.perf_counter()
    while True:
        done += work()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("--seconds", type=float, default=2.0)
    args = cli.parse_args()
    values = seed_values()
    parser()  # load the grammar once, outside the timings
    start = time.perf_counter()
    normalize.cache_clear()
    parse_value.cache_clear()
    for value in values:
        parse_value(value)
    first = time.perf_counter() - start
    print(f"seed cells: {len(values)} ({len(set(values))} distinct); first pass {first * 1000:.1f} ms")

    def warm() -> int:
        for value in values:
            parse_value(value)
        return len(values)

    print(f"warm cache:      {rate(warm, args.seconds):>12,.0f} values/s  (target ≥ 200,000)")

    rng = random.Random(2025)
    pool = distinct_variants(values, 200_000, rng)
    cursor = 0

    def cold() -> int:
        nonlocal cursor
        batch = pool[cursor : cursor + 2000]
        if len(batch) < 2000:
            normalize.cache_clear()
            parse_value.cache_clear()
            cursor, batch = 0, pool[:2000]
        cursor += len(batch)
        for value in batch:
            parse_value(value)
        return len(batch)

    normalize.cache_clear()
    parse_value.cache_clear()
    print(f"cold (distinct): {rate(cold, args.seconds):>12,.0f} values/s  (target ≥ 20,000)")
    jobs = os.cpu_count() or 1
    if jobs > 1:
        print(f"cold, {jobs} procs: {parallel_rate(pool[:100_000], jobs):>12,.0f} values/s")
    kinds: dict[str, int] = {}
    for value in pool[:20000]:
        kind = parse_value(value).kind
        kinds[kind] = kinds.get(kind, 0) + 1
    print("kinds of the distinct variants:", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
