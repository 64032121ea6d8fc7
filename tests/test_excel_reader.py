"""The Excel reader: rows of located cells, merged ranges filled, hostile or broken workbooks refused with GL002."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]

from goallint.model import AnyForm, Cell, ProjectForm, Span
from goallint.readers import read_bytes
from goallint.readers.archive import MAX_RATIO
from goallint.readers.excel import Rows, cell_text, read, workbook_rows

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "excel" / "example.xlsx"


def to_bytes(workbook: Any) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def project_sheet(sheet: Any, top: int, name: str, budget: int) -> None:
    """A small 项目绩效目标表 at row `top`, with 一级/二级 labels merged down their rows as templates do."""
    rows = [
        ("项目名称", name), ("主管部门", "东莞市清溪镇党建和组织人事办公室"), ("年度预算金额", budget),
        ("绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"),
        (None, "成本指标", "经济成本指标", "支出标准", "10.3万元/人/年", "10.3万元/人/年"),
        (None, "产出指标", "数量指标", "发放工资补贴人数", "23名", "23名"),
        (None, None, "质量指标", "工作考核达标率", "≥95%", "≥95%"),
        (None, None, None, "人员出勤率", 0.95, 0.95),
    ]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(top + offset, column, value)
    for offset in range(3):
        sheet.merge_cells(start_row=top + offset, start_column=2, end_row=top + offset, end_column=6)
    sheet.merge_cells(start_row=top + 3, start_column=1, end_row=top + 7, end_column=1)  # 绩效指标
    sheet.merge_cells(start_row=top + 5, start_column=2, end_row=top + 7, end_column=2)  # 产出指标
    sheet.merge_cells(start_row=top + 6, start_column=3, end_row=top + 7, end_column=3)  # 质量指标
    for column in (5, 6):
        sheet.cell(top + 7, column).number_format = "0%"


def one_form_workbook() -> bytes:
    workbook = Workbook()
    workbook.active.title = "项目表"
    project_sheet(workbook.active, 1, "党建组织员工资补贴", 1893200)
    return to_bytes(workbook)


def texts(row: list[Cell]) -> list[str]:
    return [cell.raw for cell in row]


def test_rows_fill_merged_labels_with_the_top_left_cell() -> None:
    [sheet] = workbook_rows(one_form_workbook())
    assert sheet.sheet == "项目表"
    rows = sheet.rows
    assert texts(rows[0]) == ["项目名称"] + ["党建组织员工资补贴"] * 5
    assert texts(rows[6]) == ["绩效指标", "产出指标", "质量指标", "工作考核达标率", "≥95%", "≥95%"]
    assert texts(rows[7]) == ["绩效指标", "产出指标", "质量指标", "人员出勤率", "95%", "95%"]
    level1 = rows[7][1]
    assert level1.span == Span(line=6, column=2, end_line=6, end_column=3, sheet="项目表", ref="B6")
    own = rows[7][3]
    assert own.span == Span(line=8, column=4, end_line=8, end_column=5, sheet="项目表", ref="D8")


def test_empty_cells_and_rows_keep_their_places() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "项目名称"
    sheet["C1"] = "x"
    sheet["B3"] = 12
    sheet["D5"].number_format = "0.00"  # styled but empty: not a cell of the form
    [rows] = workbook_rows(to_bytes(workbook))
    assert [texts(row) for row in rows.rows] == [["项目名称", "", "x"], [], ["", "12"]]
    assert rows.rows[0][1].span is not None and rows.rows[0][1].span.ref == "B1"


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1893200.0, "General", "1893200"),
        (574.11, "General", "574.11"),
        (0.1 + 0.2, "General", "0.3"),
        (1684.82, "#,##0.00", "1,684.82"),
        (100000, "#,##0.00_ ", "100,000.00"),
        (0.955, "0.0%", "95.5%"),
        (1, "0%", "100%"),
        (True, "General", "TRUE"),
        (dt.datetime(2025, 12, 31), "yyyy-mm-dd", "2025-12-31"),
        (None, "General", ""),
        ("≥95%", "@", "≥95%"),
    ],
)
def test_cell_text_is_what_the_sheet_shows(value: Any, number_format: str, shown: str) -> None:
    assert cell_text(value, number_format) == shown


def test_hidden_sheets_are_skipped() -> None:
    workbook = Workbook()
    workbook.active["A1"] = "visible"
    hidden = workbook.create_sheet("hidden")
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    assert [sheet.sheet for sheet in workbook_rows(to_bytes(workbook))] == ["Sheet"]


def test_two_forms_on_one_sheet_reach_the_assembler_with_their_rows() -> None:
    workbook = Workbook()
    project_sheet(workbook.active, 1, "党建组织员工资补贴", 1893200)
    project_sheet(workbook.active, 11, "机关事业单位派遣人员经费", 75000)
    seen: list[Rows] = []

    def assemble(rows: Rows, path: str) -> list[AnyForm]:
        seen.append(rows)
        starts = [row[1] for row in rows if row and row[0].raw == "项目名称"]
        return [ProjectForm(path=path, name=name) for name in starts]

    result = read(to_bytes(workbook), "two.xlsx", assemble)
    assert result.problem is None
    assert [form.name.raw for form in result.forms if form.name] == ["党建组织员工资补贴", "机关事业单位派遣人员经费"]
    second = result.forms[1].name
    assert second is not None and second.span is not None and second.span.ref == "B11"
    assert len(seen) == 1 and len(seen[0]) == 18


def test_no_form_is_gl001() -> None:
    result = read(one_form_workbook(), "x.xlsx", lambda rows, path: [])
    assert result.problem is not None and result.problem[0] == "GL001"


def _layout_assembler() -> Any:
    from goallint.layout import assemble

    return assemble


def test_real_layout_reads_merged_template() -> None:
    _layout_assembler()
    result = read_bytes(one_form_workbook(), "form.xlsx")
    assert result.problem is None, result.problem
    [form] = result.forms
    assert isinstance(form, ProjectForm) and form.name is not None and form.name.raw == "党建组织员工资补贴"
    assert form.budget is not None and form.budget.span is not None and form.budget.span.ref == "B3"
    levels = [(i.level1.raw if i.level1 else "", i.level2.raw if i.level2 else "") for i in form.indicators]
    assert levels[-1] == ("产出指标", "质量指标")


def test_real_layout_reads_the_example_workbook() -> None:
    _layout_assembler()
    result = read_bytes(EXAMPLE.read_bytes(), str(EXAMPLE))
    assert result.problem is None, result.problem
    assert [f.name.raw for f in result.forms if f.name] == ["党建组织员工资补贴", "机关事业单位派遣人员经费"]


def test_example_workbook_rows() -> None:
    [sheet] = workbook_rows(EXAMPLE.read_bytes())
    names = [row[1] for row in sheet.rows if row and row[0].raw == "项目名称"]
    assert [cell.raw for cell in names] == ["党建组织员工资补贴", "机关事业单位派遣人员经费"]
    assert [cell.span.ref for cell in names if cell.span] == ["B4", "B29"]


def _problem(data: bytes) -> str:
    result = read(data, "bad.xlsx", lambda rows, path: [])
    assert result.forms == [] and result.problem is not None
    code, reason = result.problem
    assert "\n" not in reason
    return f"{code} {reason}"


def test_corrupt_and_truncated_workbooks_are_gl002() -> None:
    good = one_form_workbook()
    assert _problem(good[: len(good) // 2]).startswith("GL002 .xlsx 文件已损坏或不完整")
    assert _problem(b"plain text, not a workbook").startswith("GL002 不是 .xlsx 文件")
    assert _problem(b"").startswith("GL002")
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    assert _problem(stream.getvalue()).startswith("GL002 无法读取工作簿")


def test_password_protected_workbook_is_gl002() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert "密码保护" in _problem(ole)


def test_zip_bomb_is_refused_before_inflating() -> None:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert f"超过 {MAX_RATIO}:1" in _problem(stream.getvalue())


def test_declared_size_above_the_limit_is_refused() -> None:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(stream.getvalue())
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (0xFFFFFF00).to_bytes(4, "little")  # uncompressed size: ~4 GB
    assert "解压后" in _problem(bytes(data))


def test_openpyxl_is_imported_only_for_workbooks() -> None:
    code = (
        "import sys; import goallint.readers.excel; from goallint.readers import read_bytes;"
        "read_bytes(b'kind: project', 'a.yaml'); print('openpyxl' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"


# -- the read-only path reads what a full load reads -------------------------------------------------------------

def _both(data: bytes) -> list[Any]:
    """The rows of both paths (the default read-only one, and a full load), which must be equal."""
    fast, full = workbook_rows(data), workbook_rows(data, read_only=False)
    assert [(s.sheet, s.rows) for s in fast] == [(s.sheet, s.rows) for s in full]
    return fast


def test_read_only_rows_equal_a_full_load_on_every_workbook_here() -> None:
    workbook = Workbook()
    project_sheet(workbook.active, 1, "党建组织员工资补贴", 1893200)
    project_sheet(workbook.active, 11, "机关事业单位派遣人员经费", 75000)
    second = workbook.create_sheet("第二张")
    project_sheet(second, 3, "第三个项目", 5000)
    second["H2"] = dt.datetime(2025, 12, 31)
    second["H2"].number_format = "yyyy-mm-dd"
    hidden = workbook.create_sheet("hidden")
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    sheets = _both(to_bytes(workbook))
    assert [s.sheet for s in sheets] == ["Sheet", "第二张"]
    assert _both(one_form_workbook())[0].rows[7][1].raw == "产出指标"
    assert len(_both(EXAMPLE.read_bytes())[0].rows) > 40


CELL_VALUES = st.one_of(
    st.text(alphabet="项目名称绩效指标 ≥%.0123456789元/人", max_size=8), st.integers(-10**7, 10**7),
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), st.booleans(),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)))
FORMATS = st.sampled_from(["General", "0", "0.00", "#,##0.00", "0%", "0.0%", "yyyy-mm-dd", "@"])


@st.composite
def sheets(draw: Any) -> bytes:
    """A workbook of one or two sheets: typed cells with number formats, and merged ranges that do not overlap
    (Excel refuses overlapping ones), some over stored cells."""
    workbook = Workbook()
    for index in range(draw(st.integers(1, 2))):
        sheet = workbook.active if index == 0 else workbook.create_sheet(f"表{index}")
        cells = draw(st.dictionaries(st.tuples(st.integers(1, 9), st.integers(1, 6)), st.tuples(CELL_VALUES, FORMATS),
                                     max_size=25))
        for (row, column), (value, number_format) in cells.items():
            sheet.cell(row, column, value).number_format = number_format
        taken: set[tuple[int, int]] = set()
        for row, column, height, width in draw(st.lists(st.tuples(st.integers(1, 9), st.integers(1, 6),
                                                                  st.integers(1, 3), st.integers(1, 3)), max_size=4)):
            area = {(r, c) for r in range(row, row + height) for c in range(column, column + width)}
            if len(area) > 1 and not area & taken:
                taken |= area
                sheet.merge_cells(start_row=row, start_column=column, end_row=row + height - 1,
                                  end_column=column + width - 1)
    return to_bytes(workbook)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_read_only_rows_equal_a_full_load_on_generated_workbooks(data: bytes) -> None:
    _both(data)


def test_a_value_stored_under_a_merged_range_reads_as_excel_shows_it() -> None:
    """Some generators store values in the cells a merged range covers; Excel shows the top-left's."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["A3"] = "项目名称", None
    sheet["C3"] = "尾"
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("A3:B3")
    stored = {b"A1": b"hidden under A1", b"A3": b"under an empty top-left"}  # openpyxl drops covered cells on
    data = _rewrite_sheet(to_bytes(workbook), lambda xml: _after_cells(xml, stored))  # save: put them back
    assert b"hidden under A1" in _sheet_xml(data)
    [sheet_rows] = _both(data)
    assert [texts(row) for row in sheet_rows.rows] == [["项目名称", "项目名称"], [], ["", "", "尾"]]


def test_rows_past_the_declared_dimension_are_read() -> None:
    """A read-only sheet stops at its declared `<dimension>` unless told otherwise; a wrong one loses no row."""
    workbook = Workbook()
    for row in range(1, 6):
        workbook.active.cell(row, 1, f"第{row}行")
    # openpyxl writes `<dimension ref="A1:A5" />`, or without the space when it writes through lxml
    data = _rewrite_sheet(to_bytes(workbook), lambda xml: re.sub(rb'<dimension ref="A1:A5"\s*/>',
                                                                  b'<dimension ref="A1:A2" />', xml))
    assert b'<dimension ref="A1:A2" />' in _sheet_xml(data)
    [sheet_rows] = _both(data)
    assert [texts(row) for row in sheet_rows.rows] == [[f"第{row}行"] for row in range(1, 6)]


def test_merged_ranges_are_read_from_prefixed_and_single_cell_elements() -> None:
    from goallint.readers.excel import _merges_in

    xml = (b'<x:worksheet xmlns:x="urn:x"><x:mergeCells count="3"><x:mergeCell ref="B2:D4"/>'
           b'<mergeCell ref="A1"/><mergeCell  ref="AA10:AB11" extra="1"/></x:mergeCells>'
           b'<mergeCells/></x:worksheet>')
    assert _merges_in(xml) == [(2, 2, 4, 4), (1, 1, 1, 1), (10, 27, 11, 28)]


def test_huge_or_reversed_merged_ranges_are_gl002_before_they_are_walked() -> None:
    workbook = Workbook()
    workbook.active["A1"] = "项目名称"
    workbook.active.merge_cells("A1:B1")
    data = to_bytes(workbook)
    huge = _rewrite_sheet(data, lambda xml: re.sub(rb'<mergeCell ref="A1:B1"\s*/>', b'<mergeCell ref="A1:XFD1048576" />', xml))
    assert _problem(huge) == "GL002 合并区域覆盖超过 500000 个单元格，不像是绩效目标表"
    reversed_ = _rewrite_sheet(data, lambda xml: re.sub(rb'<mergeCell ref="A1:B1"\s*/>', b'<mergeCell ref="B9:A1" />', xml))
    assert _problem(reversed_).startswith("GL002 合并区域 B9:A1 的终点在起点之前")


def test_merged_ranges_are_bounded_over_the_whole_workbook() -> None:
    """Each sheet within the bound, the workbook beyond it: refused all the same (sheets are not free)."""
    workbook = Workbook()
    for index in range(3):
        sheet = workbook.active if index == 0 else workbook.create_sheet(f"表{index}")
        sheet["A1"] = "x"
        sheet.merge_cells("A1:B1")
    data = _rewrite_all_sheets(to_bytes(workbook), lambda xml: re.sub(rb'<mergeCell ref="A1:B1"\s*/>',
                                                                     b'<mergeCell ref="C1:D100000" />', xml))
    assert _problem(data) == "GL002 合并区域覆盖超过 500000 个单元格，不像是绩效目标表"
    assert len(workbook_rows(_rewrite_all_sheets(to_bytes(workbook), lambda xml: xml))) == 3


def test_a_workbook_broken_inside_a_sheet_is_gl002_on_the_read_only_path() -> None:
    """A read-only workbook parses its sheets as they are read: a broken sheet part is found then."""
    data = _rewrite_sheet(one_form_workbook(), lambda xml: xml[: len(xml) // 2])
    assert _problem(data).startswith("GL002 无法读取工作簿")


def _after_cells(xml: bytes, stored: dict[bytes, bytes]) -> bytes:
    """The sheet XML with a text cell in column B of each row whose A cell `stored` names (B1 after A1, or
    first in its row when A1 is empty); the row must exist."""
    for ref, text in stored.items():
        cell = b'<c r="B%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref[1:], text)
        row, found = b'<row r="%s">' % ref[1:], xml.find(b'<c r="%s"' % ref)
        at = xml.index(b"</c>", found) + 4 if found >= 0 else xml.index(row) + len(row)
        xml = xml[:at] + cell + xml[at:]
    return xml


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _rewrite_sheet(data: bytes, edit: Any, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with its first sheet's XML (or every part whose name starts with `part`) through `edit`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, edit(content) if item.filename.startswith(part) else content)
    return out.getvalue()


def _rewrite_all_sheets(data: bytes, edit: Any) -> bytes:
    return _rewrite_sheet(data, edit, "xl/worksheets/sheet")


def test_an_openpyxl_without_a_read_only_sheets_part_falls_back_to_a_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.worksheet import _read_only  # type: ignore[import-untyped]

    made = _read_only.ReadOnlyWorksheet.__init__

    def without_part(self: Any, *args: Any) -> None:
        made(self, *args)
        del self._worksheet_path

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "__init__", without_part)
    data = one_form_workbook()
    assert [s.rows for s in workbook_rows(data)] == [s.rows for s in workbook_rows(data, read_only=False)]
    assert texts(workbook_rows(data)[0].rows[7])[1] == "产出指标"
