"""The PDF, Word, .xls and web-page readers: the same forms and findings as the text the documents were
rendered from (tests/make_documents.py), locations of their own, merges, pages, encodings, --fix, dispatch."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from goallint.cli import main
from goallint.readers import read_bytes
from goallint.readers.text import split_rows

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_documents  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KINDS = ("pdf", "docx", "xls", "html")
FIXTURES = [(stem, kind) for stem in make_documents.FIXTURES for kind in KINDS]
LOCATION_FIELDS = {"path", "line", "column", "end_line", "end_column", "fix"}
"""A fix is an edit at a place in the text: a document is never rewritten, so its findings carry none."""
_WHERE = re.compile(r"^\S+!\S+ ")
_LINE_IN_MESSAGE = re.compile(r"第 \d+ 行")


def report(*paths: Path) -> dict[str, object]:
    result = CliRunner().invoke(main, ["check", "--no-cache", "--no-progress", "--format", "json", *map(str, paths)])
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def without_locations(data: dict[str, object]) -> list[dict[str, object]]:
    """The findings with where they are left out: path, line and columns, the `sheet!ref` before the field,
    and a line number quoted in a message (GL205: "第一次在第 50 行")."""
    out = []
    for diagnostic in data["diagnostics"]:  # type: ignore[attr-defined]
        kept = {key: value for key, value in diagnostic.items() if key not in LOCATION_FIELDS}
        kept["field"] = _WHERE.sub("", kept["field"])
        kept["message"] = _LINE_IN_MESSAGE.sub("第 N 行", kept["message"])
        if "related" in kept:  # the other cells of a merged finding: their fields, not where they are
            kept["related"] = [_WHERE.sub("", related["field"]) for related in kept["related"]]
        out.append(kept)
    return sorted(out, key=lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True))


def text_rows(stem: str) -> list[list[str]]:
    """The text form's rows as the documents must give them back: trailing empty cells and blank rows aside."""
    rows = []
    for row in split_rows((EXAMPLES / f"{stem}.txt").read_text(encoding="utf-8")):
        cells = [cell.raw for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def document_rows(kind: str, data: bytes) -> list[list[str]]:
    if kind == "pdf":
        from goallint.readers.pdf import document_rows as rows_of
    elif kind == "docx":
        from goallint.readers.docx import document_rows as rows_of
    else:
        from goallint.readers.html import document_rows as rows_of
    return [[cell.raw for cell in row] for row in rows_of(data).rows if row]


@pytest.mark.parametrize(("stem", "kind"), FIXTURES, ids=[f"{s[:3]}.{k}" for s, k in FIXTURES])
def test_a_document_reads_as_the_text_it_was_rendered_from(stem: str, kind: str) -> None:
    text, document = report(EXAMPLES / f"{stem}.txt"), report(EXAMPLES / kind / f"{stem}.{kind}")
    assert document["summary"] == text["summary"]
    assert without_locations(document) == without_locations(text)
    assert all(d["fix"] is None for d in document["diagnostics"])  # type: ignore[attr-defined]
    assert len(text["diagnostics"]) > 5  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["pdf", "docx", "html"])
def test_merged_cells_read_as_the_text_export_reads_them(kind: str) -> None:
    """Each row, cell for cell: a merge's value stands top-left, what it covers reads empty."""
    stem = "004_958330f20d319429"
    rows = document_rows(kind, (EXAMPLES / kind / f"{stem}.{kind}").read_bytes())
    if kind == "html":  # the page's own navigation above the form (the script's table is not read: it never ran)
        assert rows.pop(0) == ["首页 > 信息公开 > 预算公开"]
    assert rows == text_rows(stem)


def test_the_generator_reproduces_the_committed_examples() -> None:
    """The examples are what tests/make_documents.py makes (regenerate them when it changes)."""
    stem, encoding = "001_8dd0aec2d39c09c7", make_documents.FIXTURES["001_8dd0aec2d39c09c7"]
    text = (EXAMPLES / f"{stem}.txt").read_text(encoding="utf-8")
    for kind in ("docx", "xls", "html"):
        made = make_documents.render_html(text, encoding) if kind == "html" else make_documents.RENDERERS[kind](text)
        assert made == (EXAMPLES / kind / f"{stem}.{kind}").read_bytes(), kind


def test_the_word_examples_hold_real_merges() -> None:
    with zipfile.ZipFile(EXAMPLES / "docx" / "004_958330f20d319429.docx") as archive:
        body = archive.read("word/document.xml")
    assert b"<w:gridSpan" in body and b"<w:vMerge" in body
    page = (EXAMPLES / "html" / "004_958330f20d319429.html").read_bytes()
    assert b"rowspan=" in page and b"colspan=" in page and b"charset=gbk" in page


def test_a_table_over_several_pages_keeps_its_header_once() -> None:
    """The department form's indicator table runs over three pages, its header row repeated on each."""
    import pdfplumber

    data = (EXAMPLES / "pdf" / "004_958330f20d319429.pdf").read_bytes()
    with pdfplumber.open(__import__("io").BytesIO(data)) as pdf:
        repeated = sum(1 for page in pdf.pages for table in page.extract_tables()
                       if table and "一级指标" in table[0])
    assert repeated >= 2
    assert sum(1 for row in document_rows("pdf", data) if "一级指标" in row) == 1


def test_several_forms_in_one_document() -> None:
    for kind in KINDS:
        result = read_bytes((EXAMPLES / kind / f"001_8dd0aec2d39c09c7.{kind}").read_bytes(), f"a.{kind}")
        assert result.problem is None and len(result.forms) == 4, kind


def test_locations_say_page_table_or_sheet_row_and_column() -> None:
    pattern = {"pdf": r"p\d+!R\d+C\d+ ", "docx": r"表\d+!R\d+C\d+ ", "html": r"表\d+!R\d+C\d+ ",
               "xls": r"绩效目标表![A-Z]+\d+ "}
    for kind, where in pattern.items():
        data = report(EXAMPLES / kind / f"004_958330f20d319429.{kind}")
        diagnostics = data["diagnostics"]
        located = [d for d in diagnostics if d["field"]]  # type: ignore[attr-defined]
        assert located and all(re.match(where, d["field"]) for d in located), (kind, located[:2])
        lines = [d["line"] for d in located]
        assert max(lines) > 20  # rows counted over the whole document, not per page


@pytest.mark.parametrize("stem", list(make_documents.FIXTURES))
def test_a_pdf_without_ruling_lines_reads_as_its_text(stem: str, tmp_path: Path) -> None:
    """Forms laid out without ruling lines (text-only pages): lines split into cells at wide gaps, the cells put
    in the document's columns, a cell's wrapped lines joined: the same findings as the text form."""
    text = (EXAMPLES / f"{stem}.txt").read_text(encoding="utf-8")
    plain = tmp_path / f"{stem}.pdf"
    plain.write_bytes(make_documents.render_pdf(text, ruled=False))
    import pdfplumber

    with pdfplumber.open(str(plain)) as pdf:
        assert all(not page.find_tables() for page in pdf.pages)
    assert without_locations(report(plain)) == without_locations(report(EXAMPLES / f"{stem}.txt"))


def test_fix_never_rewrites_a_document(tmp_path: Path) -> None:
    copies = []
    for kind in KINDS:
        source = EXAMPLES / kind / f"004_958330f20d319429.{kind}"
        copy = tmp_path / source.name
        copy.write_bytes(source.read_bytes())
        copies.append((copy, source.read_bytes()))
    text = tmp_path / "004_958330f20d319429.txt"  # its text form has a safe fix (GL902)
    text.write_bytes((EXAMPLES / "004_958330f20d319429.txt").read_bytes())
    fixable = report(text)
    assert any(d["fix"] for d in fixable["diagnostics"])  # type: ignore[attr-defined]
    result = CliRunner().invoke(main, ["check", "--no-cache", "--no-progress", "--fix", *(str(c) for c, _ in copies)])
    assert result.exit_code == 0, result.stdout + result.stderr  # warnings only: the same as the text form
    for copy, before in copies:
        assert copy.read_bytes() == before, copy.name
        assert f"{copy}: {copy.suffix} 文件中的修复不会应用" in result.stderr
    assert "goallint 从不改写" in result.stderr


def test_a_text_or_yaml_run_imports_no_document_library() -> None:
    code = ("import sys\nfrom goallint.cli import main\n"
            "try:\n    main(['check', '--no-cache', sys.argv[1], sys.argv[2]])\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pdfplumber', 'pdfminer', 'docx', 'xlrd', 'lxml'}))")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "001_8dd0aec2d39c09c7.txt"),
                           str(EXAMPLES / "structured" / "党建组织员工资补贴.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_the_folder_walk_reads_every_kind(tmp_path: Path) -> None:
    data = report(EXAMPLES)
    paths = {d["path"] for d in data["diagnostics"]}  # type: ignore[attr-defined]
    for kind in KINDS:
        assert any(p.endswith(f".{kind}") for p in paths), kind


@pytest.mark.parametrize(("name", "hint"), [("申报表.doc", ".docx"), ("扫描件.jpg", "OCR"), ("材料.zip", "解压"),
                                            ("批复.ofd", "PDF")])
def test_an_unsupported_kind_named_explicitly_gets_a_hint(tmp_path: Path, name: str, hint: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    data = report(path)
    (finding,) = data["diagnostics"]  # type: ignore[misc]
    assert finding["code"] == "GL002" and hint in finding["message"]


def test_a_folder_without_any_form_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "说明.md").write_text("没有表格", encoding="utf-8")
    (tmp_path / "扫描件.png").write_bytes(b"\x89PNG")
    result = CliRunner().invoke(main, ["check", "--no-cache", "--no-progress", str(tmp_path)])
    assert result.exit_code == 2
    assert "没有找到表格文件" in result.stderr and "pdf" in result.stderr


def test_an_xls_that_is_really_a_web_page_or_an_xlsx_is_read_as_what_it_is() -> None:
    page = (EXAMPLES / "html" / "001_8dd0aec2d39c09c7.html").read_bytes()
    assert len(read_bytes(page, "导出.xls").forms) == 4
    workbook = (EXAMPLES / "excel" / "example.xlsx").read_bytes()
    assert len(read_bytes(workbook, "改名.xls").forms) == len(read_bytes(workbook, "a.xlsx").forms) > 0


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_a_page_laid_out_in_a_frame_table_reads_as_the_page(kind: str, tmp_path: Path) -> None:
    """Titles and form tables inside the cell of a frame table: read in order, as without the frame."""
    stem = "001_8dd0aec2d39c09c7"
    text = (EXAMPLES / f"{stem}.txt").read_text(encoding="utf-8")
    render = make_documents.render_docx if kind == "docx" else make_documents.render_html
    framed = tmp_path / f"{stem}.{kind}"
    framed.write_bytes(render(text, framed=True))  # type: ignore[operator]
    assert without_locations(report(framed)) == without_locations(report(EXAMPLES / f"{stem}.txt"))


def test_an_xls_reads_as_the_same_workbook_saved_as_xlsx_would() -> None:
    """Merged ranges filled with their top-left cell, numbers in their format, dates as dates, `Sheet!B2`."""
    import datetime as dt

    import xlwt  # type: ignore[import-untyped]

    from goallint.readers.xls import sheets

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("批复表")
    sheet.write(0, 0, "项目名称")
    sheet.write_merge(0, 0, 1, 3, "党建组织员工资补贴")
    sheet.write(1, 0, "预算")
    sheet.write(1, 1, 1893200, xlwt.easyxf(num_format_str="#,##0.00"))
    sheet.write(1, 2, 0.95, xlwt.easyxf(num_format_str="0%"))
    sheet.write(2, 0, dt.datetime(2025, 12, 31), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    book.add_sheet("隐藏").write(0, 0, "项目名称")
    book.get_sheet(1).visibility = 1  # hidden: not read
    out = io.BytesIO()
    book.save(out)
    [read] = sheets(out.getvalue())
    assert read.sheet == "批复表"
    assert [[cell.raw for cell in row] for row in read.rows] == [
        ["项目名称", "党建组织员工资补贴", "党建组织员工资补贴", "党建组织员工资补贴"],
        ["预算", "1,893,200.00", "95%"], ["2025-12-31"]]
    merged = read.rows[0][1:]
    assert {cell.span for cell in merged} == {merged[0].span} and merged[0].span.ref == "B1"
    assert (read.rows[1][1].span.sheet, read.rows[1][1].span.ref, read.rows[1][1].span.line) == ("批复表", "B2", 2)


OTHER_SEEDS = sorted(path.stem for path in EXAMPLES.glob("*.txt") if path.stem not in make_documents.FIXTURES)


@pytest.mark.parametrize("kind", KINDS)
def test_every_other_seed_file_reads_the_same_in_every_format(kind: str, tmp_path: Path) -> None:
    """The three seed files not committed as documents (38 forms), rendered now: the same findings."""
    for stem in OTHER_SEEDS:
        text = (EXAMPLES / f"{stem}.txt").read_text(encoding="utf-8")
        made = tmp_path / f"{stem}.{kind}"
        made.write_bytes(make_documents.RENDERERS[kind](text))  # type: ignore[operator]
        assert without_locations(report(made)) == without_locations(report(EXAMPLES / f"{stem}.txt")), stem


def test_word_text_in_content_controls_tracked_changes_and_fields_is_read() -> None:
    """A table inside a content control, a row and a cell inside others, text in a tracked insertion, a
    hyperlink and a field: read; deleted text and field codes: not."""
    from test_document_hostile import _docx_body

    from goallint.readers.docx import document_rows

    def cell(inner: str) -> str:
        return f"<w:tc><w:p>{inner}</w:p></w:tc>"

    run = "<w:r><w:t>{}</w:t></w:r>".format
    tracked = "<w:ins>" + run("党建") + "</w:ins><w:del><w:r><w:delText>旧</w:delText></w:r></w:del>" + run("经费")
    linked = "<w:sdt><w:sdtContent>" + cell("<w:hyperlink>" + run("组织部") + "</w:hyperlink>") + "</w:sdtContent></w:sdt>"
    field = run("年度") + "<w:r><w:instrText>PAGE</w:instrText></w:r><w:fldSimple>" + run("2025") + "</w:fldSimple>"
    body = ("<w:sdt><w:sdtContent><w:tbl>"
            "<w:tr>" + cell(run("项目名称")) + cell(tracked) + "</w:tr>"
            "<w:sdt><w:sdtContent><w:tr>" + cell(run("主管部门")) + linked + "</w:tr></w:sdtContent></w:sdt>"
            "<w:tr>" + cell(field) + "</w:tr>"
            "</w:tbl></w:sdtContent></w:sdt>")
    rows = [[c.raw for c in row] for row in document_rows(_docx_body(body)).rows]
    assert rows == [["项目名称", "党建经费"], ["主管部门", "组织部"], ["年度2025"]]


def test_a_web_page_shows_its_caption_and_hides_what_it_hides() -> None:
    from goallint.readers.html import document_rows

    page = ("<table><caption>项目支出绩效目标表</caption><tr><td>项目名称</td><td>党建经费"
            "<span style='display: none'>（隐藏）</span></td></tr><tr hidden><td>项目名称</td><td>伪造</td></tr>"
            "<tr><td>主管部门</td><td style='visibility:hidden'>伪造</td><td>组织部</td></tr></table>"
            "<div hidden><table><tr><td>项目名称</td></tr></table></div><input type=hidden value=项目名称>")
    rows = [[c.raw for c in row] for row in document_rows(page.encode("utf-8")).rows]
    assert rows == [["项目支出绩效目标表"], ["项目名称", "党建经费"], ["主管部门", "组织部"]]
