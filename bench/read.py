"""Throughput of the text reader (decode + split + assemble) on a synthetic corpus in the seed layout, one core.

Usage: .venv/bin/python bench/read.py [--forms 4000] [--seed 0] [--repeat 3]   (target: ≥ 2,000 forms/s)
       .venv/bin/python bench/read.py --excel [WORKBOOK]   (default examples/excel/example.xlsx, read 200 times)
       .venv/bin/python bench/read.py --documents pdf   (examples/pdf/*.pdf read 10 times over; also docx, xls, html)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parents[1]

from corpus import make_corpus  # noqa: E402

from goallint.engine import tune_gc  # noqa: E402
from goallint.readers import read_bytes  # noqa: E402


def run(forms: int, seed: int, repeat: int) -> float:
    """The best forms/second over `repeat` passes (files read into memory first: disk is not measured)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = make_corpus(forms, Path(folder), seed)
        files = [(path.name, path.read_bytes()) for path in paths]
    return _best(files, repeat, "files")


def run_excel(workbook: Path, times: int, repeat: int) -> float:
    """The best forms/second reading one workbook `times` times over (openpyxl's parse is most of it)."""
    return _best([(workbook.name, workbook.read_bytes())] * times, repeat, "workbooks")


DOCUMENT_TIMES = {"pdf": 10, "docx": 50, "xls": 100, "html": 100}


def run_documents(kind: str, repeat: int) -> float:
    """The best forms/second reading the bundled examples of one document kind over and over."""
    files = [(path.name, path.read_bytes()) for path in sorted((ROOT / "examples" / kind).glob(f"*.{kind}"))]
    return _best(files * DOCUMENT_TIMES[kind], repeat, f"{kind} files")


def _best(files: list[tuple[str, bytes]], repeat: int, what: str) -> float:
    """Read every (name, bytes) `repeat` times over, after one warm-up read; the best forms/second."""
    read_bytes(files[0][1], files[0][0])  # warm: the vocabulary and profiles (and openpyxl) load once
    tune_gc()  # as `goallint check` does
    best = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        count = sum(len(read_bytes(data, name).forms) for name, data in files)
        elapsed = time.perf_counter() - started
        best = max(best, count / elapsed)
        print(f"{count} forms in {len(files)} {what}: {elapsed:.3f} s, {elapsed / len(files) * 1000:.2f} ms each, "
              f"{count / elapsed:,.0f} forms/s")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--excel", nargs="?", type=Path, const=ROOT / "examples" / "excel" / "example.xlsx",
                        help="Read a workbook (default: examples/excel/example.xlsx) 200 times instead.")
    parser.add_argument("--documents", choices=sorted(DOCUMENT_TIMES),
                        help="Read the bundled examples of this kind (examples/pdf/ …) instead.")
    args = parser.parse_args(argv)
    if args.documents is not None:
        print(f"best: {run_documents(args.documents, args.repeat):,.0f} forms/s")
        return 0
    if args.excel is not None:
        print(f"best: {run_excel(args.excel, 200, args.repeat):,.0f} forms/s")
        return 0
    best = run(args.forms, args.seed, args.repeat)
    print(f"best: {best:,.0f} forms/s (target 2,000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
