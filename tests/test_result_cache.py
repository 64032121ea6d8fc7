"""The result cache: a warm run reports exactly what a cold one does, and anything that decides a file's
findings (its bytes, its path, the settings, a pack, goallint itself) makes it lint the file afresh."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import goallint.plumbing.atomic
import goallint.plumbing.cache_folder as cache_folder
import goallint.result_cache as result_cache
from goallint.cli import main
from goallint.engine import Engine, Input, make_engine
from goallint.result_cache import ResultCache

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("json", "sarif", "concise", "full", "github", "html")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GOALLINT_NO_CACHE")
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "results"


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths actually linted (not taken from the cache)."""
    seen: list[str] = []
    real = Engine.lint_result

    def counting(self: Engine, result: object) -> object:
        seen.append(result.path)  # type: ignore[attr-defined]
        return real(self, result)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "lint_result", counting)
    return seen


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", *args])
    return result.exit_code, result.stdout


def test_a_warm_run_reports_byte_for_byte_what_a_cold_run_does(cache: Path, linted: list[str]) -> None:
    examples = str(ROOT / "examples")  # `-j 1`: linted in this process, where `linted` counts
    for fmt in FORMATS:
        fresh = check("--no-cache", "-j", "1", "--format", fmt, examples)
        assert not list(cache.glob("*.pickle"))  # --no-cache keeps no report (the packs' snapshot may be made)
        linted.clear()
        cold = check("-j", "1", "--format", fmt, examples)
        assert linted and cold == fresh, fmt
        linted.clear()
        warm = check("-j", "1", "--format", fmt, examples)
        assert warm == fresh, fmt
        assert linted == [], fmt  # every file came from the cache
        shutil.rmtree(cache)


def test_parallel_warm_run_matches_the_serial_cold_run(cache: Path, tmp_path: Path) -> None:
    from test_perf import corpus

    corpus(120, tmp_path / "corpus", seed=5)
    cold = check("-j", "1", "--format", "json", str(tmp_path / "corpus"))
    assert check("-j", "2", "--format", "json", str(tmp_path / "corpus")) == cold
    assert len(list(cache.glob("*.pickle"))) == len(list((tmp_path / "corpus").glob("*.txt")))


def _form(tmp_path: Path, name: str = "form.txt") -> Path:
    source = sorted((ROOT / "examples").glob("*.txt"))[0]
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


def test_an_edited_file_a_new_path_or_new_settings_are_linted_afresh(
        cache: Path, tmp_path: Path, linted: list[str]) -> None:
    form = _form(tmp_path)
    first = check("--format", "concise", str(form))
    linted.clear()
    text = form.read_text(encoding="utf-8")
    assert "$\\geq 95\\%$" in text
    form.write_text(text.replace("$\\geq 95\\%$", "≥95%", 1), encoding="utf-8")  # one GL901 fewer
    edited = check("--format", "concise", str(form))
    assert linted == [str(form)] and edited == check("--no-cache", "--format", "concise", str(form))
    assert edited != first
    linted.clear()
    copy = _form(tmp_path, "copy.txt")
    shown = check("--format", "concise", str(copy))
    assert linted == [str(copy)] and str(copy) in shown[1]  # the path is part of every finding
    for options in (["--select", "GL4"], ["--ignore", "GL401"], ["--severity", "GL401=info"], ["--profile", "legacy"],
                    ["--format", "full"]):
        linted.clear()
        out = check("--format", "concise", *options, str(copy))
        assert linted == [str(copy)], options
        assert out == check("--no-cache", "--format", "concise", *options, str(copy)), options


def test_an_edited_pack_lints_afresh(cache: Path, tmp_path: Path, linted: list[str]) -> None:
    form = _form(tmp_path)
    pack = tmp_path / "bureau.yaml"
    rule = ("pack: bureau\nrules:\n  - code: GL950\n    name: bureau-goal\n    severity: {severity}\n"
            "    check: {{kind: required, project: [{{any_of: [annual_goal], label: 年度目标}}], "
            "department: [{{any_of: [name], label: 部门名称}}], message: '{{label}}为空', message_missing: '缺少{{label}}'}}\n"
            "    doc: {{summary: s, why: w, bad: b, good: g, fix: none, basis: x}}\n")
    (tmp_path / "goallint.yaml").write_text("rules: [bureau.yaml]\n", encoding="utf-8")
    args = ["check", "--no-progress", "--config", str(tmp_path / "goallint.yaml"), "--format", "json", str(form)]
    pack.write_text(rule.format(severity="warning"), encoding="utf-8")
    first = CliRunner().invoke(main, args).stdout
    linted.clear()
    pack.write_text(rule.format(severity="error"), encoding="utf-8")
    second = CliRunner().invoke(main, args).stdout
    assert linted == [str(form)]
    assert second == CliRunner().invoke(main, [*args, "--no-cache"]).stdout
    assert first != second or "GL950" not in first


def test_broken_or_foreign_entries_are_linted_again_and_rewritten(cache: Path, tmp_path: Path,
                                                                  linted: list[str]) -> None:
    import pickle
    import zlib

    form = _form(tmp_path)
    fresh = check("--format", "json", str(form))
    [entry] = cache.glob("*.pickle")
    good = entry.read_bytes()
    for broken in (good[: len(good) // 2], b"", os.urandom(64), zlib.compress(pickle.dumps(42)),
                   zlib.compress(pickle.dumps(("another key", None, [])))):
        entry.write_bytes(broken)
        linted.clear()
        assert check("--format", "json", str(form)) == fresh
        assert linted == [str(form)]
        assert entry.read_bytes() != broken  # rewritten whole
    linted.clear()
    assert check("--format", "json", str(form)) == fresh and linted == []


def test_a_report_with_a_rules_internal_error_is_not_kept(cache: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from goallint.checks import markup

    def broken(params: object, ctx: object) -> object:
        raise RuntimeError("a rule bug")

    monkeypatch.setattr(markup, "run", broken)
    code, _ = check("--format", "json", str(_form(tmp_path)))
    assert code == 2 and not list(cache.glob("*.pickle"))  # a rule's internal error exits 2


def test_off_by_environment_or_without_a_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert ResultCache.open() is None  # GOALLINT_NO_CACHE=1 (set for every test)
    monkeypatch.setenv("GOALLINT_NO_CACHE", "0")
    assert ResultCache.open() is not None
    monkeypatch.setenv("GOALLINT_CACHE_DIR", "")
    assert ResultCache.open() is None
    (tmp_path / "file").write_text("a file, not a folder")
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "file"))
    assert ResultCache.open() is None
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "cache"))

    def gone() -> str:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(result_cache.os, "getcwd", gone)  # the working folder was deleted under the run
    assert ResultCache.open() is None


def test_an_unwritable_cache_only_costs_time(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = _form(tmp_path)
    fresh = check("--no-cache", "--format", "json", str(form))

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(goallint.plumbing.atomic.tempfile, "mkstemp", full)
    assert check("--format", "json", str(form)) == fresh
    left = [p.name for p in cache.iterdir() if not p.name.endswith((".snapshot", ".code", ".pruned"))]
    assert left == []  # no entry, no temporary file left (the packs' snapshot may come from the first run)


def test_goallint_itself_its_data_and_libraries_are_part_of_the_key(cache: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from goallint.plumbing.resources import data_dir, package_dir

    hashed: list[Path] = []
    real = cache_folder._code_digest

    def recording(roots: list[Path], folder: Path) -> bytes:
        hashed.extend(roots)
        return real(roots, folder)

    monkeypatch.setattr(cache_folder, "_code_digest", recording)
    assert ResultCache.open() is not None
    files = [relative for relative, _ in cache_folder._files(hashed)]
    assert set(hashed) == {package_dir(), data_dir("rules"), data_dir("grammar")}
    assert "engine.py" in files and "values.yaml" in files and "value.lark" in files
    libraries = dict(stamp.split(":", 1) for stamp in cache_folder._library_stamps())
    assert libraries["lark"].startswith("lark-") and libraries["lark"].endswith(".dist-info")
    assert libraries["yaml"].lower().startswith("pyyaml-") and libraries["pydantic"].startswith("pydantic-2")
    engine = make_engine()
    assert engine.settings() != make_engine(select=["GL4"]).settings()
    assert engine.settings() == make_engine().settings()


def test_the_code_hash_follows_content_not_file_times(tmp_path: Path) -> None:
    tree, memo = tmp_path / "tree", tmp_path / "memo"
    (tree / "sub").mkdir(parents=True)
    memo.mkdir()
    (tree / "a.py").write_text("x = 1\n")
    (tree / "sub" / "b.yaml").write_text("a: 1\n")
    before = cache_folder._code_digest([tree], memo)
    assert [p.suffix for p in memo.iterdir()] == [".code"]  # kept under the files' sizes and times
    assert cache_folder._code_digest([tree], memo) == before
    (tree / "a.py").write_text("x = 2\n")  # same size
    assert cache_folder._code_digest([tree], memo) != before
    (tree / "a.py").write_text("x = 1\n")
    os.utime(tree / "a.py", ns=(10**9, 10**9))  # as a fresh install of the same release: new times, same bytes
    assert cache_folder._code_digest([tree], memo) == before
    for kept in memo.iterdir():
        kept.write_bytes(b"broken")
    assert cache_folder._code_digest([tree], memo) == before  # a broken memo is hashed again
    (tree / "sub" / "b.yaml").rename(tree / "sub" / "c.yaml")
    assert cache_folder._code_digest([tree], memo) != before


def test_pruning_keeps_the_most_recently_used(cache: Path, tmp_path: Path) -> None:
    engine = make_engine()
    opened = engine.cache = ResultCache.open()
    assert opened is not None
    forms = [_form(tmp_path, f"f{i}.txt") for i in range(4)]
    entries = [opened._path(opened.key(engine.settings(), str(form), form.read_bytes())) for form in forms]
    for age, (form, entry) in enumerate(zip(forms, entries, strict=True)):
        engine.lint(Input(str(form), form))
        os.utime(entry, ns=((age + 1) * 10**9, (age + 1) * 10**9))  # f0 oldest … f3 newest
    engine.lint(Input(str(forms[0]), forms[0]))  # a hit makes f0 the most recently used
    (cache / ".pruned").unlink(missing_ok=True)  # writing the packs' snapshot (a fresh process) pruned just now
    opened.prune(keep=2)
    assert sorted(cache.glob("*.pickle")) == sorted([entries[0], entries[3]])
    for form in forms:
        engine.lint(Input(str(form), form))
    opened.prune(keep=2)  # pruned a moment ago: not listed again within the hour
    assert len(list(cache.glob("*.pickle"))) == 4
    opened.prune(keep=2, every=0)
    assert len(list(cache.glob("*.pickle"))) == 2
