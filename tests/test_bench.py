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
