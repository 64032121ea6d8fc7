"""Snapshots of the validated rule packs and profiles (goallint/plumbing/snapshot.py): a run over unchanged packs
does not import pydantic at all and reports exactly what validating afresh does; an edited pack, another path, a
broken or foreign snapshot are validated again; a pack that fails is never kept."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from goallint.packs import PackError, load_packs
from goallint.plumbing.cache_folder import SNAPSHOTS
from goallint.result_cache import ResultCache

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "000_9fd6cdad8612f9fc.txt"
GROUPED = ROOT / "examples" / "003_c889fea231715124.txt"
"""Its department form has GL504 findings (a group rule's, made after every form is read)."""
PACK = ("pack: bureau\nrules:\n  - code: GL950\n    name: bureau-goal\n    severity: warning\n"
        "    check: {{kind: required, project: [{{any_of: [annual_goal], label: 年度目标}}], "
        "department: [{{any_of: [name], label: 部门名称}}], message: '{{label}}为空', message_missing: '缺少{{label}}'}}\n"
        "    doc: {{summary: {summary}, why: w, bad: b, good: g, fix: none, basis: x}}\n")

RUN = """
import sys
from goallint.cli import main

def models(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from models(sub)

try:
    main(sys.argv[1:])
except SystemExit:
    pass
built = []
if "pydantic" in sys.modules:  # only what validates something imports it
    from pydantic import BaseModel
    built = ["pydantic", *sorted({cls.__qualname__ for cls in models(BaseModel)
                                  if cls.__module__.startswith("goallint.") and cls.__pydantic_complete__})]
print("BUILT", " ".join(built), file=sys.stderr)
from goallint.arith.expr import _parser
print("EXPR-PARSER", _parser.cache_info().currsize, file=sys.stderr)
"""


def _run(cache: str, *args: str) -> tuple[str, list[str]]:
    """(the report, `pydantic` when the run imported it and the input models whose schema it built, plus
    `expr-parser` when it loaded the grammar of the packs' `assert` expressions)."""
    env = {**os.environ, "GOALLINT_CACHE_DIR": cache, "GOALLINT_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-c", RUN, "check", "--isolated", "--no-progress", *args],
                          capture_output=True, text=True, env=env, check=False, timeout=120)
    built = [line for line in done.stderr.splitlines() if line.startswith("BUILT")]
    parser = [line for line in done.stderr.splitlines() if line.startswith("EXPR-PARSER")]
    assert len(built) == 1 and len(parser) == 1, done.stderr
    return done.stdout, built[0].split()[1:] + (["expr-parser"] if parser[0].split()[1] != "0" else [])


@pytest.fixture
def snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "results"


def test_a_run_over_unchanged_packs_imports_no_pydantic_and_parses_no_expression(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    files = (str(SEED), str(GROUPED))
    first, built_first = _run(cache, *files)
    assert {"pydantic", "expr-parser"} <= set(built_first)  # validated, then kept
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "results").glob("*.snapshot")) \
        == ["packs", "profiles"]
    for output in ("full", "concise", "json", "sarif", "github"):
        again, built = _run(cache, "--format", output, *files)
        assert built == [], output
        fresh, _ = _run("", "--format", output, *files)  # no cache folder: everything validated afresh
        assert again == fresh, output
    assert first == _run("", *files)[0]
    assert "GL401" in first and "GL504" in first


def test_a_run_over_a_yaml_form_builds_only_the_schema_that_validates_the_input(tmp_path: Path) -> None:
    """A structured form is validated (it is input), then its internal form is built from the validated cells."""
    cache = str(tmp_path / "cache")
    form = ROOT / "examples" / "structured" / "党建组织员工资补贴.yaml"
    _run(cache, str(form))
    report, built = _run(cache, str(form))
    # pydantic for the input model (its indicators inlined), and the generic root unparametrised (its schema is
    # `Any`); not the whole file's union of every input model (the internal forms are plain classes)
    assert set(built) == {"pydantic", "ProjectFormIn", "_DeferredRoot", "RootModel[~RootT]"}, built
    assert report == _run("", str(form))[0] and "GL" in report


def test_an_edited_pack_or_the_same_pack_elsewhere_is_validated_afresh(snapshots: Path, tmp_path: Path) -> None:
    pack = tmp_path / "bureau.yaml"
    pack.write_text(PACK.format(summary="one"), encoding="utf-8")
    assert load_packs([pack])[-1].rules[0].doc.summary == "one"
    assert load_packs([pack])[-1].rules[0].doc.summary == "one"  # from the snapshot
    pack.write_text(PACK.format(summary="two"), encoding="utf-8")
    assert load_packs([pack])[-1].rules[0].doc.summary == "two"
    other = tmp_path / "copy.yaml"
    other.write_text(pack.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_packs([other])[-1].path == str(other)
    assert len(list(snapshots.glob("packs-*.snapshot"))) == 3


def test_a_broken_or_foreign_snapshot_is_made_again(snapshots: Path, tmp_path: Path) -> None:
    pack = tmp_path / "bureau.yaml"
    pack.write_text(PACK.format(summary="one"), encoding="utf-8")
    fresh = load_packs([pack])
    [kept] = snapshots.glob("packs-*.snapshot")
    key, _ = pickle.loads(kept.read_bytes())
    for foreign in (b"not a pickle", pickle.dumps(("another key", fresh)), pickle.dumps((key, {"a": 1})),
                    pickle.dumps((key, fresh))[:-20]):
        kept.write_bytes(foreign)
        assert load_packs([pack]) == fresh
        assert pickle.loads(kept.read_bytes()) == (key, fresh)  # rewritten whole


def test_a_pack_that_fails_is_never_kept(snapshots: Path, tmp_path: Path) -> None:
    pack = tmp_path / "bureau.yaml"
    pack.write_text(PACK.format(summary="one").replace("severity: warning", "severity: loud"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PackError, match=r"bureau\.yaml: rules\[0\]\.severity"):
            load_packs([pack])
    assert list(snapshots.glob("packs-*.snapshot")) == []
    with pytest.raises(PackError, match="无法读取"):
        load_packs([tmp_path / "missing.yaml"])


def test_without_a_cache_folder_packs_are_validated_each_time(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "bureau.yaml"
    pack.write_text(PACK.format(summary="one"), encoding="utf-8")
    monkeypatch.setenv("GOALLINT_CACHE_DIR", "")
    assert load_packs([pack])[-1].rules[0].doc.summary == "one"
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    assert load_packs([pack])[-1].rules[0].doc.summary == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "bureau.yaml"]


def test_pruning_keeps_the_newest_snapshots(snapshots: Path) -> None:
    snapshots.mkdir(parents=True)
    for age in range(SNAPSHOTS + 4):
        path = snapshots / f"packs-{age:040d}.snapshot"
        path.write_bytes(b"")
        os.utime(path, ns=((age + 1) * 10**9, (age + 1) * 10**9))
    ResultCache(snapshots, "").prune(every=0)
    kept = sorted(int(p.name[6:-9]) for p in snapshots.glob("*.snapshot"))
    assert kept == list(range(4, SNAPSHOTS + 4))


def test_goallint_itself_is_part_of_the_key(snapshots: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import goallint.plumbing.snapshot

    pack = tmp_path / "bureau.yaml"
    pack.write_text(PACK.format(summary="one"), encoding="utf-8")
    for version in ("code of one release", "code of the next", "code of one release"):
        monkeypatch.setattr(goallint.plumbing.snapshot, "code_stamp", lambda folder, version=version: version)
        load_packs([pack])
    assert len(list(snapshots.glob("packs-*.snapshot"))) == 2


def test_writing_a_snapshot_prunes_old_ones_even_without_the_result_cache(snapshots: Path, tmp_path: Path) -> None:
    snapshots.mkdir(parents=True)
    for age in range(SNAPSHOTS + 4):
        path = snapshots / f"packs-{age:040d}.snapshot"
        path.write_bytes(b"")
        os.utime(path, ns=((age + 1) * 10**9, (age + 1) * 10**9))
    pack = tmp_path / "bureau.yaml"
    pack.write_text(PACK.format(summary="one"), encoding="utf-8")
    load_packs([pack])  # writes a new snapshot (GOALLINT_NO_CACHE=1 here: no report is ever kept)
    names = sorted(p.name for p in snapshots.glob("*.snapshot"))
    assert len(names) == SNAPSHOTS and f"packs-{0:040d}.snapshot" not in names
    assert any(not name[6:-9].isdigit() for name in names)  # the new one stays
