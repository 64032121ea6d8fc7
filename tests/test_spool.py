"""A spooled run (diagnostics on disk, output streamed) gives exactly what an in-memory run gives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from goallint.engine import Engine, Input, RunReport, make_engine
from goallint.grade import grade_forms
from goallint.report import RENDERERS, RenderOptions, json_pieces, render, stream
from goallint.spool import Spool

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
    assert [d.model_dump() for d in spooled.diagnostics] == [d.model_dump() for d in memory.diagnostics]
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
