"""Every test lints afresh: the result cache (goallint/result_cache.py) is off unless a test turns it on
(tests/test_result_cache.py), so that a report kept by one test never stands in for another's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOALLINT_NO_CACHE", "1")
