"""The `assert` expression language: grammar, limits, unknown fields, no eval, Decimal evaluation, messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from goallint.arith.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    EvalError,
    ExprError,
    compile_expr,
    evaluate,
    holds,
    render,
)
from goallint.checks import assert_
from goallint.checks.support.base import FormContext
from goallint.model import Cell, DepartmentForm, Task
from goallint.packs import PackError, parse_pack
from goallint.profiles import get_profile

FIELDS: dict[str, Any] = {"a": "scalar", "b": "scalar", "x.y": "scalar", "items": "list"}
D = Decimal


def value(source: str, **env: Any) -> Decimal:
    compiled = compile_expr(f"{source} = 0", FIELDS)
    return evaluate(compiled.left, {key.replace("__", "."): v for key, v in env.items()})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 × 3", D(7)),
        ("(1 + 2) * 3", D(9)),
        ("10 ÷ 4", D("2.5")),
        ("10 / 4 - 1 − 1", D("0.5")),
        ("-a + 1", D(-4)),
        ("abs(-a)", D(5)),
        ("min(a, b, 7)", D(3)),
        ("max(items)", D(30)),
        ("sum(items) + count(items)", D(63)),
        ("x.y * 10000", D("5741100")),
        ("0.1 + 0.2", D("0.3")),  # Decimal, not float
    ],
)
def test_evaluation(source: str, expected: Decimal) -> None:
    assert value(source, a=D(5), b=D(3), items=[D(10), D(20), D(30)], x__y=D("574.11")) == expected


def test_comparators_and_tolerance() -> None:
    compiled = compile_expr("a ≈[0.03] b", FIELDS)
    assert (compiled.op, compiled.tolerance) == ("≈", D("0.03"))
    for text, op in (("==", "="), ("!=", "≠"), ("<=", "≤"), (">=", "≥"), ("~=", "≈"), ("<", "<"), ("≥", "≥")):
        assert compile_expr(f"a {text} b", FIELDS).op == op
    assert holds("≈", D("225.75"), D("225.74"), D("0.03"))
    assert not holds("≈", D("235.75"), D("225.74"), D("0.03"))
    assert holds("≤", D(100), D(50), D(50)) and not holds("≤", D(101), D(50), D(50))
    assert not holds("<", D(5), D(5), D(0)) and holds("≥", D(5), D(5), D(0))
    assert holds("≠", D(1), D(2), D(0)) and not holds("≠", D(1), D(1), D(0))


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("a +", "syntax error at column"),
        ("a b", "syntax error"),
        ("a = b = c", "syntax error"),
        ("a", "syntax error"),
        ("a = $b", "unexpected character '$'"),
        ("unknown.field = 1", "unknown field 'unknown.field'"),
        ("a.__class__ = 1", "unknown field 'a.__class__'"),
        ("__import__('os') = 1", "syntax error at column 11: unexpected '(' (the functions are abs, count, max"),
        ("eval(a) = 1", "unexpected '('"),
        ("items = 1", "is a list"),
        ("count(a) = 1", "count() takes a list field"),
        ("abs(a, b) = 1", "abs() takes one argument"),
        ("a ** 2 = 1", "syntax error"),
        ("1234567890123456 = a", "too large"),
    ],
)
def test_load_time_errors(source: str, error: str) -> None:
    with pytest.raises(ExprError, match=None) as caught:
        compile_expr(source, FIELDS)
    assert error in str(caught.value)
    assert "\n" not in str(caught.value)


def test_limits_on_length_and_depth() -> None:
    with pytest.raises(ExprError, match="too long"):
        compile_expr("a + " * (MAX_LENGTH // 4) + "a = 1", FIELDS)
    deep = "(" * (MAX_DEPTH + 2) + "a" + ")" * (MAX_DEPTH + 2)
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr(f"abs({deep.replace('(', 'abs(')}) = 1", FIELDS)
    compile_expr("(" * 10 + "a" + ")" * 10 + " = 1", FIELDS)  # parentheses alone add no depth


def test_bounded_magnitude_and_division_by_zero_are_not_findings() -> None:
    big = compile_expr("999999999999999 * 999999999999999 * 999999999999999 * 999999999999999 = a", FIELDS)
    with pytest.raises(EvalError):
        evaluate(big.left, {})
    with pytest.raises(EvalError):
        evaluate(compile_expr("a / b = 1", FIELDS).left, {"a": D(1), "b": D(0)})
    with pytest.raises(EvalError):
        evaluate(compile_expr("a = 1", FIELDS).left, {"a": None})


def test_render_shows_every_term() -> None:
    compiled = compile_expr("(a + b) × 2 + sum(items) ≤ x.y", FIELDS)
    env: dict[str, Any] = {"a": D("574.11"), "b": D(1), "items": [D(10), D(20)], "x.y": D(5)}
    labels = {"a": "基本支出", "b": "项目支出", "items": "任务资金", "x.y": "财政拨款"}
    assert render(compiled.left, env, labels) == "(基本支出 574.11 + 项目支出 1) × 2 + 任务资金合计 30"
    assert render(compiled.right, env, labels) == "财政拨款 5"


# -- the kind, through a rule pack ----------------------------------------------------------------------
def _pack(check: dict[str, Any]) -> Any:
    rule = {"code": "GL599", "name": "custom-check", "severity": "warning", "where": {"forms": ["department"]},
            "check": {"kind": "assert", "message": "{left} = {left_value}，{right} = {right_value}", **check},
            "doc": {"summary": "s", "why": "w", "bad": "b", "good": "g"}}
    return parse_pack({"pack": "mine", "rules": [rule]})


@pytest.mark.parametrize(
    ("check", "error"),
    [
        ({"expr": "expenditure.basic = income.nothing"}, "rules[0].check: expr: unknown field 'income.nothing'"),
        ({"expr": "expenditure.basic ="}, "rules[0].check: expr: syntax error at column"),
        ({"expr": "budget = 1", "message": "{oops}"}, "message: 占位符"),
        ({"expr": "budget = 1", "at": "nowhere"}, "at: 未知的字段 'nowhere'"),
    ],
)
def test_pack_loader_reports_a_bad_expression_with_its_key(check: dict[str, Any], error: str) -> None:
    with pytest.raises(PackError) as caught:
        _pack(check)
    assert error in str(caught.value)


def _department(**cells: str) -> DepartmentForm:
    tasks = [Task(name=Cell(raw="任务"), amount=Cell(raw=amount)) for amount in cells.pop("tasks", "").split() if amount]
    return DepartmentForm(name=Cell(raw="甲办公室"), tasks=tasks, **{k: Cell(raw=v) for k, v in cells.items()})


def _run(check: dict[str, Any], form: DepartmentForm) -> list[str]:
    params = _pack(check).rules[0].check
    ctx = FormContext(form=form, profile=get_profile("dg2025"))
    return [finding.message for finding in assert_.run(params, ctx)]


def test_assert_kind_on_a_department_form() -> None:
    check = {"expr": "expenditure.basic + expenditure.project ≈ income.appropriation", "tolerance": "0.005",
             "per_term": True}
    assert _run(check, _department(basic="10.00", project="20.00", appropriation="30.01")) == []
    assert _run(check, _department(basic="10.00", project="20.00", appropriation="30.02")) == [
        "基本支出 10 + 项目支出 20 = 30，财政拨款 30.02 = 30.02"]


def test_missing_fields_skip_or_count_as_zero() -> None:
    check = {"expr": "expenditure.basic + expenditure.project = income.appropriation"}
    assert _run(check, _department(basic="10", appropriation="30")) == []  # skip: 项目支出 is empty
    assert len(_run({**check, "missing": "zero"}, _department(basic="10", appropriation="30"))) == 1
    assert _run({**check, "missing": "zero"}, _department(basic="10")) == []  # a side with no value at all


def test_list_fields_and_threshold_rules() -> None:
    check = {"expr": "max(tasks.amount) <= 0.5 * total * 10000"}
    assert _run(check, _department(appropriation="100", tasks="200000 300000")) == []
    assert _run(check, _department(appropriation="100", tasks="200000 600000")) == [
        "年度重点工作任务资金最大值 600,000 = 600,000，0.5 × 部门收入合计（财政拨款 + 其他资金，或资金总额） 100 × 10000 = 500,000"]


def test_project_fields_do_not_apply_to_department_forms() -> None:
    assert _run({"expr": "budget > 1000000"}, _department(appropriation="1")) == []
