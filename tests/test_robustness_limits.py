"""Every limit holds (issue 21, items 5 to 10): pack patterns, workbooks, files named by config, workers,
structured forms, bad paths. docs/robustness.md lists these cases with their limits."""

from __future__ import annotations

import re
import time
from pathlib import Path

from goallint.checks.patterns import MAX_MATCH_SECONDS, search

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"


# -- item 5: matching time per cell, whatever the pattern ---------------------------------------------------
def test_a_pattern_the_load_checks_missed_is_stopped_on_each_name() -> None:
    for pattern, name in ((r"(z)?(?:(?(1)b|a*))*c", "a" * 40), (r"(a+)+$", "a" * 60 + "!")):
        started = time.monotonic()
        assert search(re.compile(pattern), name) is None
        assert time.monotonic() - started < MAX_MATCH_SECONDS * 5
    assert search(re.compile("满意[度率]"), "群众满意度") is not None
