"""Property tests of the document readers: tables placed as a browser places them, round trips of random
grids through a web page and a Word table, and arbitrary bytes never escaping as an internal error."""

from __future__ import annotations

import html
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goallint.readers import read_bytes
from goallint.readers.grid import DocumentError, place

TEXT = st.text(st.characters(categories=("Lo", "Nd", "Lu")), min_size=0, max_size=6)
GRIDS = st.lists(st.lists(TEXT, min_size=1, max_size=6), min_size=1, max_size=8)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def trimmed(rows: list[list[str]]) -> list[list[str]]:
    out = []
    for row in rows:
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append(cells)
    return out


@FAST
@given(st.lists(st.lists(st.tuples(TEXT, st.integers(1, 4), st.integers(1, 4)), max_size=5), max_size=6))
def test_placing_spans_keeps_every_value_once_at_a_free_position(rows: list[list[tuple[str, int, int]]]) -> None:
    try:
        grid = place(rows)
    except DocumentError:
        return
    placed = [cell for row in grid for cell in row if cell]
    assert sorted(placed) == sorted(text for row in rows for text, _, _ in row if text)
    assert len(grid) == len(rows)
    for index, row in enumerate(rows):  # each row's values stand in its grid row, left to right
        assert [c for c in grid[index] if c] == [text for text, _, _ in row if text]


@FAST
@given(GRIDS)
def test_a_web_page_table_reads_back_cell_for_cell(grid: list[list[str]]) -> None:
    from goallint.readers.html import document_rows

    page = "<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                               for row in grid) + "</table>"
    rows = document_rows(page.encode("utf-8")).rows
    assert [[cell.raw for cell in row] for row in rows if row] == trimmed(grid)


@FAST
@given(GRIDS)
def test_a_word_table_reads_back_cell_for_cell(grid: list[list[str]]) -> None:
    from docx import Document

    from goallint.readers.docx import document_rows

    width = max(len(row) for row in grid)
    document = Document()
    table = document.add_table(rows=len(grid), cols=width)
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    rows = document_rows(out.getvalue()).rows
    assert [[cell.raw for cell in row] for row in rows if row] == trimmed(grid)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([".pdf", ".docx", ".xls", ".html"]),
       st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<table><tr><td>"]))
def test_arbitrary_bytes_are_a_finding_never_an_internal_error(data: bytes, suffix: str, head: bytes) -> None:
    result = read_bytes(head + data, f"x{suffix}")
    if result.problem is not None:
        assert "internal reader error" not in result.problem[1], result.problem


@FAST
@given(st.binary(max_size=4096), st.integers(0, 40))
def test_bounded_pdf_decoders_decode_as_pdfminers_own(data: bytes, cut: int) -> None:
    """Below the limits the bounded decoders return what zlib and pdfminer's run-length decoder return (on
    input pdfminer decodes), and a truncated flate stream is an error for both (pdfminer then retries it)."""
    import zlib

    from pdfminer.runlength import rldecode

    from goallint.readers import pdf_limits

    pdf_limits.reset()
    packed = zlib.compress(data)
    assert pdf_limits.BoundedZlib.decompress(packed) == data
    if cut and data:
        try:
            zlib.decompress(packed[:-cut])
            expected: bytes | None = b"ok"
        except zlib.error:
            expected = None
        try:
            pdf_limits.BoundedZlib.decompress(packed[:-cut])
            got: bytes | None = b"ok"
        except zlib.error:
            got = None
        assert got == expected
    try:
        theirs = rldecode(data)
    except (RuntimeError, StopIteration):  # pdfminer fails on a truncated run; the bounded one keeps what came
        return
    assert pdf_limits.rldecode(data) == theirs
