"""A synthetic corpus in the seed layout: forms cut from the five seeds, varied (names, amounts, counts), in .txt files.

`make_corpus(n, out_dir, seed)` writes about n forms (roughly 1 department form in 14, as in the seeds) into
files of 1–12 forms each and returns the paths. Layout damage of the seeds is kept as it is.
Usage: .venv/bin/python bench/corpus.py N OUT_DIR [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from goallint.readers import read_path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d.])")
_FORM_NAME = re.compile(r"^((?:<b>)?(?:项目名称|部门名称)(?:</b>)?\t+)([^\t\n]+)", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """The lines of one seed form (title to the line before the next form) and its kind."""

    kind: str
    text: str


def seed_blocks() -> list[Block]:
    """Every seed form as a block of lines, cut where the reader says each form starts."""
    blocks: list[Block] = []
    for path in SEEDS:
        lines = path.read_text(encoding="utf-8").split("\n")
        forms = read_path(path).forms
        starts = [form.span.line - 1 if form.span is not None else 0 for form in forms]
        for form, start, end in zip(forms, starts, [*starts[1:], len(lines)], strict=True):
            blocks.append(Block(form.kind, "\n".join(lines[start:end]).rstrip("\n") + "\n"))
    return blocks


def _vary_number(match: re.Match[str], rng: random.Random) -> str:
    whole, fraction = match.group(1), match.group(2) or ""
    digits = whole.replace(",", "")
    if len(digits) == 4 and digits.startswith(("19", "20")):
        return match.group(0)  # a year
    value = max(1, round(int(digits) * rng.uniform(0.5, 1.5)))
    text = f"{value:,}" if "," in whole else str(value)
    return text + fraction


def vary(block: Block, number: int, rng: random.Random) -> str:
    """The block with a distinct form name and its amounts and counts scaled at random."""
    text = _NUMBER.sub(lambda match: _vary_number(match, rng), block.text)
    return _FORM_NAME.sub(lambda match: f"{match.group(1)}{match.group(2)}（{number}）", text, count=1)


def make_corpus(n: int, out_dir: Path, seed: int = 0) -> list[Path]:
    """Write about `n` varied seed forms into .txt files under `out_dir`; return the files written."""
    rng = random.Random(seed)
    blocks = seed_blocks()
    projects = [block for block in blocks if block.kind == "project"]
    departments = [block for block in blocks if block.kind == "department"]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    written = 0
    while written < n:
        size = min(rng.randint(1, 12), n - written)
        parts = []
        for index in range(size):
            pool = departments if index == 0 and rng.random() < 0.6 and departments else projects
            parts.append(vary(rng.choice(pool), written + index, rng))
        path = out_dir / f"corpus_{len(paths):05d}.txt"
        path.write_text("\n".join(parts), encoding="utf-8")
        paths.append(path)
        written += size
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = make_corpus(args.n, args.out_dir, args.seed)
    print(f"wrote {len(paths)} files with {args.n} forms under {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
