"""Performance machinery that must not change results: the Lark table cache, lazy imports, -j order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARSE = ("from goallint.values import parse_value; from goallint.arith.expr import compile_expr; "
         "print([parse_value(v).to_contract() for v in ('≥95%', '3500元/月/人', '12月底前', '约2.5万元')]); "
         "print(compile_expr('budget == a * b', {'budget': 'scalar', 'a': 'scalar', 'b': 'scalar'}).fields)")


def corpus(forms: int, folder: Path, seed: int) -> list[Path]:
    """bench/corpus.py's synthetic forms written under `folder`."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import make_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    paths: list[Path] = make_corpus(forms, folder, seed=seed)
    return paths


def _run(code: str, cache_dir: str) -> str:
    env = {**os.environ, "GOALLINT_CACHE_DIR": cache_dir}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
                          cwd=ROOT).stdout


def test_parser_cache_written_reused_and_rebuilt_when_broken(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = _run(PARSE, "")  # no cache at all
    assert not cache.exists()
    first = _run(PARSE, str(cache))
    files = sorted(f for f in cache.iterdir() if f.suffix == ".lark-cache")  # beside results/ (kept code)
    assert [f.name.split("-lark")[0] for f in files] == ["expr", "value"]
    assert _run(PARSE, str(cache)) == first == fresh  # tables loaded from the cache read the same
    for f in files:
        f.write_bytes(b"not a cache\n" + os.urandom(64))
    assert _run(PARSE, str(cache)) == fresh  # a broken cache file is rebuilt, not an error
    assert all(f.read_bytes()[:11] != b"not a cache" for f in files)


def test_parallel_runs_over_a_generated_corpus_match_the_serial_run(tmp_path: Path) -> None:
    paths = corpus(60, tmp_path / "corpus", seed=7)
    assert len(paths) > 8  # enough files for chunks to reach both workers
    outputs = {}
    for jobs in ("1", "2", "3"):
        for fmt in ("json", "full"):
            out = tmp_path / f"report-{jobs}.{fmt}"
            done = subprocess.run([sys.executable, "-m", "goallint.cli", "check", "--isolated", "--no-progress",
                                   "-j", jobs, "--format", fmt, "-o", str(out), str(tmp_path / "corpus")],
                                  capture_output=True, text=True, cwd=ROOT)
            assert done.returncode == 1, done.stderr  # the seeds' problems are in the corpus
            outputs[jobs, fmt] = out.read_text(encoding="utf-8")
    for fmt in ("json", "full"):
        assert outputs["1", fmt] == outputs["2", fmt] == outputs["3", fmt]
    assert '"forms": 60' in outputs["1", "json"]


def test_diagnostics_pickle_as_rows_and_come_back_equal_with_their_repeated_strings_shared() -> None:
    """What a worker, the spool and the result cache pass: a finding read back is equal to the one written
    (its fix and related cells too), and the strings every finding repeats (path, rule, form) are one object."""
    import dataclasses
    import pickle

    from goallint.engine import make_engine
    from goallint.readers import read_path

    engine = make_engine()
    path = sorted((ROOT / "examples").glob("000_*.txt"))[0]
    found = engine.lint_result(read_path(path, str(path))).diagnostics
    assert len(found) > 10 and any(d.fix is not None for d in found) and any(d.related for d in found)
    back = pickle.loads(pickle.dumps(found))
    assert back == found and [dataclasses.asdict(d) for d in back] == [dataclasses.asdict(d) for d in found]
    again = pickle.loads(pickle.dumps(found))  # another worker's copy: the same interned strings
    assert all(a.path is b.path and a.code is b.code and a.form is b.form for a, b in zip(back, again, strict=True))
    with pytest.raises(dataclasses.FrozenInstanceError):
        back[0].message = "changed"  # type: ignore[misc]


def test_a_text_form_check_loads_no_reader_report_or_tool_it_does_not_use(tmp_path: Path) -> None:
    """The pre-commit case imports only what it uses: no structured or Excel reader (config and packs load
    through safe_yaml, not the structured reader), no html report, rich or jinja2."""
    code = ("import sys; from goallint.cli import main\n"
            "try:\n    main(['check', '--isolated', '--no-progress', '--format', 'concise', sys.argv[1]])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('goallint.readers.', 'openpyxl', 'rich', "
            "'jinja2', 'goallint.report.html'))))")
    form = sorted((ROOT / "examples").glob("000_*.txt"))[0]
    env = {**os.environ, "GOALLINT_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code, str(form)], capture_output=True, text=True, env=env,
                         cwd=ROOT).stdout.strip().splitlines()[-1]
    assert out == "['goallint.readers.base', 'goallint.readers.encoding', 'goallint.readers.text']"


_VALIDATION = ("import sys; from goallint.cli import main\n"
               "try:\n    main(['check', '--isolated', '--no-progress', '--format', sys.argv[2], sys.argv[1]])\n"
               "except SystemExit:\n    pass\n"
               "from goallint.plumbing import kept_code\n"
               "print('pydantic' in sys.modules, 'pydantic_core' in sys.modules, 'yaml' in sys.modules,"
               " kept_code._added)")


@pytest.mark.parametrize("fmt", ["concise", "json", "full"])
def test_a_text_form_check_does_not_import_pydantic_or_yaml_once_the_packs_are_kept(tmp_path: Path, fmt: str) -> None:
    """The forms, findings and rules of a run are plain classes: pydantic validates packs and profiles when
    they are new (the first run), and a later run reads them from their snapshot without importing it. The
    same holds for PyYAML: the packs, labels and vocabulary are read as YAML once, then kept."""
    form = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
    env = {**os.environ, "GOALLINT_CACHE_DIR": str(tmp_path)}

    def imported() -> str:
        done = subprocess.run([sys.executable, "-c", _VALIDATION, str(form), fmt], capture_output=True, text=True,
                              env=env, cwd=ROOT)
        return done.stdout.strip().splitlines()[-1]

    assert imported() == "True True True True"  # the packs and profiles are read and validated, then kept
    assert imported() == "False False False False"  # and no pattern or record method is compiled again


def test_a_yaml_form_check_imports_pydantic_only_to_validate_the_form(tmp_path: Path) -> None:
    form = ROOT / "examples" / "structured" / "党建组织员工资补贴.yaml"
    env = {**os.environ, "GOALLINT_CACHE_DIR": str(tmp_path)}
    code = _VALIDATION.replace("print(", "from goallint.structured_format import ProjectFormIn\nprint(") \
        .replace("'pydantic' in sys.modules, 'pydantic_core' in sys.modules",
                 "'pydantic' in sys.modules, ProjectFormIn.__pydantic_complete__")
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code, str(form), "concise"], capture_output=True, text=True,
                             env=env, cwd=ROOT).stdout.strip().splitlines()[-1]
        assert out.split()[:3] == ["True"] * 3  # imported for the form's input model, whose schema validated it


def test_parsed_yaml_is_kept_between_runs_by_its_text(tmp_path: Path, monkeypatch: Any) -> None:
    from goallint.plumbing import safe_yaml
    from goallint.plumbing.resources import cached_parse

    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path))
    calls: list[str] = []

    def parse(text: str) -> Any:
        calls.append(text)
        return safe_yaml.load(text)

    text = "pack: p\nrules:\n  - {code: GL999, ratio: 0.5, enabled: true, words: [a, 二], none: null}\n"
    first = cached_parse(text, parse)
    assert cached_parse(text, parse) == first == safe_yaml.load(text)
    assert len(calls) == 1  # the second read came from the cache
    assert cached_parse(text + "# edited\n", parse) == first and len(calls) == 2  # a new text is parsed
    [kept, _] = sorted(tmp_path.glob("parsed-*.json"), key=lambda p: p.stat().st_mtime_ns)
    kept.write_bytes(b'{"key": "x", "da')  # broken: parsed again and rewritten
    assert cached_parse(text, parse) == first and len(calls) == 3
    assert cached_parse(text, parse) == first and len(calls) == 3


def test_parsed_yaml_is_kept_only_when_json_gives_it_back_exactly(tmp_path: Path, monkeypatch: Any) -> None:
    import pytest

    from goallint.plumbing import safe_yaml
    from goallint.plumbing.resources import cached_parse

    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path))
    for text in ("2024: year\n", "on: yes\n", "when: 2024-12-31\n", "x: .nan\n"):  # int and bool keys, a date, NaN
        assert cached_parse(text, safe_yaml.load) == safe_yaml.load(text) or text == "x: .nan\n"
    assert not list(tmp_path.glob("parsed-*"))
    with pytest.raises(safe_yaml.SafeYamlError):
        cached_parse("a: 1\na: 2\n", safe_yaml.load)  # an error is raised every time, never kept
    assert not list(tmp_path.glob("parsed-*"))
    monkeypatch.setenv("GOALLINT_CACHE_DIR", "")  # no cache: parsed every time, nothing written
    assert cached_parse("a: 1\n", safe_yaml.load) == {"a": 1}
    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("a file, not a folder")
    assert cached_parse("a: 1\n", safe_yaml.load) == {"a": 1}


def test_an_edited_pack_is_read_again(tmp_path: Path, monkeypatch: Any) -> None:
    from goallint.packs import load_packs

    monkeypatch.setenv("GOALLINT_CACHE_DIR", str(tmp_path / "cache"))
    pack = tmp_path / "bureau.yaml"
    rule = ("pack: bureau\nrules:\n  - code: GL950\n    name: {name}\n    severity: warning\n"
            "    check: {{kind: required, project: [{{any_of: [annual_goal], label: 年度目标}}],\n"
            "            message: '{{label}}为空', message_missing: '缺少{{label}}'}}\n"
            "    doc: {{summary: s, why: w, bad: b, good: g, fix: none, basis: x}}\n")
    pack.write_text(rule.format(name="first-name"), encoding="utf-8")
    assert load_packs([pack])[-1].rules[0].name == "first-name"
    pack.write_text(rule.format(name="second-name"), encoding="utf-8")
    assert load_packs([pack])[-1].rules[0].name == "second-name"
    assert len(list((tmp_path / "cache").glob("parsed-*.json"))) >= 2


def test_what_a_run_keeps_per_form_arrives_from_the_workers_small_and_shared(tmp_path: Path) -> None:
    from goallint.checks.group import DepartmentSummary, ProjectSummary
    from goallint.engine import Input, make_engine

    paths = corpus(80, tmp_path / "corpus", seed=11)
    run = make_engine().run([Input(str(p), p) for p in paths], jobs=2, spool=True)
    assert len(run.forms) == 80
    kinds = {info.kind: info.kind for info in run.forms}  # one string object per distinct value, run-wide
    assert all(info.kind is kinds[info.kind] for info in run.forms)
    summaries = [s for report in run.files for items in report.summaries.values() for s in items]
    assert {type(s) for s in summaries} == {ProjectSummary, DepartmentSummary}
    departments = {s.department: s.department for s in summaries}
    assert all(s.department is departments[s.department] for s in summaries)
    for report in run.files:  # a form's summary is one object for all the group rules of its kind
        lists = [items for items in report.summaries.values() if items]
        assert len(lists) >= 2 and all(a is b for items in lists[1:] for a, b in zip(lists[0], items, strict=True))
