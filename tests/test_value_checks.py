"""Unit tests of the GL3xx/GL9xx check kinds (value, pair, deadline, markup) on forms built in Python."""

from __future__ import annotations

from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from goallint.checks import deadline, markup, pair, value
from goallint.checks.support import value_facts as facts
from goallint.checks.support.base import Finding, FormContext, Selector, fields_of
from goallint.checks.support.value_when import LeafTest, Subject, When, holds, leaf_holds
from goallint.engine import Input, make_engine
from goallint.model import AnyForm, Cell, DepartmentForm, Indicator, ProjectForm, Span
from goallint.packs import PackError, bundled_packs, parse_pack
from goallint.plumbing.validation import validate
from goallint.profiles import get_profile
from goallint.values import parse_value
from goallint.values.types import Bound, Quantity, Range

VOCABULARIES = bundled_packs()[0].vocabularies
RULES = {rule.code: rule for pack in bundled_packs() for rule in pack.rules}


def cell(raw: str, line: int = 1, start: int = 0, excel: bool = False) -> Cell:
    if excel:
        return Cell(raw=raw, span=Span(line=line, column=5, end_line=line, end_column=6, sheet="S", ref="E1"))
    span = Span(line=line, column=3, end_line=line, end_column=3 + len(raw), start=start, end=start + len(raw))
    return Cell(raw=raw, span=span)


def row(level1: str | None, level2: str | None, name: str, period: str | None = None,
        annual: str | None = None, line: int = 1) -> Indicator:
    def make(text: str | None, offset: int) -> Cell | None:
        return cell(text, line, line * 1000 + offset) if text is not None else None

    return Indicator(level1=make(level1, 0), level2=make(level2, 100), name=make(name, 200),
                     period_value=make(period, 300), annual_value=make(annual, 400))


def carried(rows: tuple[Indicator, ...]) -> list[Indicator]:
    """Omitted levels continue the previous row's, as the readers do."""
    out: list[Indicator] = []
    for indicator in rows:
        if out:
            level1 = indicator.level1 or out[-1].level1
            level2 = indicator.level2 or (out[-1].level2 if indicator.level1 is None else None)
            indicator = replace(indicator, level1=level1, level2=level2)
        out.append(indicator)
    return out


def project(*rows: Indicator, **fields: Any) -> ProjectForm:
    header = {key: cell(str(text)) for key, text in fields.items() if key not in ("budget_year",)}
    return ProjectForm(name=cell("测试项目"), budget_year=fields.get("budget_year", 2025),
                       indicators=carried(rows), **header)


WORDING = ("message", "fix_message", "cell_names", "no_unit")
"""The keys of a check that hold its wording: a test that gives none takes the bundled rule's."""


def bundled_wording(check: dict[str, Any]) -> dict[str, Any]:
    """The wording of the bundled rule with the same kind (and `test` / `defect`), so that these tests read the
    messages reviewers see."""
    for pack in bundled_packs():
        for rule in pack.rules:
            same = rule.check.kind == check["kind"] and all(
                getattr(rule.check, key) == check[key] for key in ("test", "defect") if key in check)
            if same:
                given = {key: value for key, value in fields_of(rule.check) if value is not None}
                return {key: text for key, text in given.items() if key.startswith(WORDING)}
    raise AssertionError(f"no bundled rule of kind {check['kind']}")


def run(module: ModuleType, check: dict[str, Any], form: AnyForm, where: Selector | None = None,
        profile: str = "dg2025") -> list[Finding]:
    ctx = FormContext(form=form, profile=get_profile(profile), where=where or Selector(),
                      vocabularies=VOCABULARIES)
    if module is not value and not any(key.startswith(WORDING) for key in check):
        check = {**bundled_wording({"kind": next(f.default for f in fields(module.Params) if f.name == "kind"), **check}), **check}
    return list(module.run(validate(module.Params, check), ctx))


def run_rule(code: str, form: AnyForm, profile: str = "dg2025") -> list[Finding]:
    """One bundled rule (its `where` and `check` from the pack) on a form, without precedence."""
    rule = RULES[code]
    module = {"value": value, "pair": pair, "deadline": deadline, "markup": markup}[rule.kind]
    ctx = FormContext(form=form, profile=get_profile(profile), where=rule.where, vocabularies=VOCABULARIES)
    return list(module.run(rule.check, ctx))


# --- facts and predicates -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("80人", True), ("召开交流会，开展主题服务活动", False), ("开展培训两次", True), ("全年", False),
    ("2024年12月31日", True), ("①社工：3人 ②党建组织员：31人", True), ("无", False), ("一站式服务", False),
])
def test_has_number(raw: str, expected: bool) -> None:
    assert facts.has_number(parse_value(raw), raw) is expected


@pytest.mark.parametrize(("unit", "cls"), [
    ("%", "percent"), ("元/人/年", "money"), ("年", "time"), ("人", "count"), ("期/年", "count"), ("", ""),
])
def test_unit_class(unit: str, cls: str) -> None:
    assert facts.unit_class(unit) == cls


@pytest.mark.parametrize(("raw", "outside"), [
    ("105%", True), (">100%", True), ("≥100%", False), ("100%", False), ("±3%以内", False),
    ("90%~120%", True), ("≤120%", False), ("<0%", True), ("≥0%", False),
])
def test_outside_means_the_target_demands_the_impossible(raw: str, outside: bool) -> None:
    leaf = next(facts.numeric_leaves(parse_value(raw)))
    assert leaf_holds(LeafTest(outside=(Decimal(0), Decimal(100))), leaf) is outside


def test_outside_below_zero() -> None:  # the grammar does not read negative numbers yet: build the values
    test = LeafTest(outside=(Decimal(0), Decimal(100)))
    assert leaf_holds(test, Quantity(value=Decimal(-5), unit="%"))
    assert leaf_holds(test, Range(low=Decimal(-5), high=Decimal(10), unit="%"))
    assert not leaf_holds(test, Bound(op=">=", value=Decimal(-5), unit="%"))


def test_leaf_keys_must_hold_on_the_same_item() -> None:
    mixed = parse_value("劳务派遣人员≤9万元/人/年，培训费占比≥35%")
    assert holds(When(leaf=LeafTest(ops=[">="], units=["percent"])), Subject(mixed, "", VOCABULARIES.get))
    assert not holds(When(leaf=LeafTest(ops=[">="], units=["money"])), Subject(mixed, "", VOCABULARIES.get))


def test_any_and_not_combine() -> None:
    when = validate(When, {"any": [{"kinds": ["placeholder"]}, {"vague": True}],
                                "not": {"units_all": ["percent"]}})
    for raw, expected in (("无", True), ("逐年提高", True), ("满意", False), ("≥95%", False)):
        assert holds(when, Subject(parse_value(raw), raw, lambda name: [])) is expected, raw


def test_params_single_case_sugar_and_vocabulary_collection() -> None:
    params = validate(value.Params, {
        "kind": "value", "name_vocabulary": "positive_rates",
        "when": {"any": [{"words_vocabulary": "vague_words"}, {"not": {"text_vocabulary": "placeholder_values"}}]},
        "message": "{name}",
    })
    assert len(params.cases) == 1
    assert params.used_vocabulary == ["placeholder_values", "positive_rates", "vague_words"]


def test_params_reject_unsafe_patterns_and_unknown_keys() -> None:
    with pytest.raises(ValidationError):
        validate(value.Params, {"when": {}, "message": "x", "where_any": [{"name": "(a+)+$"}]})
    with pytest.raises(ValidationError):
        validate(value.Params, {"when": {"kindz": ["text"]}, "message": "x"})
    with pytest.raises(ValidationError, match="message: 占位符 'nmae' 不存在"):
        validate(value.Params, {"when": {}, "message": "指标“{nmae}”"})
    with pytest.raises(ValidationError, match="message: 占位符"):
        validate(value.Params, {"when": {}, "message": "指标“{name”"})


def test_pack_loader_rejects_an_unknown_nested_vocabulary() -> None:
    pack = {"pack": "p", "rules": [{
        "code": "GL399", "name": "x-y", "severity": "info",
        "check": {"kind": "value", "when": {"not": {"words_vocabulary": "nowhere"}}, "message": "m"},
        "doc": {"summary": "s", "why": "w", "bad": "b", "good": "g"},
    }]}
    with pytest.raises(PackError, match="nowhere"):
        parse_pack(pack, {})


# --- value -------------------------------------------------------------------------------------------------


def test_value_reports_each_cell_once_with_the_first_case_that_holds() -> None:
    check = {"cases": [
        {"when": {"kinds": ["placeholder"]}, "message": "A {name} {column} {value}"},
        {"when": {"has_number": False}, "message": "B {name}"},
    ]}
    form = project(row("产出指标", "数量指标", "数量", "无", "召开交流会"))
    found = run(value, check, form)
    assert [f.message for f in found] == ["A 数量 实施周期 无", "B 数量"]
    assert found[0].field == "产出指标/数量指标/数量"
    assert found[0].cell is form.indicators[0].period_value


def test_value_case_selectors_and_name_vocabularies() -> None:
    form = project(row("产出指标", "质量指标", "验收合格率", "≤90%"),
                   row(None, None, "系统故障率", "≥5%"),
                   row(None, None, "投诉处理及时率", "≥95%"))
    found = run_rule("GL307", form)
    assert [f.message[:9] for f in found] == ["正向指标“验收合格", "反向指标“系统故障"]


def test_seed_semantics_of_the_value_rules() -> None:
    form = project(
        row("成本指标", "经济成本指标", "人均培训成本", "≥150元/人/次", "≥150元/人/次"),
        row(None, None, "预算执行率", "≥95%"),
        row("产出指标", "数量指标", "突发事件及预案处置完成率", "100%"),
        row(None, None, "人员聘用数", "80人", "召开交流会，开展主题服务活动"),
        row("效益指标", "社会效益", "认知度（%）", "认知度显著提升"),
        row("满意度指标", "服务对象满意度", "党员满意度", "满意", "≥90%"),
    )
    assert [f.message for f in run_rule("GL306", form)] == [
        "成本指标“人均培训成本”设置了下限“≥150元/人/次”：成本指标应控制上限"] * 2
    assert [f.field for f in run_rule("GL308", form)] == ["产出指标/数量指标/突发事件及预案处置完成率"]
    assert [f.cell.raw for f in run_rule("GL302", form) if f.cell] == ["召开交流会，开展主题服务活动"]
    assert [f.field for f in run_rule("GL309", form)] == ["效益指标/社会效益/认知度（%）"]
    assert [f.message for f in run_rule("GL304", form)] == ["满意度指标“党员满意度”的指标值“满意”不是百分比"]


def test_column_selection_comes_from_the_rule_where() -> None:
    form = project(row("产出指标", "数量指标", "数量", "无", "无"))
    assert len(run(value, {"when": {"kinds": ["placeholder"]}, "message": "m"}, form,
                   Selector(columns=["annual"]))) == 1


def test_precedence_keeps_one_finding_per_value_cell(tmp_path: Path) -> None:
    source = tmp_path / "form.yaml"
    source.write_text(
        "kind: project\nname: 优先级\nbudget_year: 2025\nindicators:\n"
        "  - {level1: 效益指标, level2: 社会效益, name: 认知度（%）, period: 认知度显著提升}\n"
        "  - {level1: 满意度指标, level2: 服务对象满意度, name: 满意率, period: 无}\n"
        "  - {level1: 产出指标, level2: 质量指标, name: 验收合格率, period: ≤100%}\n", encoding="utf-8")
    report = make_engine(select=["GL3"]).run([Input(str(source), source)])
    assert sorted(d.code for d in report.diagnostics) == ["GL301", "GL309", "GL311"]


# --- pair and deadline ------------------------------------------------------------------------------------


def test_pair_units_and_cumulative_counts() -> None:
    rows = (row("产出指标", "数量指标", "党组织数", "237个直管党组织", "79个党组织"),
            row(None, None, "培训人数", "100人", "300名"),
            row(None, "质量指标", "培训覆盖率", "≥95%", "300人"))
    multi = run(pair, {}, project(*rows, period_start=2020, period_end=2022))
    assert [f.field.rsplit("/", 1)[1] for f in multi] == ["培训人数", "培训覆盖率"]
    assert multi[0].message == ("指标“培训人数”的年度指标值“300名”大于实施周期指标值“100人”："
                                "多年期项目的年度目标不应超过整个实施周期的目标")
    assert multi[1].message == "指标“培训覆盖率”的实施周期指标值“≥95%”与年度指标值“300人”单位不一致（% 与 人）"
    single = run(pair, {}, project(*rows, period_start=2025, period_end=2025))
    assert [f.field.rsplit("/", 1)[1] for f in single] == ["培训覆盖率"]
    assert run(pair, {"units": False, "cumulative": False}, project(*rows, period_start=2020, period_end=2022)) == []


@pytest.mark.parametrize(("period", "annual", "fires"), [
    ("10.3万元/人/年", "240939.54元/年", True), ("≤9万元/人/年", "≤90000元/年/人", False),
    ("3年", "1年", False), ("50期上线节目，1次户外见面会", "50期电台节目，1场户外见面会", False), ("≥90", "≥90%", False),
])
def test_pair_incompatible_units(period: str, annual: str, fires: bool) -> None:
    found = run(pair, {"cumulative": False}, project(row("产出指标", "数量指标", "x", period, annual)))
    assert bool(found) is fires


def test_deadline_against_period_and_budget_year() -> None:
    rows = (row("产出指标", "时效指标", "完成时间", "2021年12月底前", "2024年12月31日"),
            row(None, None, "期限", "12月底前", "2025年6月30日前"))
    found = run(deadline, {}, project(*rows, period_start=2022, period_end=2026))
    assert [f.message for f in found] == [
        "指标“完成时间”的实施周期指标值“2021年12月底前”截止于 2021 年，不在实施周期 2022–2026 年内",
        "指标“完成时间”的年度指标值“2024年12月31日”截止于 2024 年，不在预算年度 2025 年内",
    ]
    department = DepartmentForm(name=cell("部门"), budget_year=2024, indicators=carried(rows))
    assert [f.cell.raw for f in run(deadline, {}, department) if f.cell] == ["2025年6月30日前"]


# --- markup ------------------------------------------------------------------------------------------------


def test_markup_fix_rewrites_exactly_the_cell_span() -> None:
    form = project(row("产出指标", "质量指标", "人员出勤率", "$\\geq 95\\%$", "≥95%", line=7))
    [found] = run(markup, {"defect": "ocr"}, form)
    assert found.fix is not None and found.cell is not None and found.cell.span is not None
    [edit] = found.fix.edits
    assert (edit.content, edit.start, edit.end) == ("≥95%", found.cell.span.start, found.cell.span.end)
    assert (edit.line, edit.column, edit.end_column) == (7, 3, 3 + len("$\\geq 95\\%$"))


def test_markup_reports_a_carried_down_cell_once_and_fixes_no_excel_cell() -> None:
    shared = cell("<b>成本指标</b>", 3, 30)
    rows = [Indicator(level1=shared, name=cell("宣传费", 3, 50)), Indicator(level1=shared, name=cell("会议费", 4, 60)),
            Indicator(name=cell("<b>差旅费</b>", excel=True))]
    found = run(markup, {"defect": "html"}, project(*rows))
    assert [(f.message, f.fix is not None) for f in found] == [
        ("指标层级“<b>成本指标</b>”含 HTML 标签 <b>、</b>", True),
        ("指标名称“<b>差旅费</b>”含 HTML 标签 <b>、</b>", False),
    ]


def test_markup_groups_and_header_cells() -> None:
    form = project(row("产出指标", "数量指标", "奖励人数.", "≥ 12 次"), annual_goal="<p>目标</p>",
                   approval="同意<br/>")
    assert [f.field for f in run(markup, {"defect": "html", "cells": ["texts"]}, form)] == ["年度目标", "批复意见"]
    assert run(markup, {"defect": "html", "cells": ["values"]}, form) == []
    [stray] = run(markup, {"defect": "punctuation", "cells": ["names"]}, form)
    assert stray.fix is not None and stray.fix.edits[0].content == "奖励人数"
    [spaced] = run(markup, {"defect": "space", "cells": ["values"]}, form)
    assert spaced.fix is not None and spaced.fix.edits[0].content == "≥12次"
    assert run(markup, {"defect": "masked", "cells": ["names"]}, form) == []


_VALUE_PIECES = st.lists(st.sampled_from([
    "≥", ">=", "＞＝", "≧", "≤", "<=", " ", "  ", "95", "９０", "1,200", "%", "％", "$\\geq$", "\\%", "$", "<p>", "</p>",
    "<br>", "元/人/年", "次", "人", "万", "，", "满意", "逐年提高", "**", "。", ".", "《", "》", "约",
]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(_VALUE_PIECES)
def test_markup_fixes_never_change_what_a_value_means(pieces: list[str]) -> None:
    raw = "".join(pieces)
    form = project(row("产出指标", "质量指标", "验收合格率" + raw, raw or "x", raw or "x"))
    for defect in ("ocr", "html", "masked", "punctuation", "symbol", "space"):
        for found in run(markup, {"defect": defect}, form):
            assert found.cell is not None
            if found.fix is None:
                continue
            fixed = found.fix.edits[0].content
            assert fixed != found.cell.raw
            if found.cell is form.indicators[0].period_value:
                assert parse_value(fixed) == parse_value(found.cell.raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.text(max_size=12))
def test_value_rules_never_raise(raw: str, name: str) -> None:
    form = project(row("成本指标", "经济成本指标", name or "x", raw or "x", raw or "x", line=1),
                   row("产出指标", "数量指标", name + "率", raw or "x", "≥1次"),
                   period_start=2020, period_end=2022)
    for code in RULES:
        if code.startswith(("GL3", "GL9")):
            for found in run_rule(code, form):
                assert found.message and found.cell is not None


def test_value_types_round_trip_used_by_the_kinds() -> None:
    assert isinstance(parse_value("≥95%"), Bound)
    assert isinstance(parse_value("100%"), Quantity)
    assert isinstance(parse_value("90%~95%"), Range)
