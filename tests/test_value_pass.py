"""The value rules' one pass per form (`value._form_pass`) gives each rule what it finds running alone, and a
rule's internal error stays that rule's."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.checks import value
from goallint.checks.support.base import Finding, FormContext
from goallint.engine import Engine, make_engine
from goallint.model import AnyForm, Cell
from goallint.readers import read_path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = make_engine()
VALUE_RULES = [rule for rule in ENGINE.active if rule.kind == "value"]
FORMS = [form for path in sorted((ROOT / "examples").glob("*.txt")) for form in read_path(path).forms
         if form.unread is None]
VALUES = sorted({cell.raw for form in FORMS for item in form.indicators
                 for cell in (item.period_value, item.annual_value) if cell is not None})
NAMES = sorted({item.name.raw for form in FORMS for item in form.indicators if item.name is not None})


def _by_rule(form: AnyForm, engine: Engine, alone: bool) -> list[list[Finding]]:
    ctx = FormContext(form=form, profile=engine._profile(form), vocabularies=engine.vocabularies)
    out = []
    for rule in VALUE_RULES:
        ctx.where = rule.where
        out.append(list(value._run_alone(rule.check, ctx) if alone else value.run(rule.check, ctx)))
    return out


def test_the_pass_finds_what_each_rule_finds_alone_on_the_examples() -> None:
    for form in FORMS:
        _by_rule(form, ENGINE, alone=False)  # the roster learns the rules (each runs alone the first time)
    for form in FORMS:
        assert _by_rule(form, ENGINE, alone=False) == _by_rule(form, ENGINE, alone=True)


values = st.one_of(st.sampled_from(VALUES), st.text(alphabet="0123456789.%≥≤<>~-元人个万年月底前无良好提高，、①②：", max_size=12))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FORMS), st.lists(st.tuples(st.sampled_from(NAMES), values, values), min_size=1, max_size=12))
def test_the_pass_finds_what_each_rule_finds_alone_on_any_values(form: AnyForm,
                                                               rows: list[tuple[str, str, str]]) -> None:
    """Indicators of an example form with other names and values (rows and values the roster has not met)."""
    indicators = [replace(item, name=Cell(name), period_value=Cell(period), annual_value=Cell(annual))
                  for item, (name, period, annual) in zip(form.indicators, rows, strict=False)]
    changed = replace(form, indicators=indicators)
    _by_rule(changed, ENGINE, alone=False)
    assert _by_rule(changed, ENGINE, alone=False) == _by_rule(changed, ENGINE, alone=True)


def test_a_rule_error_is_that_rule_s_alone() -> None:
    """A case whose predicate raises fails its own rule (in the engine's report: that rule's internal error);
    the other value rules find what they find without it."""
    path = ROOT / "examples" / "000_9fd6cdad8612f9fc.txt"
    forms = [form for form in read_path(path).forms if form.unread is None]
    expected = [_by_rule(form, ENGINE, alone=True) for form in forms]
    broken = next(index for index, rule in enumerate(VALUE_RULES) if rule.code == "GL303")
    when = VALUE_RULES[broken].check.cases[0].when
    predicate = when.predicate

    def fails(subject: object) -> bool:
        raise RuntimeError("boom")

    value._JUDGED.clear()  # verdicts remembered from other tests would not ask the predicate
    value._ROSTERS.clear()  # nor would what a roster remembers of the cells its rules report
    when.__dict__["predicate"] = fails
    try:
        report = make_engine().lint_result(read_path(path))
        for form, wanted in zip(forms, expected, strict=True):
            ctx = FormContext(form=form, profile=ENGINE._profile(form), vocabularies=ENGINE.vocabularies)
            for index, rule in enumerate(VALUE_RULES):
                ctx.where = rule.where
                if index == broken:
                    with pytest.raises(RuntimeError):
                        list(value.run(rule.check, ctx))
                else:
                    assert list(value.run(rule.check, ctx)) == wanted[index]
    finally:
        when.__dict__["predicate"] = predicate
        value._JUDGED.clear()
        value._ROSTERS.clear()
    assert report.errors and all("GL303" in error and "boom" in error for error in report.errors)


@settings(max_examples=200, deadline=None)
@given(values)
def test_a_subjects_facts_are_those_of_its_values_items(raw: str) -> None:
    """`Subject` works its facts out in one loop over the items: each is what its definition says."""
    from goallint.checks.support import value_facts
    from goallint.checks.support.value_when import Subject, _invalid_range, _out_of_range
    from goallint.values import normalize, parse_value
    from goallint.values.types import Bound, Qualitative, Quantity, Range

    parsed = parse_value(raw)
    subject = Subject(parsed, normalize(raw).text, lambda name: [])
    items = list(value_facts.leaves(parsed))
    numeric = [item for item in items if isinstance(item, Quantity | Bound | Range)]
    assert subject.items == items and subject.numeric == numeric
    assert subject.kinds == frozenset([parsed.kind, *(item.kind for item in items)])
    assert subject.vague == any(isinstance(item, Qualitative) and item.vague for item in items)
    assert subject.invalid_range == any(_invalid_range(item) for item in numeric)
    assert subject.out_of_range == any(_out_of_range(item) for item in numeric)


def _leaf_reference(test: object, leaf: object) -> bool:
    """A leaf test as its keys say, one by one (what `value_when._compile_leaf` compiles)."""
    from goallint.checks.support import value_facts
    from goallint.checks.support.value_when import _outside, unit_matches
    from goallint.values.types import Range

    t: Any = test
    item: Any = leaf
    if t.ops is not None and (None if isinstance(item, Range) else item.op) not in t.ops:
        return False
    if t.units is not None and not unit_matches(item.unit, t.units):
        return False
    numbers = value_facts.numbers(item)
    if t.equals is not None and not any(n == t.equals for n in numbers):
        return False
    if t.at_least is not None and not any(n >= t.at_least for n in numbers):
        return False
    if t.below is not None and not all(n < t.below for n in numbers):
        return False
    return t.outside is None or _outside(item, *t.outside)


LEAF_VALUES = st.one_of(st.sampled_from(VALUES), st.text(alphabet="0123456789.%≥≤<>~-元人个万年次天", max_size=10))
NUMBERS = st.sampled_from(["0", "1", "5", "50", "90", "95", "100", "120"]).map(Decimal)


@settings(max_examples=300, deadline=None)
@given(LEAF_VALUES, st.none() | st.lists(st.sampled_from(["=", ">=", ">", "<=", "<"]), min_size=1, max_size=3),
       st.none() | st.lists(st.sampled_from(["percent", "money", "time", "count", "none", "人", "元", "次"]),
                            min_size=1, max_size=3),
       st.none() | NUMBERS, st.none() | NUMBERS, st.none() | NUMBERS, st.none() | st.tuples(NUMBERS, NUMBERS))
def test_a_compiled_leaf_test_is_its_keys_one_by_one(raw: str, ops: Any, units: Any, equals: Any, at_least: Any,
                                                     below: Any, outside: Any) -> None:
    from goallint.checks.support import value_facts
    from goallint.checks.support.value_when import LeafTest, When, unit_matches
    from goallint.values import normalize, parse_value

    test = LeafTest(ops=ops, units=units, equals=equals, at_least=at_least, below=below,
                    outside=None if outside is None else (min(outside), max(outside)))
    parsed = parse_value(raw)
    for leaf in value_facts.numeric_leaves(parsed):
        assert test.predicate(leaf) == _leaf_reference(test, leaf)
    if units is not None:
        from goallint.checks.support.value_when import Subject

        subject = Subject(parsed, normalize(raw).text, lambda name: [])
        expected = len(subject.numeric) == len(subject.items) > 0 and all(unit_matches(n.unit, units)
                                                                          for n in subject.numeric)
        assert When(units_all=units).predicate(subject) == expected
