"""A spooled run (diagnostics on disk, output streamed) gives exactly what an in-memory run gives."""

from __future__ import annotations

import sys
from dataclasses import asdict, fields
from pathlib import Path

import pytest

from goallint.engine import Engine, Input, make_engine
from goallint.grade import grade_forms
from goallint.model import rebuild, rows_of, sort_key
from goallint.plumbing.spool import Spool
from goallint.report import RENDERERS, RenderOptions, json_pieces, render, stream
from goallint.results import RunReport

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from corpus import make_corpus  # noqa: E402


def _inputs(folder: Path) -> list[Input]:
    seeds = sorted((ROOT / "examples").glob("*.txt"))
    corpus = sorted(folder.glob("*.txt"))
    # the seeds and a generated corpus, a department's forms (GL5xx group findings), one file named twice
    return [Input(str(p), p) for p in [*corpus, *seeds, seeds[0]]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunReport, RunReport]:
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(120, folder, seed=3)
    engine: Engine = make_engine()
    inputs = _inputs(folder)
    return engine.run(inputs), engine.run(inputs, spool=True)


def test_spooled_diagnostics_are_the_in_memory_ones_in_the_same_order(runs: tuple[RunReport, RunReport]) -> None:
    memory, spooled = runs
    assert isinstance(spooled.diagnostics, Spool) and isinstance(memory.diagnostics, list)
    assert len(spooled.diagnostics) == len(memory.diagnostics) > 1000
    assert [asdict(d) for d in spooled.diagnostics] == [asdict(d) for d in memory.diagnostics]
    assert list(spooled.diagnostics) == list(spooled.diagnostics)  # read again: the same
    assert spooled.counts() == memory.counts()
    assert {d.code for d in spooled.diagnostics if d.code.startswith("GL5")}  # group findings merged in
    assert all(not report.diagnostics for report in spooled.files)  # nothing kept per file


def test_every_format_streams_the_text_it_renders(runs: tuple[RunReport, RunReport]) -> None:
    memory, spooled = runs
    for fmt in RENDERERS:
        for statistics in (False, True):
            options = RenderOptions(statistics=statistics, grades=grade_forms(memory))
            expected = render(fmt, memory, options)
            if fmt != "html":
                assert "".join(stream(fmt, spooled, options)) == expected, fmt
            assert "".join(stream(fmt, memory, options)) == expected, fmt


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": [1, {"b": "x\ny"}]}, 2, "三"]])
def test_json_pieces_join_to_the_one_piece_dump(items: list[object]) -> None:
    import json

    from goallint.report import STREAMED

    document = {"x": 1, "runs": [{"results": STREAMED, "y": {"z": []}}]}
    expected = json.dumps({"x": 1, "runs": [{"results": items, "y": {"z": []}}]}, ensure_ascii=False, indent=2)
    assert "".join(json_pieces(document, iter(items))) == expected + "\n"


def test_a_spool_counts_fixes_as_the_diagnostics_offer_them(runs: tuple[RunReport, RunReport]) -> None:
    memory, spooled = runs
    assert spooled.fix_counts() == memory.fix_counts()
    assert memory.fix_counts()["safe"] == sum(1 for d in memory.diagnostics if d.fix and d.fix.applicability == "safe")
    assert memory.fix_counts()["safe"] > 0


def test_without_a_temporary_folder_or_when_it_fills_up_nothing_is_lost(
        runs: tuple[RunReport, RunReport], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import io
    import tempfile

    import goallint.plumbing.spool as spool_module

    memory, _ = runs
    expected = [asdict(d) for d in memory.diagnostics]

    def no_temporary_file(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    with monkeypatch.context() as patch:
        patch.setattr(tempfile, "TemporaryFile", no_temporary_file)
        spool = Spool(rows_of, rebuild, sort_key)
        assert isinstance(spool._files[0], io.BytesIO)
        for report in memory.files:
            spool.add(report.path, list(report.diagnostics))
        per_file = sorted((d for report in memory.files for d in report.diagnostics), key=sort_key)
        assert [asdict(d) for d in spool] == [asdict(d) for d in per_file]

    writes = {"n": 0}
    real_append = spool_module.Spool._append

    def append_until_full(file: object, data: bytes) -> int:
        writes["n"] += 1
        if writes["n"] > 3 and not isinstance(file, io.BytesIO):
            raise OSError(28, "No space left on device")
        return real_append(file, data)  # type: ignore[arg-type]

    monkeypatch.setattr(spool_module.Spool, "_append", staticmethod(append_until_full))
    inputs = [Input(report.path, Path(report.path)) for report in memory.files]
    spooled = make_engine().run(inputs, spool=True)
    assert writes["n"] > 4 and len(spooled.diagnostics._files) == 2  # type: ignore[attr-defined]
    assert [asdict(d) for d in spooled.diagnostics] == expected


def test_a_spooled_row_holds_every_field_of_a_diagnostic() -> None:
    from goallint.model import FIELDS, Diagnostic

    assert sorted(FIELDS) == sorted(field.name for field in fields(Diagnostic))


def test_workers_pack_each_files_diagnostics_and_the_run_reads_back_the_same(
        runs: tuple[RunReport, RunReport]) -> None:
    """With `-j 2` the workers send each file's diagnostics packed for the spool (sorted, pickled, counted):
    the run reads back what an in-memory run of one process holds, in the same order, with the same counts."""
    memory, _ = runs
    inputs = [Input(report.path, Path(report.path)) for report in memory.files]
    packed = make_engine().run(inputs, jobs=2, spool=True)
    assert isinstance(packed.diagnostics, Spool)
    assert [asdict(d) for d in packed.diagnostics] == [asdict(d) for d in memory.diagnostics]
    assert packed.counts() == memory.counts() and packed.fix_counts() == memory.fix_counts()
    assert len(packed.diagnostics) == len(memory.diagnostics)
    assert [(f.path, f.form, f.kind, f.profile, f.ignore, f.waived) for f in packed.forms] == \
        [(f.path, f.form, f.kind, f.profile, f.ignore, f.waived) for f in memory.forms]


def test_findings_fixes_and_form_records_pickle_as_their_values(runs: tuple[RunReport, RunReport]) -> None:
    import pickle

    memory, _ = runs
    fixed = [d for d in memory.diagnostics if d.fix is not None and d.related]
    assert fixed
    for d in fixed[:50]:
        again = pickle.loads(pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == d and asdict(again) == asdict(d)
        assert pickle.loads(pickle.dumps(d.fix)) == d.fix
        assert pickle.loads(pickle.dumps(d.related[0])) == d.related[0]
    info = memory.forms[0]
    assert pickle.loads(pickle.dumps(info)) == info


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_concise_report_rendered_where_files_are_linted_is_the_one_rendered_at_the_end(
        runs: tuple[RunReport, RunReport], jobs: int) -> None:
    """`check --format concise` has each file's lines rendered as the file is linted (by a worker with `-j`):
    the report is the same text, group findings (GL5xx) and a file named twice merged in where they belong."""
    from goallint.report.concise import line

    memory, _ = runs
    inputs = _inputs(Path(memory.files[0].path).parent)
    rendered = make_engine().run(inputs, jobs=jobs, spool=True, render=line)
    spool = rendered.diagnostics
    assert isinstance(spool, Spool) and spool.rendered(line) is not None
    assert spool.rendered(lambda d: line(d)) is None  # only the very function the batches were rendered with
    expected = render("concise", memory, RenderOptions())
    assert "".join(stream("concise", rendered, RenderOptions())) == expected
    assert "".join(line(d) for d in spool) == "".join(spool.rendered(line) or [])
    assert any(d.code.startswith("GL5") for d in spool)
