"""bench/run.py end to end on a tiny corpus: every row measured, the ratios printed, the reports compared.

The numbers are not asserted (performance is measured, not tested); that the benchmark still runs, measures
what it says and finds the `-j` reports identical is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_runs_every_row_and_compares_the_reports(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--forms", "40", "--reps", "1",
                           "--cold-reps", "1", "--no-peer", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["corpus"]["forms"] == 40
    assert results["identical_reports_across_jobs"] is True
    rows = {row["name"]: row for row in [*results["results"], *results["cold"]]}
    assert [name for name in rows if name.startswith("floor")] and \
        [name for name in rows if name.startswith("goallint's reader alone")]
    assert {"goallint check -j 1", "goallint check -j 2", "goallint check -j 2, the same forms as YAML",
            "goallint check -j 2, warm result cache"} <= set(rows)
    assert any("one deferred model class" in name for name in rows)
    assert any(name.endswith("(the same form as YAML)") for name in rows)
    for name, row in rows.items():
        assert len(row["samples"]) == 1, name
        assert all(sample["status"] in (0, 1) and sample["wall"] > 0 for sample in row["samples"]), name
    # every goallint row linted the forms: a report with findings (the corpus plants problems), exit 1
    for report in ("report-j1.txt", "report-j2.txt", "report-yaml.txt", "report-warm.txt"):
        assert (out / report).read_text(encoding="utf-8").count(" GL") > 10, report
    assert "× floor" in done.stdout and "× imports (median)" in done.stdout


def _tree(root: Path) -> Path:
    """A checkout as bench/side_by_side.py expects one: a folder with `.venv/bin/goallint` (this environment's)."""
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "goallint").symlink_to(Path(sys.executable).parent / "goallint")
    return root


def test_side_by_side_runs_both_trees_at_once_on_half_the_corpus(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import make_corpus
        from side_by_side import half_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    corpus = tmp_path / "corpus"
    written = make_corpus(30, corpus, seed=1)
    half = tmp_path / "half"
    half.mkdir()
    half_corpus(corpus, half)
    assert sorted(path.name for path in half.iterdir()) == sorted(path.name for path in written)[::2]
    old, new = _tree(tmp_path / "old"), _tree(tmp_path / "new")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "side_by_side.py"), str(old), str(new),
                           "--pairs", "2", "--corpus", str(corpus)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    pairs = [line for line in done.stdout.splitlines() if line.startswith("pair ")]
    assert len(pairs) == 2 and all("new/old" in line for line in pairs)
    assert "new/old median" in done.stdout


def test_side_by_side_names_a_tree_without_goallint(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "side_by_side.py"), str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"{tmp_path}: 没有 .venv/bin/goallint" in done.stderr
