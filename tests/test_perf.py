"""Performance machinery that must not change results: the Lark table cache, lazy imports, -j order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARSE = ("from goallint.values import parse_value; from goallint.arith.expr import compile_expr; "
         "print([parse_value(v).to_contract() for v in ('≥95%', '3500元/月/人', '12月底前', '约2.5万元')]); "
         "print(compile_expr('budget == a * b', {'budget': 'scalar', 'a': 'scalar', 'b': 'scalar'}).fields)")


def _run(code: str, cache_dir: str) -> str:
    env = {**os.environ, "GOALLINT_CACHE_DIR": cache_dir}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
                          cwd=ROOT).stdout


def test_parser_cache_written_reused_and_rebuilt_when_broken(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = _run(PARSE, "")  # no cache at all
    assert not cache.exists()
    first = _run(PARSE, str(cache))
    files = sorted(cache.iterdir())
    assert [f.name.split("-lark")[0] for f in files] == ["expr", "value"]
    assert _run(PARSE, str(cache)) == first == fresh  # tables loaded from the cache read the same
    for f in files:
        f.write_bytes(b"not a cache\n" + os.urandom(64))
    assert _run(PARSE, str(cache)) == fresh  # a broken cache file is rebuilt, not an error
    assert all(f.read_bytes()[:11] != b"not a cache" for f in files)
