"""Property tests: the engine's per-form fast paths answer as the general code does (a diagnostic or location
made past the frozen guards, a form copied with its path, an indicator's name and filled cells worked out when
it is resolved, levels remembered per profile and labels, column-neutral messages remembered)."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goallint.checks.support import base
from goallint.checks.support.base import FormContext, ResolvedIndicator
from goallint.checks.support.columns import _COLUMN_WORD, _neutral
from goallint.edits import _raws_at, _with_fix, iter_cells
from goallint.engine import _with_path, make_engine
from goallint.model import (
    FIELDS,
    Cell,
    Diagnostic,
    Edit,
    Fix,
    Indicator,
    Location,
    Span,
    made_diagnostic,
    made_location,
    restore,
    rows_of,
)
from goallint.profiles import get_profile, profiles
from goallint.readers import read_path
from goallint.report import SEVERITY_LABELS, where
from goallint.report.concise import line as concise_line

ROOT = Path(__file__).resolve().parent.parent
TEXT = st.text(max_size=12)
NUMBER = st.integers(min_value=0, max_value=10**6)
LOCATIONS = st.lists(st.builds(Location, line=NUMBER, column=NUMBER, end_line=NUMBER, end_column=NUMBER,
                               field=TEXT), max_size=3)
FIXES = st.none() | st.builds(Fix, applicability=st.sampled_from(["safe", "unsafe"]), message=TEXT,
                              edits=st.lists(st.builds(Edit, line=NUMBER, column=NUMBER, end_line=NUMBER,
                                                       end_column=NUMBER, content=TEXT), max_size=2))
LABELS = ["成本指标", "产出指标", "效益指标", "满意度指标", "经济成本指标", "数量指标", "质量指标", "时效指标",
          "社会效益指标", "服务对象满意度指标", "预期产出指标", "效果指标", "数量指标（或建筑规模指标）", "其他", ""]


@given(TEXT, TEXT, st.sampled_from(["error", "warning", "info"]), TEXT, TEXT, NUMBER, NUMBER, NUMBER, NUMBER,
       TEXT, TEXT, FIXES, st.none() | TEXT, TEXT, LOCATIONS)
def test_made_diagnostic_is_the_constructors_diagnostic(code: str, name: str, severity: str, message: str,
                                                        path: str, line: int, column: int, end_line: int,
                                                        end_column: int, form: str, field: str, fix: Fix | None,
                                                        sheet: str | None, cell_text: str,
                                                        related: list[Location]) -> None:
    made = made_diagnostic(code, name, severity, message, path, line, column, end_line, end_column, form, field,
                           fix, sheet, cell_text, related)
    built = Diagnostic(code=code, name=name, severity=severity, message=message, path=path, line=line,
                       column=column, end_line=end_line, end_column=end_column, form=form, field=field, fix=fix,
                       sheet=sheet, cell_text=cell_text, related=related)
    assert type(made) is Diagnostic and made == built and dataclasses.asdict(made) == dataclasses.asdict(built)
    assert [made_location(r.line, r.column, r.end_line, r.end_column, r.field) for r in related] == related
    row = rows_of([made])[0]
    assert row == tuple(getattr(made, name) for name in FIELDS) and restore(row) == built
    again = pickle.loads(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))  # a fix and related cells too
    assert again == built and dataclasses.asdict(again) == dataclasses.asdict(built)
    assert all(type(cell) is Location for cell in again.related)
    assert again.fix is None or (type(again.fix) is Fix and all(type(edit) is Edit for edit in again.fix.edits))
    shown = f"【{form}】" if form else ""  # the concise line, as its parts say it
    assert concise_line(made) == f"{where(made)}: {code} [{SEVERITY_LABELS[severity]}] {shown}{message}\n"
    for other in (None, fix, Fix(message=message, edits=[])):
        changed = _with_fix(made, other)
        assert type(changed) is Diagnostic and changed == dataclasses.replace(built, fix=other)


def _cell(text: str | None, line: int) -> Cell | None:
    return None if text is None else Cell(text, Span(line, 1, line, 1 + len(text), 0, len(text)))


@given(st.lists(st.tuples(st.sampled_from(LABELS) | st.none(), st.sampled_from(LABELS) | st.none(),
                          TEXT | st.none(), st.sampled_from(["", " ", "≥95%", "10万元", "\t"]) | st.none(),
                          st.sampled_from(["", "≥ 12 次", "全年"]) | st.none()), max_size=8),
       st.sampled_from(sorted(profiles())))
def test_resolved_indicators_are_what_their_cells_and_the_profile_say(rows: list[tuple[str | None, ...]],
                                                                      profile_name: str) -> None:
    """Each twice: the second time from the remembered levels and name."""
    profile = get_profile(profile_name)
    indicators = [Indicator(level1=_cell(a, 1), level2=_cell(b, 2), name=_cell(c, 3), period_value=_cell(d, 4),
                            annual_value=_cell(e, 5)) for a, b, c, d, e in rows]
    form = read_path(sorted((ROOT / "examples").glob("000_*.txt"))[0], "x").forms[0]
    form = dataclasses.replace(form, indicators=indicators)
    for _ in range(2):
        for item in FormContext(form, profile).resolved:
            indicator = indicators[item.index]
            assert item.indicator is indicator
            assert (item.level1, item.level2) == base._levels(profile, indicator.level1, indicator.level2)
            assert item.name == (indicator.name.text if indicator.name is not None else "")
            cells = (("period", indicator.period_value), ("annual", indicator.annual_value))
            assert item.filled_values == tuple((column, cell) for column, cell in cells
                                               if cell is not None and not cell.is_empty)
            assert item.field == "/".join(cell.text if cell is not None else "" for cell in
                                          (indicator.level1, indicator.level2, indicator.name))
            assert list(item.value_cells(["annual"])) == [pair for pair in item.filled_values if pair[0] == "annual"]
            assert item == ResolvedIndicator(indicator, item.level1, item.level2, item.index)


@given(st.lists(st.sampled_from(["实施周期指标值", "年度指标值", "指标值", "“", "x", "年度", "实施周期"]), max_size=6))
def test_a_column_neutral_message_is_the_message_with_its_column_words_set_aside(parts: list[str]) -> None:
    message = "".join(parts)
    assert _neutral(message) == _neutral(message) == _COLUMN_WORD.sub("\u0000", message)


def test_a_form_copied_with_its_path_is_the_replaced_form() -> None:
    files = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "examples" / "structured").glob("*.y*ml"))
    forms = [form for path in files for form in read_path(path, str(path)).forms]
    assert len(forms) > 5
    for form in forms:
        copy = _with_path(form, "elsewhere.txt")
        assert type(copy) is type(form) and copy == dataclasses.replace(form, path="elsewhere.txt")
        assert copy.path == "elsewhere.txt" and form.path != "elsewhere.txt"


def test_the_raws_found_for_fixes_are_those_of_every_cell_in_order() -> None:
    """`edits._raws_at` reads only the fields that can hold cells: it finds what walking every cell finds."""
    files = [*sorted((ROOT / "examples").glob("*.txt")), *sorted((ROOT / "examples" / "structured").glob("*")),
             *sorted((ROOT / "tests" / "corpus").rglob("*.txt"))[:20]]
    checked = 0
    for path in files:
        result = read_path(path, str(path))
        expected: dict[tuple[int, int], str] = {}
        for cell in iter_cells(result.forms):
            if cell.span is not None and cell.span.start is not None and cell.span.end is not None:
                expected[(cell.span.start, cell.span.end)] = cell.raw
        assert _raws_at(result, set(expected) | {(-1, -1)}) == expected
        spans = sorted(expected)
        for wanted in (spans[:1], spans[-1:], spans[::7], spans[len(spans) // 2:]):  # the walk stops early
            assert _raws_at(result, set(wanted)) == {span: expected[span] for span in wanted}
        checked += len(expected)
    assert checked > 500


def test_where_cells_share_a_span_the_raws_are_the_last_ones() -> None:
    """Cells of two forms (or of one form twice) at the same span: the raw kept is the last cell's in
    `iter_cells` order, wherever the backward walk stops."""
    result = read_path(ROOT / "examples" / "001_8dd0aec2d39c09c7.txt", "001.txt")
    first = result.forms[0]
    moved = []
    for index, indicator in enumerate(first.indicators):  # each value cell again, its raw changed
        cell = indicator.period_value
        if cell is not None and cell.span is not None:
            moved.append(dataclasses.replace(indicator, annual_value=Cell(f"again {index}", cell.span)))
    assert moved
    second = dataclasses.replace(first, indicators=moved)
    twice = dataclasses.replace(result, forms=[first, second])
    expected: dict[tuple[int, int], str] = {}
    for cell in iter_cells(twice.forms):
        if cell.span is not None and cell.span.start is not None and cell.span.end is not None:
            expected[(cell.span.start, cell.span.end)] = cell.raw
    assert any(raw.startswith("again") for raw in expected.values())
    spans = sorted(expected)
    for wanted in (spans, spans[:3], spans[-3:], spans[::5]):
        assert _raws_at(twice, set(wanted)) == {span: expected[span] for span in wanted}


FACTS = st.none() | st.dictionaries(st.sampled_from(["name", "value", "column", "level2", "note"]), TEXT, max_size=5)


@given(st.lists(FACTS, min_size=1, max_size=4), st.sampled_from(["“{name}”{value}", "{column}{note}", "{x}{name}"]))
def test_a_grouped_items_text_and_merged_facts_are_made_from_the_facts_each_time_alike(
        facts: list[dict[str, str] | None], template: str) -> None:
    """A grouped finding's item text (remembered by the facts' identity) and a row's merged facts (shared by
    findings that share their facts) are what the facts say, asked twice."""
    from goallint.checks.support.base import Finding
    from goallint.checks.support.columns import BOTH, _joined
    from goallint.checks.support.grouping import _Facts, _item

    for _ in range(2):
        for each in facts:
            assert _item(template, each) == template.format_map(_Facts(each or {}))
            cell, other = Cell("1", Span(1, 1, 1, 2, 0, 1)), Cell("2", Span(1, 3, 1, 4, 2, 3))
            merged = _joined(Finding("年度指标值“1”", cell, "f", facts=each), Finding("x", other, "f", facts=each))
            assert merged.message == f"{BOTH}“1”"
            assert merged.facts == (each if each is None or "column" not in each
                                    else {**each, "column": BOTH.removesuffix("指标值")})
            assert merged.related == (other,)


@given(TEXT, st.none() | st.builds(Cell, TEXT), TEXT, FIXES, st.lists(st.builds(Cell, TEXT), max_size=2).map(tuple),
       st.lists(TEXT, max_size=2).map(tuple), FACTS)
def test_made_finding_is_the_constructors_finding(message: str, cell: Cell | None, field: str, fix: Fix | None,
                                                  related: tuple[Cell, ...], related_fields: tuple[str, ...],
                                                  facts: dict[str, str] | None) -> None:
    from goallint.checks.support.base import Finding, made_finding

    made = made_finding(message, cell, field, fix, related, related_fields, facts)
    built = Finding(message, cell, field, fix, related, related_fields, facts)
    assert type(made) is Finding and made == built and list(vars(made).items()) == list(vars(built).items())
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.message = "changed"  # type: ignore[misc]


SPANS = st.none() | st.builds(Span, st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
                              st.none(), st.none(), st.none() | st.just("Sheet1"), st.none() | st.just("B2"))
CELLS = st.builds(Cell, st.sampled_from(["≥95%", "持续提高", "<b>10</b>"]), SPANS)
FINDINGS = st.builds(
    lambda message, cell, field, fix, related, fields, facts: base.made_finding(message, cell, field, fix, related,
                                                                                fields, facts),
    st.sampled_from(["年度指标值“{x}”", "实施周期指标值“{x}”", "m"]), st.none() | CELLS, st.sampled_from(["a/b/c", ""]),
    FIXES, st.lists(CELLS, max_size=2).map(tuple), st.lists(TEXT, max_size=2).map(tuple), FACTS)


@given(st.lists(FINDINGS, min_size=2, max_size=5), SPANS.filter(lambda span: span is not None))
def test_a_grouped_diagnostic_is_the_grouped_findings_diagnostic(findings: list[Any], form_span: Span) -> None:
    """The engine places a rule's grouped findings from `grouped_parts` without making the grouped finding: what
    `_diagnostic` makes of `grouped(...)` (its places by `_places`), with every named cell's text."""
    from goallint.checks.support.grouping import Grouping, _item, _joined_fix, _places, grouped, grouped_parts
    from goallint.engine import _diagnostic, _grouped_diagnostic

    grouping = Grouping(message="{count} 处：{items}", item="“{name}”{value}")
    rule = make_engine().rules[0]
    made = _grouped_diagnostic(rule, "warning", grouping, findings, form_span, "表", "p.txt")
    finding = grouped(grouping, findings)
    expected = _diagnostic(rule, "warning", finding, form_span, "表", "p.txt",
                           "、".join(cell.text for cell in (finding.cell, *finding.related) if cell))
    assert made == expected
    places = [place for each in findings for place in _places(each)][1 if findings[0].cell is not None else 0:]
    items = dict.fromkeys([_item(grouping.item, each.facts) for each in findings])
    assert grouped_parts(grouping, findings) == (
        grouping.message.format(count=len(items), items=grouping.separator.join(items)),
        _joined_fix([each.fix for each in findings]), tuple(cell for cell, _ in places),
        tuple(field for _, field in places))


@given(st.lists(st.tuples(st.integers(0, 3), st.lists(FINDINGS, min_size=1, max_size=3)), max_size=4),
       st.lists(st.lists(st.integers(0, 3), max_size=3), min_size=4, max_size=4))
def test_precedence_drops_what_an_outranking_rule_found_at_the_same_place(
        found_by: list[tuple[int, list[Any]]], outranked_by: list[list[int]]) -> None:
    """`_precedence` (the places of outranking rules' findings only, `_place` written out) drops a finding
    exactly when a rule named in its rule's `suppressed_by` found something at the same place."""
    from goallint.engine import _place, _precedence

    rules = [dataclasses.replace(rule, suppressed_by=[f"GL9{other}0" for other in outranked_by[index]],
                                 code=f"GL9{index}0") for index, rule in enumerate(make_engine().rules[:4])]
    found = [((rules[index], "warning"), items) for index, items in found_by]
    form_span = Span(1, 1, 1, 1)
    places: dict[str, set[tuple[int, ...]]] = {}
    for (rule, _), items in found:
        places.setdefault(rule.code, set()).update(_place(finding, form_span) for finding in items)
    expected = []
    for placed, items in found:
        left = [finding for finding in items
                if not any(_place(finding, form_span) in places.get(code, set()) for code in placed[0].suppressed_by)]
        if left:
            expected.append((placed, left))
    outranking = frozenset(code for rule in rules for code in rule.suppressed_by)
    assert _precedence(found, form_span, outranking) == expected


@given(st.lists(st.tuples(st.none() | CELLS, st.none() | CELLS, st.booleans()), max_size=8))
def test_value_spots_are_where_each_value_cell_stands_last(rows: list[tuple[Cell | None, Cell | None, bool]]) -> None:
    """`value_spots` (one tuple per spot, made once) answers every value cell as a walk over the rows does; a
    row may hold one cell in both columns."""
    from goallint.checks.support.columns import value_spots

    indicators = [Indicator(period_value=period, annual_value=period if same else annual)
                  for period, annual, same in rows]
    form = dataclasses.replace(read_path(ROOT / "examples" / "001_8dd0aec2d39c09c7.txt", "x").forms[0],
                               indicators=indicators)
    expected: dict[int, tuple[int, str]] = {}
    for index, indicator in enumerate(indicators):
        for column, cell in (("period", indicator.period_value), ("annual", indicator.annual_value)):
            if cell is not None:
                expected[id(cell)] = (index, column)
    spots = value_spots(form)
    assert {key: spot for key, spot in spots.items() if key != id(None)} == expected


def test_a_kind_that_finds_nothing_in_forms_is_not_run_on_them() -> None:
    """The input rules (a file's reading problems) find nothing in any form: the engine leaves their steps out
    of a form's rules, which changes no form's findings."""
    from goallint.checks import KINDS, input_problem

    engine = make_engine()
    assert any(rule.kind == "input" for rule in engine.active)
    for path in sorted((ROOT / "examples").glob("*.txt"))[:5]:
        for form in read_path(path, str(path)).forms:
            profile = engine._profile(form)
            steps, _ = engine._dispatch(form.kind, profile)
            assert steps and all(step.placed[0].kind != "input" for step in steps)
            ctx = FormContext(form, profile)
            assert not any(input_problem.run(rule.check, ctx) for rule in engine.active if rule.kind == "input")
    assert [kind for kind, module in KINDS.items() if not getattr(module, "FINDS_IN_FORMS", True)] == ["input"]
