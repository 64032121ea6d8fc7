"""Property tests: the smaller check kinds' remembered and one-pass answers are those of the general code
(a pair verdict from what each value text holds, remembered per text, a names test over the form's shared name
keys, the levels index, echo and deadline per raw text, the markup detectors' groups and their one search for all
patterns, and the answers remembered per form labels)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.checks import deadline, echo, levels, names, pair, unique
from goallint.checks.support import markup_text as text
from goallint.checks.support import value_facts as facts
from goallint.checks.support.base import Finding, FormContext, ResolvedIndicator, Selector, name_key
from goallint.engine import make_engine
from goallint.model import Cell, Indicator, ProjectForm, Span, cell_text
from goallint.profiles import get_profile
from goallint.values.types import Deadline

VALUES = ["≥95%", "100%", "10次", "12次", "5人", "8名", "≤2天", "100万元", "20元/人", "1-3个", "3个", "2个",
          "2025年12月底前", "2031年6月", "合格", "", " ", "≥10场", "15场", "＞＝9", "5", "6", "元/人·月", "数量",
          "满意度", "数量指标"]
PIECES = st.lists(st.sampled_from(VALUES), min_size=1, max_size=3).map("、".join)
LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标", "", "产出"]
LEVEL2 = ["数量指标", "质量指标", "时效指标", "服务对象满意度指标", "经济效益指标", "", "社会效益"]
NAMES = ["满意度", "群众满意度", "数量", "完成率", "执行率", "预算执行率", "培训人次", "合格", "10次", ""]
RULES = make_engine().rules


def _rules(kind: str) -> list[Any]:
    return [rule for rule in RULES if rule.kind == kind]


def _cell(raw: str | None, line: int) -> Cell | None:
    if raw is None:
        return None
    return Cell(raw, Span(line, 1, line, len(raw) + 1, line * 100, line * 100 + len(raw)))


@st.composite
def forms(draw: Any) -> ProjectForm:
    rows: list[Indicator] = []
    for line in range(1, draw(st.integers(0, 7)) * 5, 5):
        carry = bool(rows) and draw(st.booleans())
        rows.append(Indicator(
            level1=rows[-1].level1 if carry else _cell(draw(st.sampled_from(LEVEL1) | st.none()), line),
            level2=rows[-1].level2 if carry else _cell(draw(st.sampled_from(LEVEL2) | st.none()), line + 1),
            name=_cell(draw(st.sampled_from(NAMES) | st.none()), line + 2),
            period_value=_cell(draw(PIECES | st.none()), line + 3),
            annual_value=_cell(draw(PIECES | st.none()), line + 4)))
    start = draw(st.sampled_from(["2024", "2025", "2026年", ""]))
    return ProjectForm(indicators=rows, period_start=_cell(start, 900), period_end=_cell("2027", 901),
                       budget_year=draw(st.sampled_from([2025, None])))


def _contexts(form: ProjectForm) -> Iterator[FormContext]:
    """The form's context under each profile, with every rule's `where` as the engine sets it."""
    for profile in ("dg2025", "legacy", "dg2019"):
        yield FormContext(form=form, profile=get_profile(profile), vocabularies=make_engine().vocabularies)


# -- pair: the general comparison, item for item ---------------------------------------------------------------
def _pair_general(params: pair.Params, ctx: FormContext) -> list[Finding]:
    multi_year = pair._multi_year(ctx)
    out = []
    for item in ctx.selected():
        period, annual = item.indicator.period_value, item.indicator.annual_value
        if period is None or annual is None or period.is_empty or annual.is_empty:
            continue
        left, right = list(facts.numeric_leaves(period.value)), list(facts.numeric_leaves(annual.value))
        every = len(list(facts.leaves(period.value))) + len(list(facts.leaves(annual.value)))
        if not left or len(left) != len(right) or every != 2 * len(left):
            continue
        for p, a in zip(left, right, strict=True):
            if params.units and pair.incompatible(p.unit, a.unit):
                out.append(Finding(str(params.message_units).format(
                    name=item.name, period=period.text, annual=annual.text, period_unit=p.unit or params.no_unit,
                    annual_unit=a.unit or params.no_unit), annual, item.field))
                break
            cumulative = params.cumulative and multi_year and len(left) == 1 and pair._same_count(p.unit, a.unit)
            low_period, low_annual = pair._target(p), pair._target(a)
            if cumulative and low_period is not None and low_annual is not None and low_annual > low_period:
                out.append(Finding(str(params.message_cumulative).format(
                    name=item.name, period=period.text, annual=annual.text), annual, item.field))
                break
    return out


@settings(max_examples=150, deadline=None)
@given(forms(), st.booleans(), st.booleans())
def test_pair_verdicts_are_the_general_comparison(form: ProjectForm, units: bool, cumulative: bool) -> None:
    for rule in _rules("pair"):
        params = pair.Params(**{**rule.check.__dict__, "units": units, "cumulative": cumulative})
        for ctx in _contexts(form):
            assert list(pair.run(params, ctx)) == _pair_general(params, ctx)
            assert list(pair.run(params, ctx)) == _pair_general(params, ctx)  # remembered: the same


# -- names: each indicator asked on its own --------------------------------------------------------------------
def _names_general(params: names.Params, ctx: FormContext) -> list[Finding]:
    words = ctx.vocabulary(params.vocabulary)
    out = []
    for item in ctx.selected():
        key = name_key(item.name)
        if not key:
            continue
        if params.test != "misplaced":
            word = key if params.test == "generic" and key in {name_key(w) for w in words} else None
            if params.test == "listed":
                word = next((w for w in words if w in key), None)
            if word is not None:
                said = {"name": item.name, "word": word}
                out.append(Finding(params.message.format_map(said), item.indicator.name, item.field, facts=said))
            continue
        level1_label, level2_label = cell_text(item.indicator.level1), cell_text(item.indicator.level2)
        said = {"name": item.name, "level": level1_label or level2_label, "level1": level1_label,
                "level2": level2_label}
        own = ctx.profile.level1_key(level1_label) if level1_label else item.level1
        if level2_label and own is not None:
            found = ctx.profile.level2_key(level2_label, own)
            if found is not None and found[0] != own:
                out.append(Finding(str(params.message_level2).format_map(said), item.indicator.level2, item.field,
                                   facts=said))
                continue
        if names._label_lost(params, ctx, item):
            continue
        if item.level1 != params.satisfaction_level and item.level1 is not None:
            if next((w for w in words if key.endswith(w)), None) is not None:
                out.append(Finding(params.message.format_map(said), item.indicator.name, item.field, facts=said))
    return out


@settings(max_examples=150, deadline=None)
@given(forms())
def test_names_tests_are_each_indicator_asked_on_its_own(form: ProjectForm) -> None:
    assert _rules("names")
    for ctx in _contexts(form):
        for rule in _rules("names"):
            assert list(names.run(rule.check, ctx)) == _names_general(rule.check, ctx), rule.code


# -- unique: what a form's labels alone answer ----------------------------------------------------------------
def _unique_general(params: unique.Params, ctx: FormContext) -> list[Finding]:
    seen: dict[tuple[str | None, str], int] = {}
    out = []
    for item in ctx.selected():
        key = name_key(item.name)
        if not key or item.indicator.name is None:
            continue
        group = (item.level1, key)
        if group not in seen:
            seen[group] = item.index
        elif not unique._page_break_copy(ctx.resolved[seen[group]], item):
            first = ctx.resolved[seen[group]].indicator.name
            message = (params.message.format(name=item.name, line=first.span.line) if first and first.span
                       else params.message_unplaced.format(name=item.name))
            out.append(Finding(message, item.indicator.name, item.field))
    return out


def _with_values(form: ProjectForm, values: list[str]) -> ProjectForm:
    """The form with the same label cells (carried ones still shared) and other values."""
    rows = [Indicator(level1=row.level1, level2=row.level2, name=row.name, period_value=_cell(value, 700 + i),
                      annual_value=_cell(value, 800 + i)) for i, (row, value) in enumerate(zip(form.indicators, values, strict=False))]
    return ProjectForm(indicators=rows, period_start=form.period_start, period_end=form.period_end,
                       budget_year=form.budget_year)


@settings(max_examples=150, deadline=None)
@given(forms(), st.lists(st.sampled_from(["5人", "6人", "", ""]), min_size=7, max_size=7))
def test_unique_names_levels_by_labels_are_the_general_ones(form: ProjectForm, values: list[str]) -> None:
    """A rule that found nothing on a form's labels (levels: and its filled rows) is not asked again on forms
    with the same ones: their answers, with other values (a page break's copy of a row is told by its values,
    a level's coverage by its filled rows), are the general ones."""
    for variant in (form, _with_values(form, values), form):
        for ctx in _contexts(variant):
            for rule in _rules("unique"):
                assert list(unique.run(rule.check, ctx)) == _unique_general(rule.check, ctx)
            for rule in _rules("names"):
                assert list(names.run(rule.check, ctx)) == _names_general(rule.check, ctx), rule.code
            for rule in _rules("levels"):
                assert list(levels.run(rule.check, ctx)) == _levels_general(rule.check, ctx), rule.code


# -- levels, echo, deadline --------------------------------------------------------------------------------------
def _filled(item: ResolvedIndicator, ctx: FormContext) -> bool:
    return any(True for _ in item.value_cells(ctx.where.columns))


def _levels_general(params: levels.Params, ctx: FormContext) -> list[Finding]:
    profile, resolved = ctx.profile, ctx.resolved
    out = []
    if params.test == "level1":
        if not resolved:
            return [Finding(str(params.message_no_indicators), None, "绩效指标")]
        for key, level in profile.level1.items():
            if level.required and not any(item.level1 == key for item in resolved):
                out.append(Finding(params.message.format(level1=level.label), None, f"{level.label}指标"))
        return out
    for key1, level1 in profile.level1.items():
        under = [item for item in resolved if item.level1 == key1]
        if not under:
            continue
        if not any(_filled(item, ctx) for item in under):
            cell = levels._first_cell(under, "level1")
            out.append(Finding(str(params.message_level1_unfilled).format(level1=level1.label), cell,
                               f"{level1.label}指标"))
            continue
        for key2, level2 in profile.level2.get(key1, {}).items():
            rows = [item for item in under if item.level2 == key2]
            if not level2.required or any(_filled(item, ctx) for item in rows):
                continue
            template = str(params.message_unfilled) if rows else params.message
            cell = levels._first_cell(rows, "level2") or levels._first_cell(under, "level1")
            out.append(Finding(template.format(level1=level1.label, level2=level2.label), cell,
                               f"{level1.label}指标/{level2.label}指标"))
    return out


def _echo_general(params: echo.Params, ctx: FormContext) -> list[Finding]:
    out = []
    for item in ctx.selected():
        keys = {name_key(item.name), name_key(cell_text(item.indicator.level2))} - {""}
        for column, cell in item.value_cells(ctx.where.columns):
            if name_key(cell.text) in keys:
                said = {"name": item.name, "column": echo.COLUMN_NAMES[column], "value": cell.text}
                out.append(Finding(params.message.format_map(said), cell, item.field, facts=said))
    return out


def _deadline_general(params: deadline.Params, ctx: FormContext) -> list[Finding]:
    period, out = deadline._period(ctx), []
    for item in ctx.selected():
        for column, cell in item.value_cells(ctx.where.columns):
            for leaf in facts.leaves(cell.value):
                if not isinstance(leaf, Deadline) or leaf.year is None:
                    continue
                why = deadline._outside(params, leaf.year, column, period, ctx.form.budget_year)
                if why is not None:
                    template, said = why
                    out.append(Finding(template.format(name=item.name, column=echo.COLUMN_NAMES[column],
                                                       value=cell.text, year=leaf.year, **said), cell, item.field))
                    break
    return out


@settings(max_examples=150, deadline=None)
@given(forms(), st.booleans())
def test_levels_echo_deadline_are_the_general_code(form: ProjectForm, annual_only: bool) -> None:
    for ctx in _contexts(form):
        ctx.where = Selector(columns=["annual"]) if annual_only else Selector()
        for rule in _rules("levels"):
            assert levels.run(rule.check, ctx) == _levels_general(rule.check, ctx), rule.code
            assert levels.run(rule.check, ctx) == _levels_general(rule.check, ctx), rule.code  # remembered
        for rule in _rules("echo"):
            assert echo.run(rule.check, ctx) == _echo_general(rule.check, ctx), rule.code
        for rule in _rules("deadline"):
            assert deadline.run(rule.check, ctx) == _deadline_general(rule.check, ctx), rule.code


# -- markup: the detectors' groups and the one search ---------------------------------------------------------
MARKS = ["≥", "95", "%", "$\\geq$", "<b>", "</b>", "**", "＊＊", "。", ".", "，", "＞＝", "９", " ", "\u200b", "\ufeff",
         "\u00ad", "次", "项目", "\\%", "~", "～", "12", "》", "3", ">=", "<=", "≧", "％", "<br/>", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARKS), max_size=6).map("".join))
def test_a_detector_finds_nothing_outside_its_groups_and_the_one_search_is_each_pattern(raw: str) -> None:
    cell = Cell(raw)
    for group, possible in text.POSSIBLE.items():
        for defect, detector in text._DETECTORS.items():
            if defect not in possible:
                assert detector(group, cell) is None, (defect, group)
        signs = text.SIGNS[group]
        each = frozenset(name for name, pattern in text._SIGNS if name in possible and pattern.search(raw))
        assert (signs.any.search(raw) is not None) == bool(each)
        assert signs.hint.search(raw) is not None or not each  # the detectors' characters: never a miss
        assert text.defects_in(raw, group) == each
        assert text.defects_of_each([raw, "plain", raw], group) == ({each} | {text.defects_in("plain", group)})


# -- money of a cell, names across forms ---------------------------------------------------------------------------
MONEY = ["1,684.82", "574.11万元", "12000元", "189.32万", "100", "-5", "合计", "", "  ", "1，893，200", "3人",
         "≥100万元", "20元/人", "9" * 30, "0.5"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MONEY), st.sampled_from(["元", "万元"]), st.sampled_from(["元", "万元", None]))
def test_a_cells_money_is_read_per_text_as_the_reading_says(raw: str, unit: str, bare: str | None) -> None:
    from goallint.arith.readings import amounts, money_in
    from goallint.checks import assert_

    cell = Cell(raw)
    general = None if not raw.strip() else money_in(amounts(cell.value), unit)
    for _ in range(2):  # the second answer is the remembered one
        assert assert_.cell_number(cell, unit) == general
        stated = general is None or bare is None or bare == unit or bool(amounts(cell.value)[0].unit.base)
        scaled = assert_._scaled(general, cell, bare, unit)
        assert scaled == general if stated else scaled != general or general == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["任务1：", "其他任务 2、", "（", "）", "“", "”", " ", "部门", "项目", "。", "，", "a"]),
                max_size=6).map("".join))
def test_a_name_across_forms_is_normalised_per_text(text_: str) -> None:
    import re

    from goallint.checks import group

    general = re.sub(r"^(任务|其他任务)?\s*\d{1,3}\s*[:：、.．]\s*", "", re.sub(r"\s+", "", text_)) \
        .translate(group._FOLD).strip(" .。,;；")
    assert group.normalize_name(text_) == general
    assert group.normalize_name(text_) == general
