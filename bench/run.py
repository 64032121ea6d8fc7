"""Whole-run benchmark: `goallint check` over a synthetic corpus against a floor and a peer, with ratios.

In one run, on the same files:
- `goallint check` over the text corpus with `-j 1` and `-j 2` (every repetition a fresh process), and over
  the same forms as YAML (the format a forms repository keeps) with `-j 2`;
- the floor: a Python process that only reads every file and splits it into cells (lines, then tabs);
- a reference between the floor and a whole run: goallint's own reader alone (read, split and assemble every
  form, no rule), in one process;
- the peer: `check-jsonschema --schemafile <goallint schema>` over the same corpus converted to YAML
  (what a forms repository would otherwise run; `pip install -e '.[bench]'`);
- the cold single-form run (the pre-commit case) against `python -c "import lark, pydantic, click, yaml"`,
  the same form as YAML, and `goallint check examples/`; with two references for what pydantic itself
  costs on top of that import (it loads its model machinery only on first use): `from pydantic import
  BaseModel`, and one model class defined (`defer_build`, never validated) — what a text run would pay if
  its model were pydantic's, as it once was (a text run now imports no pydantic);
- the same whole run and one-form run again over unchanged files with the result cache warm (every other
  goallint row runs with `--no-cache`; like Lark's tables, the validated rule packs of goallint/plumbing/snapshot.py
  stay on with it: they depend on no form, and the uncounted first run of each row makes them).
The repetitions run round-robin over the rows of each table (the machine's speed drifts over minutes, and
each row then sees the same drift). Wall time median/min/max over `--reps`, CPU (user+sys, workers
included) and peak memory: the largest process (wait4's ru_maxrss) and the sum over the process tree
(sampled every 50 ms).
The corpus (default 10,000 forms) is written once under `--out` and reused while its parameters match.

Usage: .venv/bin/python bench/run.py [--forms 10000] [--reps 3] [--cold-reps 25] [--out bench/out] [--jobs 1,2]
                                     [--no-peer]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CORPUS_VERSION = 2
"""Bump when the generator changes, so that an old corpus under --out is rebuilt."""

FLOOR = r"""
import os, sys
cells = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith((".txt", ".tsv")):
            with open(os.path.join(folder, name), "rb") as handle:
                text = handle.read().decode("utf-8")
            for line in text.split("\n"):
                cells += len(line.split("\t"))
print(cells)
"""

READER = r"""
import sys
from pathlib import Path
from goallint.engine import tune_gc
from goallint.readers import read_path
tune_gc()
print(sum(len(read_path(path).forms) for path in sorted(Path(sys.argv[1]).glob("*.txt"))))
"""
IMPORTS = "import lark, pydantic, click, yaml"
ONE_MODEL = IMPORTS + """
from pydantic import BaseModel, ConfigDict
class Form(BaseModel):
    model_config = ConfigDict(defer_build=True)
    name: str = ""
"""


@dataclass
class Sample:
    wall: float
    cpu: float
    max_rss_mb: float
    tree_rss_mb: float
    status: int


@dataclass
class Result:
    name: str
    command: list[str]
    samples: list[Sample] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    """Variables set for this command on top of the environment."""

    def wall(self) -> tuple[float, float, float]:
        walls = [s.wall for s in self.samples]
        return statistics.median(walls), min(walls), max(walls)

    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    def rss(self) -> tuple[float, float]:
        return max(s.max_rss_mb for s in self.samples), max(s.tree_rss_mb for s in self.samples)


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and every descendant (from /proc; 0 where /proc is missing)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
"""The measured commands run as an installed goallint does, with its modules' bytecode cached (pip compiles
it at install; the unmeasured first run writes it for an editable install). With PYTHONDONTWRITEBYTECODE set,
as on some CI machines, every goallint process would compile its ~80 modules again (~60 ms), while the
site-packages the imports reference loads were compiled at install: an unfair cold-start comparison."""


def measure(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Sample:
    """Run `command` once; its wall time, CPU (its own and its waited-for children's) and peak memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**CHILD_ENV, **(env or {})})
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    largest = usage.ru_maxrss / 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, largest, max(peak / 1024, largest), process.returncode)


def build_corpus(forms: int, seed: int, out: Path) -> tuple[Path, Path, Path]:
    """The text corpus, its YAML conversion and goallint's schema under `out` (reused when they match)."""
    text_dir, yaml_dir, schema = out / f"text-{forms}-{seed}", out / f"yaml-{forms}-{seed}", out / "schema.json"
    stamp = {"forms": forms, "seed": seed, "version": CORPUS_VERSION}
    marker = out / f"corpus-{forms}-{seed}.json"
    if not (marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == stamp):
        print(f"writing the corpus: {forms} forms under {text_dir} and its YAML under {yaml_dir} ...", flush=True)
        for folder in (text_dir, yaml_dir):
            shutil.rmtree(folder, ignore_errors=True)
        make_corpus(forms, text_dir, seed)
        from goallint.commands.convert import dump_yaml
        from goallint.readers import read_path

        yaml_dir.mkdir(parents=True)
        for path in sorted(text_dir.glob("*.txt")):
            result = read_path(path)
            (yaml_dir / f"{path.stem}.yaml").write_text(dump_yaml(result.forms), encoding="utf-8")
        marker.write_text(json.dumps(stamp), encoding="utf-8")
    schema.write_text(subprocess.run([str(BIN / "goallint"), "schema"], capture_output=True, text=True,
                                     check=True).stdout, encoding="utf-8")
    return text_dir, yaml_dir, schema


def counted_forms(text_dir: Path) -> tuple[int, int]:
    """(files, forms) of the corpus as goallint reads it."""
    from goallint.readers import read_path

    files = sorted(text_dir.glob("*.txt"))
    return len(files), sum(len(read_path(path).forms) for path in files)


def single_form(text_dir: Path) -> Path:
    """A file of the corpus holding exactly one form (the pre-commit case: one changed form)."""
    from goallint.readers import read_path

    for path in sorted(text_dir.glob("*.txt")):
        if len(read_path(path).forms) == 1:
            return path
    raise SystemExit(f"no one-form file in {text_dir}")


def run_all(args: argparse.Namespace) -> dict[str, object]:
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    text_dir, yaml_dir, schema = build_corpus(args.forms, args.seed, out)
    files, forms = counted_forms(text_dir)
    goallint = str(BIN / "goallint")
    check = [goallint, "check", "--isolated", "--no-progress", "--format", "concise", "--no-cache"]
    results: list[Result] = [Result("floor (read + split)", [sys.executable, "-c", FLOOR, str(text_dir)]),
                             Result("goallint's reader alone (no rules, one process)",
                                    [sys.executable, "-c", READER, str(text_dir)])]
    for jobs in args.jobs:
        results.append(Result(f"goallint check -j {jobs}",
                              [*check, "-j", str(jobs), "-o", str(out / f"report-j{jobs}.txt"), str(text_dir)]))
    results.append(Result(f"goallint check -j {max(args.jobs)}, the same forms as YAML",
                          [*check, "-j", str(max(args.jobs)), "-o", str(out / "report-yaml.txt"), str(yaml_dir)]))
    # the result cache: a second run over unchanged files (the uncounted first run fills it)
    warm = {"GOALLINT_CACHE_DIR": str(out / "cache")}
    shutil.rmtree(out / "cache", ignore_errors=True)
    cached = [part for part in check if part != "--no-cache"]
    top = max(args.jobs)
    results.append(Result(f"goallint check -j {top}, warm result cache",
                          [*cached, "-j", str(top), "-o", str(out / "report-warm.txt"), str(text_dir)], env=warm))
    peer = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if peer and not args.no_peer:
        yaml_files = [str(path) for path in sorted(yaml_dir.glob("*.yaml"))]
        results.append(Result("peer: check-jsonschema (YAML)", [peer, "--schemafile", str(schema), *yaml_files]))
    seed_form = sorted((ROOT / "examples").glob("000_*.txt"))[0]
    one_form = single_form(text_dir)
    cold = [Result("python -c 'import lark, pydantic, click, yaml'", [sys.executable, "-c", IMPORTS]),
            Result("  the same + `from pydantic import BaseModel`",
                   [sys.executable, "-c", IMPORTS + "\nfrom pydantic import BaseModel"]),
            Result("  the same + one deferred model class", [sys.executable, "-c", ONE_MODEL]),
            Result(f"goallint check {one_form.name} (1 form)", [*check, str(one_form)]),
            Result(f"goallint check {one_form.stem}.yaml (the same form as YAML)",
                   [*check, str(yaml_dir / f"{one_form.stem}.yaml")]),
            Result(f"goallint check examples/{seed_form.name} (21 forms)", [*check, str(seed_form.relative_to(ROOT))]),
            Result("goallint check examples/ (43 forms)", [*check, "examples/"]),
            Result(f"goallint check {one_form.name} (1 form), warm result cache", [*cached, str(one_form)], env=warm)]
    for group, reps in ((results, args.reps), (cold, args.cold_reps)):
        for result in group:  # warm the disk, bytecode and Lark caches (and the result cache for its rows)
            measure(result.command, env=result.env)
        for rep in range(reps):  # round-robin: the machine's drift falls on every row of a table alike
            for result in group:
                result.samples.append(measure(result.command, env=result.env))
            print(f"  round {rep + 1}/{reps}: " + ", ".join(f"{r.samples[-1].wall:.3f}" for r in group), flush=True)
        for result in group:
            median, low, high = result.wall()
            print(f"  {result.name:<40} median {median:7.3f} s  (min {low:.3f}, max {high:.3f})", flush=True)
    same = [(out / name).read_bytes() for name in [*(f"report-j{jobs}.txt" for jobs in args.jobs), "report-warm.txt"]]
    report = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
              "corpus": {"files": files, "forms": forms, "text": str(text_dir), "yaml": str(yaml_dir)},
              "identical_reports_across_jobs": all(data == same[0] for data in same),
              "results": [asdict(r) for r in results], "cold": [asdict(r) for r in cold]}
    print_table(results, cold, forms, files)
    print(f"reports of {', '.join(f'-j {j}' for j in args.jobs)} and the warm run identical: "
          f"{report['identical_reports_across_jobs']}")
    (out / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"raw numbers: {out / 'results.json'}")
    return report


def print_table(results: list[Result], cold: list[Result], forms: int, files: int) -> None:
    floor = results[0].wall()[0]
    peer = next((r.wall()[0] for r in results if r.name.startswith("peer")), None)
    print(f"\n{forms:,} forms in {files:,} files, {os.cpu_count()} cores\n")
    print("| run | median s | min–max s | CPU s | forms/s | peak RSS MB (largest / tree) | × floor | × peer |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        median, low, high = r.wall()
        largest, tree = r.rss()
        vs_peer = f"{median / peer:.2f}" if peer else "–"
        print(f"| {r.name} | {median:.2f} | {low:.2f}–{high:.2f} | {r.cpu():.2f} | {forms / median:,.0f} | "
              f"{largest:.0f} / {tree:.0f} | {median / floor:.1f} | {vs_peer} |")
    base = cold[0].wall()[0]
    best = cold[0].wall()[1]
    print("\n| cold run | median s | min–max s | × imports (median) | × imports (min) |")
    print("|---|---:|---:|---:|---:|")
    for r in cold:
        median, low, high = r.wall()
        print(f"| {r.name} | {median:.3f} | {low:.3f}–{high:.3f} | {median / base:.2f} | {low / best:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cold-reps", type=int, default=25, help="Repetitions of the short cold runs (noisier).")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=lambda text: [int(j) for j in text.split(",")], default=[1, 2])
    parser.add_argument("--no-peer", action="store_true", help="Skip check-jsonschema.")
    args = parser.parse_args(argv)
    run_all(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
