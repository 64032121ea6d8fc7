"""Compiled code kept between runs (`goallint/plumbing/kept_code.py`): what is read back is what `re` and
`dataclasses` compile, a broken or foreign file is rebuilt, and nothing is kept without a cache folder."""

from __future__ import annotations

import dataclasses
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.plumbing import kept_code

ROOT = Path(__file__).resolve().parents[1]

_ATOMS = st.sampled_from(["a", "元", "[0-9]", "[\u4e00-\u9fff]", "\\d", "\\s", ".", "[^，,]", "\\w", "%", "万",
                          "(?:个|名|人)", "\\(", "[①-⑳]", "$", "^", "\\b"])


@st.composite
def patterns(draw: Any, depth: int = 0) -> str:
    """Regular expressions built of the pieces goallint's patterns use (CJK classes, alternations, named
    groups, lookarounds, lazy and counted repeats)."""
    parts = []
    for index in range(draw(st.integers(1, 4))):
        atom = draw(patterns(depth + 1)) if depth < 2 and draw(st.booleans()) else draw(_ATOMS)
        wrap = draw(st.sampled_from(["{}", "(?:{})", "({})", f"(?P<g{depth}_{index}>{{}})", "(?={})",
                                     "(?<!{})", "{}*", "{}+?", "{}{{1,3}}", "{}?"]))
        if wrap.startswith("(?<!") and any(mark in atom for mark in "*+{?|"):
            wrap = "{}"  # a lookbehind takes fixed widths only
        parts.append(wrap.format(atom))
    joined = "".join(parts)
    return f"{joined}|{draw(_ATOMS)}" if draw(st.booleans()) else joined


def _kept_arguments(pattern: str, flags: int) -> Any:
    """What `regex()` keeps for the pattern, written to the file's format and read back."""
    kept_code._kept = {}
    kept_code.regex(pattern, flags)
    return marshal.loads(marshal.dumps(kept_code._kept))[("re", pattern, int(flags))]


@settings(max_examples=300, deadline=None)
@given(patterns(), st.sampled_from([0, re.IGNORECASE, re.MULTILINE | re.DOTALL, re.ASCII, re.VERBOSE]))
def test_a_pattern_made_from_its_kept_arguments_is_the_one_re_compiles(pattern: str, flags: int) -> None:
    try:
        expected = re.compile(pattern, flags)
    except re.error:
        with pytest.raises(re.error):
            kept_code.regex(pattern, flags)
        return
    saved = kept_code._kept
    try:
        fresh = kept_code.regex(pattern, flags)
        again = kept_code._sre.compile(pattern, *_kept_arguments(pattern, flags))
    finally:
        kept_code._kept = saved
    assert fresh == expected == again  # patterns compare equal by their flags and matcher code
    assert (fresh.groups, fresh.groupindex) == (again.groups, again.groupindex) == (expected.groups,
                                                                                   expected.groupindex)
    for text in ("a元1 万%", "人（个）①", "", "ab\nAB 名"):
        found, wanted = again.search(text), expected.search(text)
        assert (found and (found.span(), found.groups())) == (wanted and (wanted.span(), wanted.groups()))


def test_every_pattern_a_run_keeps_reads_back_equal_to_re_s_own(tmp_path: Path) -> None:
    form = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
    env = {**os.environ, "GOALLINT_CACHE_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "goallint", "check", "--isolated", "--no-progress", "--no-cache",
                    str(form)], capture_output=True, env=env, cwd=ROOT)
    [kept_file] = (tmp_path / "results").glob("compiled-*.marshal")
    kept = marshal.loads(kept_file.read_bytes())
    regexes = {key: value for key, value in kept.items() if key[0] == "re"}
    sources = {key[1]: value for key, value in kept.items() if key[0] == "code"}
    assert len(regexes) > 100 and len(sources) > 100  # goallint's own patterns and records' methods
    for (_, pattern, flags), arguments in regexes.items():
        assert kept_code._sre.compile(pattern, *arguments) == kept_code._original_compile(pattern, flags)
    for source, code in sources.items():
        assert code == compile(source, "<string>", "exec", dont_inherit=True)


def _check(cache: Path) -> subprocess.CompletedProcess[str]:
    code = ("import sys\nfrom goallint.cli import main\nfrom goallint.plumbing import kept_code\n"
            "try:\n    main(['check', '--isolated', '--no-progress', '--no-cache', sys.argv[1]])\n"
            "except SystemExit:\n    pass\nprint('compiled:', kept_code._added)")
    form = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
    return subprocess.run([sys.executable, "-c", code, str(form)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "GOALLINT_CACHE_DIR": str(cache)})


def test_a_second_run_compiles_nothing_and_a_broken_file_is_rebuilt(tmp_path: Path) -> None:
    first = _check(tmp_path).stdout.splitlines()
    assert first[-1] == "compiled: True" and "GL" in first[0]
    [kept_file] = (tmp_path / "results").glob("compiled-*.marshal")
    written = kept_file.read_bytes()
    second = _check(tmp_path).stdout.splitlines()
    assert second[-1] == "compiled: False"  # every pattern and method read back
    assert second[:-1] == first[:-1] and kept_file.read_bytes() == written
    kept_file.write_bytes(written[: len(written) // 2])  # cut short: compiled again and rewritten
    assert _check(tmp_path).stdout.splitlines() == [*first[:-1], "compiled: True"]
    assert marshal.loads(kept_file.read_bytes()).items() <= marshal.loads(written).items()
    assert _check(tmp_path).stdout.splitlines() == second
    kept_file.write_bytes(marshal.dumps({("re", "a", 0): (0, [1, 2, 3], 0, {}, ())}))  # code _sre refuses
    assert _check(tmp_path).stdout.splitlines()[:-1] == first[:-1]
    assert _check(tmp_path / "none").stdout.splitlines()[:-1] == first[:-1]


def test_without_a_cache_folder_nothing_is_written(tmp_path: Path) -> None:
    env = {**os.environ, "GOALLINT_CACHE_DIR": ""}
    form = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
    done = subprocess.run([sys.executable, "-m", "goallint", "check", "--isolated", "--no-cache", str(form)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode in (0, 1) and "GL" in done.stdout
    assert not list(tmp_path.iterdir())


def test_a_record_made_from_kept_code_is_the_dataclass_made_without() -> None:
    from goallint.plumbing.records import record

    saved = kept_code._kept
    try:
        for _ in range(2):  # compiled and kept, then read back
            @record(frozen=True)
            class Cost:
                """A priced line."""

                name: str
                amount: float = 0.0
                tags: tuple[str, ...] = dataclasses.field(default=())

            cost = Cost("培训费", 2.5)
            assert (cost.name, cost.amount, cost.tags) == ("培训费", 2.5, ())
            assert cost == Cost("培训费", 2.5) and hash(cost) == hash(Cost("培训费", 2.5))
            with pytest.raises(dataclasses.FrozenInstanceError):
                cost.amount = 3.0  # type: ignore[misc]
            assert [f.name for f in dataclasses.fields(Cost)] == ["name", "amount", "tags"]
        assert any(key[0] == "code" and "def __init__(self,name:_type_name," in key[1] for key in kept_code._entries())
    finally:
        kept_code._kept = saved
    assert "exec" not in vars(dataclasses)  # `dataclasses` is left as it was


def test_past_its_bound_the_file_keeps_what_the_run_used(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(kept_code, "MAX_ENTRIES", 3)
    monkeypatch.setattr(kept_code, "_used", set())
    monkeypatch.setattr(kept_code, "_kept", {("code", f"x = {n}"): compile(f"x = {n}", "<string>", "exec")
                                             for n in range(3)})
    kept_code.code("x = 1")  # read back
    kept_code.regex("[甲乙]+", 0)  # compiled
    kept_code.regex("[丙丁]+", 0)
    kept_code._save()
    [kept_file] = (tmp_path / "results").glob("compiled-*.marshal")
    assert sorted(marshal.loads(kept_file.read_bytes())) == [("code", "x = 1"), ("re", "[丙丁]+", 0),
                                                             ("re", "[甲乙]+", 0)]
    for n in range(10):  # no more than twice the bound is remembered within a process
        kept_code.regex(f"[甲乙]{{{n}}}", 0)
    assert len(kept_code._kept) == 6
