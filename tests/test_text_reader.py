"""The text reader and the layout assembler: exact spans, form splitting, every layout repair the seeds need."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.layout.cells import located_cell
from goallint.layout.vocab import vocabulary
from goallint.model import AnyForm, Cell, DepartmentForm, DerivedCell, Indicator, ProjectForm, Span
from goallint.profiles import label_key
from goallint.readers import read_bytes
from goallint.readers.base import ReadResult
from goallint.readers.text import LINE_BREAKS, split_rows

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
SEED = {path.name[:3]: path for path in SEEDS}


def _load_update() -> Any:
    spec = importlib.util.spec_from_file_location("golden_update", Path(__file__).parent / "golden" / "update.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def seed(short: str) -> ReadResult:
    path = SEED[short]
    return read_bytes(path.read_bytes(), path.name)


def read_text(text: str, name: str = "form.txt") -> ReadResult:
    return read_bytes(text.encode("utf-8"), name)


def form_named(short: str, name: str) -> AnyForm:
    found = [form for form in seed(short).forms if form.name is not None and form.name.raw == name]
    assert len(found) == 1, f"{name} in {short}: {len(found)} forms"
    return found[0]


def project(short: str, name: str) -> ProjectForm:
    form = form_named(short, name)
    assert isinstance(form, ProjectForm)
    return form


def department(short: str) -> DepartmentForm:
    found = [form for form in seed(short).forms if isinstance(form, DepartmentForm)]
    assert len(found) == 1
    return found[0]


def cells_of(value: object) -> Iterator[Cell]:
    """Every cell inside a form (fields, indicators, tasks)."""
    if isinstance(value, Cell):
        yield value
    elif is_dataclass(value):
        for item in fields(value):
            yield from cells_of(getattr(value, item.name))
    elif isinstance(value, list):
        for item in value:
            yield from cells_of(item)


def assert_located(text: str, cell: Cell) -> None:
    span = cell.span
    assert span is not None and span.start is not None and span.end is not None
    if isinstance(cell, DerivedCell):  # a joined value spans its parts; an implied 一级 stands at its 二级, a
        # level read through traditional characters and pinyin at the label as printed
        source = text[span.start:span.end]
        key = label_key(source)
        assert "".join(source.split()) == cell.raw or vocabulary().is_level1(key) or vocabulary().is_level2(key), (
            source, cell)
        return
    assert text[span.start:span.end] == cell.raw
    line_start = text.rfind("\n", 0, span.start) + 1
    assert span.line == text.count("\n", 0, span.start) + 1
    assert span.column == span.start - line_start + 1
    assert span.end_line == span.line and span.end_column == span.column + len(cell.raw)


def row_of(indicator: Indicator) -> tuple[str | None, ...]:
    return tuple(None if cell is None else cell.raw for cell in
                 (indicator.level1, indicator.level2, indicator.name, indicator.period_value, indicator.annual_value))


def indicator_named(form: AnyForm, name: str) -> Indicator:
    return next(item for item in form.indicators if item.name is not None and item.name.raw == name)


# --- spans -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("short", sorted(SEED))
def test_every_cell_of_every_seed_form_is_exactly_located(short: str) -> None:
    result = seed(short)
    assert result.problem is None and result.text is not None
    count = 0
    for form in result.forms:
        for cell in cells_of(form):
            assert_located(result.text, cell)
            count += 1
    assert count > 100


@pytest.mark.parametrize("short", sorted(SEED))
def test_split_rows_locates_every_field_of_every_line(short: str) -> None:
    text = SEED[short].read_text(encoding="utf-8")
    rows = split_rows(text)
    assert len(rows) == text.count("\n") + 1
    for row in rows:
        for cell in row:
            assert_located(text, cell)
            assert cell.raw == cell.raw.strip()


def test_located_cells_are_the_named_tuples_their_constructors_make() -> None:
    cell = located_cell("党建经费", 3, 8, 40)  # built with tuple.__new__: every field must be given
    assert cell == Cell("党建经费", Span(line=3, column=8, end_line=3, end_column=12, start=40, end=44))
    assert cell.span is not None and cell.span._asdict() == {"line": 3, "column": 8, "end_line": 3, "end_column": 12,
                                                             "start": 40, "end": 44, "sheet": None, "ref": None}


def test_surrounding_spaces_are_outside_the_cell_and_its_span() -> None:
    text = "项目名称\t  党建经费 \t\n"
    cells = split_rows(text)[0]
    assert [cell.raw for cell in cells] == ["项目名称", "党建经费", ""]
    assert cells[1].span is not None and (cells[1].span.column, cells[1].span.end_column) == (8, 12)


# --- forms -----------------------------------------------------------------------------------------------


def test_form_counts_of_the_seeds() -> None:
    counts = {short: [form.kind for form in seed(short).forms] for short in SEED}
    assert counts["000"] == ["department"] + ["project"] * 21
    assert counts["001"] == ["project"] * 4
    assert counts["002"] == ["project"] * 8
    assert counts["003"] == ["department"] + ["project"] * 7
    assert counts["004"] == ["department"]
    every = [kind for kinds in counts.values() for kind in kinds]
    assert (len(every), every.count("project"), every.count("department")) == (43, 40, 3)


def test_profiles_and_budget_years_are_detected() -> None:
    assert {form.profile for form in seed("000").forms} == {"dg2025"}
    assert {form.profile for form in seed("001").forms} == {"legacy"}
    assert {form.profile for form in seed("002").forms} == {"dg2019"}
    assert department("004").profile == "legacy"  # the 2024 部门整体 template has no 成本 一级 (GL201 would be noise)
    assert {form.budget_year for form in seed("002").forms} == {2020}
    assert {form.budget_year for form in seed("001").forms} == {2024}  # from 2024年预算金额
    assert department("000").budget_year == 2025 and department("004").budget_year == 2024


def test_project_header_fields() -> None:
    form = project("000", "党建组织员工资补贴")
    assert form.project_type is not None and form.project_type.raw == "其他运转类（综合类）"
    assert form.issuer is not None and form.issuer.raw == "东莞市财政局清溪分局"
    assert (form.period_start and form.period_start.raw, form.period_end and form.period_end.raw) == ("2022", "2099")
    assert form.budget is not None and form.budget.raw == "1893200" and form.budget_unit == "元"
    assert form.title is not None and form.title.raw == "项目绩效目标批复表"
    assert form.span is not None and form.span.line == 87


def test_every_seed_project_form_has_both_goals() -> None:
    for short in SEED:
        for form in seed(short).forms:
            if isinstance(form, ProjectForm):
                assert form.annual_goal is not None and form.annual_goal.raw, form.name
                assert form.period_goal is not None and form.period_goal.raw, form.name
                assert not form.annual_goal.raw.startswith("绩效")


# --- repairs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "line", "start"), [
    ("随军家属补助", 347, "根据《关于进一步落实驻军"), ("村两委干部补贴", 377, "根据《广东省财政厅"),
    ("村党组织服务群众经费", 437, "根据《广东省财政厅"), ("人才工作专项经费", 557, "以产业集聚人才"),
])
def test_annual_goal_pushed_into_the_next_row_is_recovered(name: str, line: int, start: str) -> None:
    goal = project("000", name).annual_goal
    assert goal is not None and goal.span is not None
    assert goal.span.line == line and goal.raw.startswith(start)


def test_label_and_text_in_one_cell_are_split() -> None:
    form = project("000", "老干部工作经费")
    assert form.period_goal is not None and form.period_goal.raw.startswith("一、通过订阅报刊")
    assert form.annual_goal is not None and form.annual_goal.raw.startswith("一、通过订阅报刊")
    assert form.annual_goal.span is not None and form.annual_goal.span.column == len("\t2025年度目标 ") + 1
    assert_located(seed("000").text or "", form.annual_goal)


def test_label_in_a_shifted_column() -> None:
    form = project("003", "机关事业单位派遣人员经费")
    assert form.name is not None and form.name.span is not None and form.name.span.column == 7
    assert form.budget is not None and form.budget.raw == "190000"
    assert form.period_end is not None and form.period_end.raw == "2099"


def test_merged_cells_carry_down_with_the_original_span() -> None:
    form = department("000")
    first, second = form.indicators[0], form.indicators[1]
    assert second.level1 is first.level1 and second.level2 is first.level2
    assert second.level1 is not None and second.level1.span is not None and second.level1.span.line == 25


def test_a_new_level1_resets_level2() -> None:
    text = ("项目名称\t测试\n绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值\n"
            "\t产出指标\t数量指标\t人数\t5人\t5人\n\t效益指标\t\t影响\t好\t好\n")
    indicators = read_text(text).forms[0].indicators
    assert row_of(indicators[1]) == ("效益指标", None, "影响", "好", "好")


def test_header_without_the_annual_column() -> None:
    item = project("000", "机关事业单位派遣人员经费").indicators[0]
    assert row_of(item) == ("成本指标", "经济成本指标", "支出标准", "7.5万元/人/年", "7.5万元/人/年")


def test_level2_label_in_the_level1_column() -> None:
    form = department("000")
    timely = indicator_named(form, "计划任务完成时间")
    assert row_of(timely)[:2] == ("产出指标", "时效指标")
    assert timely.level2 is not None and timely.level2.span is not None and timely.level2.span.line == 42
    quality = indicator_named(form, "人才影响力提高程度")
    assert row_of(quality)[:2] == ("产出指标", "质量指标")
    eco = project("000", "机关事业单位派遣人员经费").indicators[9]
    assert row_of(eco) == ("效益指标", "生态效益", None, "", "")


def test_level1_label_in_the_level2_column() -> None:
    item = department("003").indicators[14]
    assert row_of(item) == ("效益指标", "经济效益", None, "", None)


def test_repeated_rows_after_a_page_break_are_data_and_kept() -> None:
    names = [item.name.raw for item in department("000").indicators if item.name is not None]
    assert names.count("各类人才满意度") == 2


def test_repeated_header_after_a_page_break_adds_no_indicator() -> None:
    header = "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值\n"
    text = ("项目名称\t测试\n" + header + "\t产出指标\t数量指标\t人数\t5人\t5人\n\n" + header +
            "\t\t\t次数\t3次\t3次\n")
    indicators = read_text(text).forms[0].indicators
    assert [row_of(item) for item in indicators] == [
        ("产出指标", "数量指标", "人数", "5人", "5人"), ("产出指标", "数量指标", "次数", "3次", "3次")]


def test_department_single_value_rows_keep_it_in_the_period_column() -> None:
    item = department("000").indicators[-1]
    assert row_of(item) == ("满意度指标", "服务对象满意度", "招聘对象满意度", "≥95%", None)


def test_markup_around_labels() -> None:
    form = project("003", "成立法学会")
    assert form.budget is not None and form.budget.raw == "10000"
    assert form.annual_goal is not None and form.annual_goal.raw.startswith("参与政府重大决策")
    assert row_of(form.indicators[0])[:3] == ("<b>成本指标</b>", "<b>经济成本指标</b>", "宣传费")
    assert form.title is not None and form.title.raw == "## 项目绩效目标批复表"


def test_two_sided_2019_table() -> None:
    form = project("002", "党内统计工作经费")
    assert row_of(form.indicators[0]) == ("预期产出指标", "数量指标（或建筑规模指标）", "数量", "237个直管党组织", "79个党组织")
    assert len(form.indicators) == 7
    assert (form.budget and form.budget.raw, form.budget_unit) == ("4.00", "万元")
    assert (form.period_budget and form.period_budget.raw, form.period_budget_unit) == ("12.00", "万元")
    assert (form.period_start and form.period_start.raw, form.period_end and form.period_end.raw) == ("2020", "2022")
    assert form.spending_unit is not None and form.spending_unit.raw == "中共东莞市直属机关工作委员会"
    assert form.period_start is not None and form.period_start.span is not None
    assert form.period_start.span.line == 10


def test_two_sided_labels_split_by_spaces() -> None:
    form = project("002", "机关党建主题服务活动经费")
    assert (form.budget and form.budget.raw, form.budget_unit) == ("10.00", "万元")
    assert form.period_budget is not None and form.period_budget.raw == "30.00"
    assert form.approval is not None and form.approval.raw.startswith("根据预算管理")
    assert row_of(form.indicators[0])[:3] == ("预期产 出指标", "数量指标 (或建筑规 模指标)", "数量")


def test_department_budget_table_and_tasks() -> None:
    form = department("000")
    assert form.appropriation is not None and form.appropriation.raw == "1,684.82"
    assert form.other_development is not None and form.other_development.raw == "680.86"
    assert form.city_level is not None and form.city_level.raw == ""
    assert [task.amount.raw for task in form.tasks if task.amount] == ["100,000.00", "100,000.00", "350,000.00",
                                                                        "20,000.00"]
    nameless = form.tasks[3]
    assert nameless.name is None and nameless.content is not None and form.other_tasks == []


def test_other_tasks_packed_in_one_cell_are_split() -> None:
    form = department("003")
    text = seed("003").text or ""
    assert [(task.name and task.name.raw, task.amount and task.amount.raw) for task in form.other_tasks] == [
        ("机关事业单位派遣人员经费", "190000.00"), ("购买社工服务岗位经费", "217085.00")]
    for task in form.other_tasks:
        for cell in cells_of(task):
            assert_located(text, cell)


def test_skewed_rows_of_004() -> None:
    form = department("004")
    assert row_of(indicator_named(form, "基层党的政治建设、组织建设")) == (
        "效益指标", "社会效益指标", "基层党的政治建设、组织建设", "有效增强", "有效增强")
    assert row_of(indicator_named(form, "老干部幸福感、关心下一代健康成长的氛围"))[1:] == (
        "社会效益指标", "老干部幸福感、关心下一代健康成长的氛围", "有效提升、有效增强", "有效提升、有效增强")
    assert row_of(indicator_named(form, "老干部、青少年满意度"))[1:] == (
        "服务对象满意度指标", "老干部、青少年满意度", "≥90%", "≥90%")
    assert row_of(indicator_named(form, "满意度调查（服务对象满意度）"))[3:] == ("基本满意", "基本满意")
    assert len(form.tasks) == 9 and len(form.other_tasks) == 1


def test_carried_level1_that_cannot_hold_the_level2_is_replaced_by_its_own() -> None:
    item = indicator_named(department("004"), "村（社区）群众满意度")
    assert item.level2 is not None and item.level2.raw == "服务对象满意度指标"
    # the carried 效益指标 is dropped; the 一级 is the one its 二级 implies, located at the 二级
    assert isinstance(item.level1, DerivedCell) and item.level1.raw == "满意度指标"
    assert item.level1.span == item.level2.span


def test_other_publishers_layout_is_read_without_crashing() -> None:
    text = ("某市项目支出绩效目标申报表\n项目名称：\t道路养护\n预算金额（万元）\t50\n长期目标\t道路完好\n年度目标\t完成养护\n"
            "一级指标\t二级指标\t三级指标\t指标值及单位\n产出指标\t数量指标\t养护里程\t>=20公里\n")
    forms = read_text(text).forms
    assert len(forms) == 1
    form = forms[0]
    assert isinstance(form, ProjectForm) and form.budget_unit == "万元"
    assert form.annual_goal is not None and form.annual_goal.raw == "完成养护"
    # one plain 指标值 column in a one-year form holds the year's targets
    assert row_of(form.indicators[0]) == ("产出指标", "数量指标", "养护里程", None, ">=20公里")


# --- problems and encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "code"), [
    (b"\x00\x01\x02binary\x00", "GL002"), (b"", "GL001"), ("随便写的一段话\t没有表格\n".encode(), "GL001"),
    (b"\xff\xfe\xfd\x80\x81", "GL002"), (b"\xef\xbb\xbf\xff\xfe", "GL002"), (bytes(range(1, 40)) * 3, "GL002"),
    ("项目名称\t测试".encode("utf-16"), None),
])
def test_problems(data: bytes, code: str | None) -> None:
    result = read_bytes(data, "bad.txt")
    if code is None:
        assert result.problem is None and result.forms[0].name is not None
        return
    assert result.problem is not None and result.problem[0] == code and not result.forms


def _plain(value: object) -> object:
    """A form as nested dicts and lists (models by their fields, cells and spans by theirs)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {key: _plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _dump(result: ReadResult, offsets: bool = True) -> list[Any]:
    out = []
    for form in result.forms:
        data = _plain(form)
        if not offsets:
            _drop_offsets(data)
        out.append(data)
    return out


def _drop_offsets(value: object) -> None:
    if isinstance(value, dict):
        value.pop("start", None)
        value.pop("end", None)
        for item in value.values():
            _drop_offsets(item)
    elif isinstance(value, list):
        for item in value:
            _drop_offsets(item)


def test_bom_gb18030_and_crlf_give_the_same_forms() -> None:
    text = SEED["000"].read_text(encoding="utf-8")
    plain = read_bytes(text.encode("utf-8"), "a.txt")
    bom = read_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.txt")
    gb = read_bytes(text.encode("gb18030"), "a.txt")
    crlf = read_bytes(text.replace("\n", "\r\n").encode("utf-8"), "a.txt")
    assert gb.encoding == "gb18030" and bom.encoding == "utf-8-sig"
    assert _dump(bom) == _dump(plain) == _dump(gb)
    assert _dump(crlf, offsets=False) == _dump(plain, offsets=False)
    assert crlf.text is not None
    for form in crlf.forms:
        for cell in cells_of(form):
            span = cell.span
            assert span is not None and crlf.text[span.start:span.end] == cell.raw


# --- properties ------------------------------------------------------------------------------------------

_CELL = st.text(alphabet=st.characters(blacklist_characters="\t" + LINE_BREAKS, blacklist_categories=("Cs",)),
                max_size=12)  # a cell holds no tab and no line break (a bare CR, NEL, U+2028 … end a line)
_LABELS = st.sampled_from(["项目名称", "绩效指标", "一级指标", "二级指标", "三级指标", "成本指标", "年度目标", "部门名称",
                           "实施周期总目标 目标", "项目绩效目标批复表", "年度重点工作任务", "名称", "主要实施内容", "",
                           "(2025年)", "服务对象满意度", "≥95%", "a--b-100",
                           # other publishers' layouts: split values, weights, notes, list tables, footers
                           "指标性质", "计量单位", "指标权重", "指标值", "备注", "≥", "95", "%", "单位:万元",
                           "资金情况(万元)", "年度资金总额:16", "其中:财政拨款", "[077]某局", "合计", "表十二",
                           "財政資金管理科室(盖章) 年 月 日", "產(chǎn)出指標(biāo)", "2021年实际实现值", "预期2022年实现值"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(_CELL, _LABELS), max_size=8), max_size=30))
def test_any_rows_of_cells_keep_the_span_invariant_and_never_raise(rows: list[list[str]]) -> None:
    text = "\n".join("\t".join(row) for row in rows)
    result = read_text(text)
    assert (result.problem is None) == bool(result.forms)
    for form in result.forms:
        for cell in cells_of(form):
            assert_located(text, cell)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_never_raise(data: bytes) -> None:
    result = read_bytes(data, "x.txt")
    assert result.problem is not None or result.forms


# --- golden ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=[path.name[:3] for path in SEEDS])
def test_golden_snapshot(path: Path) -> None:
    update = _load_update()
    expected = update.golden_path(path).read_text(encoding="utf-8")
    assert update.snapshot(path) == expected, f"run tests/golden/update.py and review the diff for {path.name}"
