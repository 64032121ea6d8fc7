"""Property tests of the budget arithmetic: a generated form that adds up is never reported (GL401–GL404);
the same form with its budget moved beyond the tolerance always is, by the rule its shape calls for."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from goallint.checks import reconcile
from goallint.checks.support.base import FormContext
from goallint.model import Cell, Indicator, ProjectForm
from goallint.packs import bundled_packs
from goallint.profiles import get_profile

D = Decimal
CENT = D("0.01")
RULES = {rule.code: rule for pack in bundled_packs() for rule in pack.rules
         if rule.code in ("GL401", "GL402", "GL403", "GL404")}
COST = {"dg2025": ("成本指标", "经济成本指标"), "legacy": ("产出指标", "成本指标")}
QUANTITY = {"dg2025": ("产出指标", "数量指标"), "legacy": ("产出指标", "数量指标")}


@dataclass
class Shape:
    """A generated cost standard with the counts its denominators need and the exact product."""

    standard: str
    counts: list[tuple[str, str]]
    product: Decimal
    op: str
    flat: bool


def lint(shape: Shape, budget: Decimal, profile: str, noise: bool) -> set[str]:
    rows = [Indicator(level1=Cell(raw=COST[profile][0]), level2=Cell(raw=COST[profile][1]), name=Cell(raw="支出标准"),
                      period_value=Cell(raw=shape.standard), annual_value=Cell(raw=shape.standard))]
    for index, (name, text) in enumerate(shape.counts):
        level1, level2 = QUANTITY[profile]
        rows.append(Indicator(level1=Cell(raw=level1) if index == 0 else None,
                              level2=Cell(raw=level2) if index == 0 else None, name=Cell(raw=name),
                              period_value=Cell(raw=text), annual_value=Cell(raw=text)))
    if noise:
        for name, text in (("发放频率", "1次/月"), ("发放准确率", "≥95%"), ("完成时间", "12月底前"), ("满意度", "≥90%")):
            rows.append(Indicator(level2=Cell(raw="质量指标"), name=Cell(raw=name), annual_value=Cell(raw=text)))
    form = ProjectForm(name=Cell(raw="生成的项目"), budget=Cell(raw=format(budget, "f")), indicators=rows)
    ctx = FormContext(form=form, profile=get_profile(profile))
    found = set()
    for code, rule in RULES.items():
        ctx.where = rule.where
        if list(reconcile.run(rule.check, ctx)):
            found.add(code)
    return found


ops = st.sampled_from(["", "", "≤", "<", "≥", "约"])
persons = st.integers(1, 400)
person_texts = st.sampled_from(["{n}人", "{n}名", "{n}名社工", "{n}名党建组织员"])


@st.composite
def amounts(draw: st.DrawFn) -> tuple[str, Decimal]:
    """A money amount as written (元 with 0–2 decimals, or 万 with 1–2 decimals) and its value in 元."""
    if draw(st.booleans()):
        tenths = draw(st.integers(1, 3000))
        return f"{D(tenths) / 100}万", D(tenths) * 100
    value = D(draw(st.integers(1, 20_000_000))) / (100 if draw(st.booleans()) else 1)
    return format(value, "f"), value


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    op = draw(ops)
    number, value = draw(amounts())
    kind = draw(st.sampled_from(["month", "year", "person", "village", "village_noun", "copies", "visits", "days",
                                 "flat_year", "flat", "flat_month"]))
    n = draw(persons)
    person = draw(person_texts).format(n=n)
    counts: list[tuple[str, str]] = []
    if kind == "month":
        unit, counts, factor = draw(st.sampled_from(["元/人/月", "元/月/人"])), [("补助人数", person)], 12 * n
    elif kind == "year":
        unit, counts, factor = "元/人/年", [("发放人数", person)], n
    elif kind == "person":
        unit, counts, factor = "元/人", [("奖励人数", person)], n
    elif kind == "village":
        unit, counts, factor = "元/年/村", [("补助村数", f"{n}个")], n
    elif kind == "village_noun":
        unit, counts, factor = "元/年/村", [("补助对象", f"{n}个村")], n
    elif kind == "copies":
        unit, counts, factor = "元/份", [("慰问品数量", f"{n}份")], n
    elif kind == "visits":
        unit, counts, factor = "元/人/次", [("培训人次", f"{n}人次")], n
    elif kind == "days":
        days = draw(st.integers(1, 30))
        unit, counts, factor = "元/人/天", [("参训人数", person), ("培训天数", f"{days}天")], n * days
    elif kind == "flat_month":
        unit, factor = "元/月", 12
    else:
        unit, factor = ("元/年" if kind == "flat_year" else "元"), 1
    return Shape(f"{op}{number}{unit}", counts, value * factor, op, kind.startswith("flat"))


def _round(value: Decimal, up: bool) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_CEILING if up else ROUND_FLOOR)


@st.composite
def reconciling_budgets(draw: st.DrawFn, shape: Shape) -> Decimal:
    """A budget that the shape's arithmetic allows."""
    p = shape.product
    if shape.op == "≥":
        return _round(p * D(draw(st.integers(1000, 3000))) / 1000, up=True)
    if shape.op in ("≤", "<"):
        top = 999 if shape.op == "<" else 1000
        return _round(p * D(draw(st.integers(1, top))) / 1000, up=False)
    if shape.op == "约":
        return _round(p * D(draw(st.integers(960, 1040))) / 1000, up=False)
    return _round(p + p * D(draw(st.integers(-9, 9))) / 10000, up=False)  # within 0.09%


@st.composite
def perturbed_budgets(draw: st.DrawFn, shape: Shape) -> tuple[Decimal, str]:
    """A budget beyond the tolerance, and the rule that must report it."""
    p = shape.product
    move = max(p * D(draw(st.integers(5, 900))) / 1000, D(3))
    if shape.op == "≥":
        code, budget = "GL403", p - move
    elif shape.op in ("≤", "<"):
        code, budget = "GL402", p + move  # a strict cap at its own end is read as a cap (≤): not beyond it
    elif shape.op == "约":
        code = "GL401"
        budget = p * D("1.05") + move if draw(st.booleans()) else p * D("0.95") - move
    else:
        code, budget = "GL401", p + move if draw(st.booleans()) else p - move
    assume(budget > 0)
    return _round(budget, up=budget > p), ("GL404" if shape.flat else code)


PROFILES = st.sampled_from(["dg2025", "legacy"])
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), profile=PROFILES, noise=st.booleans())
def test_a_form_that_adds_up_is_never_reported(data: st.DataObject, profile: str, noise: bool) -> None:
    shape = data.draw(shapes())
    budget = data.draw(reconciling_budgets(shape))
    assert lint(shape, budget, profile, noise) == set(), (shape, budget)


@SETTINGS
@given(data=st.data(), profile=PROFILES, noise=st.booleans())
def test_a_budget_beyond_tolerance_is_always_reported_by_the_right_rule(
        data: st.DataObject, profile: str, noise: bool) -> None:
    shape = data.draw(shapes())
    budget, code = data.draw(perturbed_budgets(shape))
    assert lint(shape, budget, profile, noise) == {code}, (shape, budget)


@SETTINGS
@given(data=st.data(), second=persons, profile=PROFILES)
def test_several_person_counts_every_reading_is_tried(data: st.DataObject, second: int, profile: str) -> None:
    """With two person counts, a budget computed from either count or from their sum is not reported."""
    number, value = data.draw(amounts())
    first = data.draw(persons)
    unit, months = data.draw(st.sampled_from([("元/人/月", 12), ("元/人/年", 1), ("元/人", 1)]))
    used = data.draw(st.sampled_from([first, second, first + second]))
    shape = Shape(f"{number}{unit}", [("在职人数", f"{first}人"), ("离退休人数", f"{second}名")],
                  value * months * used, "", False)
    assert lint(shape, _round(shape.product, up=False), profile, False) == set()
