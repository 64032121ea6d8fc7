"""Issue 18's reviewer checks on the seed forms as filed (examples/, the seed files): the goal text's count used
by the budget arithmetic where no quantity indicator holds it (001 两新组织党员活动经费), goal counts an indicator
contradicts or no indicator measures (GL109, GL110), and a department's cost standard against its own task
(GL506, 004); and property tests of the itemised-cost reading behind GL408."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from goallint.arith.itemised import itemised_costs
from goallint.engine import Input, make_engine

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _found(stem: str, select: list[str]) -> list[tuple[str, str, int, str]]:
    path = EXAMPLES / f"{stem}.txt"
    report = make_engine(select=select).run([Input(str(path), path)])
    return [(d.code, d.form, d.line, d.message) for d in report.diagnostics]


def test_the_goal_count_fills_the_arithmetic_of_001_and_the_message_says_so() -> None:
    """001 两新组织党员活动经费: `≤400元/人` with no person count among the indicators; the 年度目标's 749名 makes
    749 × 400 = 299,600 = the budget (no GL401–GL403), GL407 says the goal's count was used, GL110 stays silent."""
    found = [entry for entry in _found("001_8dd0aec2d39c09c7", ["GL401", "GL402", "GL403", "GL407", "GL110"])
             if entry[1] == "两新组织党员活动经费（镇）"]
    assert [(code, line) for code, _form, line, _message in found] == [("GL407", 71)]
    assert "预算按目标文字中的数量核对" in found[0][3]


def test_goal_counts_on_the_seeds() -> None:
    assert [(code, form, line) for code, form, line, _ in _found("000_9fd6cdad8612f9fc", ["GL109", "GL110"])] == [
        ("GL110", "镇党委党校专项经费", 285), ("GL109", "镇党委党校专项经费", 290)]
    assert [(code, form, line) for code, form, line, _ in _found("003_c889fea231715124", ["GL109", "GL110"])] == [
        ("GL109", "机关事业单位派遣人员经费", 67), ("GL110", "综治视联网建设专项费用", 182)]


def test_the_department_cost_standard_against_its_task_on_004() -> None:
    found = _found("004_958330f20d319429", ["GL506"])
    assert [(code, line) for code, _form, line, _ in found] == [("GL506", 43)]
    assert "690,000元" in found[0][3]


_ITEM = st.one_of(
    st.tuples(st.just("plain"), st.integers(1, 9999), st.sampled_from(["元", "万元"])),
    st.tuples(st.just("price"), st.integers(1, 999), st.integers(1, 9999)),
)


def _render(items: list[tuple[str, int, object]]) -> tuple[str, Decimal]:
    clauses, total = [], Decimal(0)
    for kind, number, other in items:
        if kind == "plain":
            clauses.append(f"费用{number}{other}")
            total += Decimal(number) * (10000 if other == "万元" else 1)
        else:
            clauses.append(f"购置设备{number}台,单价{other}元/台")
            total += Decimal(number) * Decimal(str(other))
    return "；".join(clauses), total


@given(st.lists(_ITEM, min_size=2, max_size=8))
def test_items_that_add_up_are_read_with_their_sum(items: list[tuple[str, int, object]]) -> None:
    text, total = _render(items)
    (found,) = itemised_costs(f"本项目主要用于：{text}；共计{total}元。")
    assert found.total == total and found.sum == total and len(found.items) == len(items)


@given(st.lists(_ITEM, min_size=2, max_size=8), st.integers(1, 10**6))
def test_a_stated_total_off_by_an_amount_is_off_by_that_amount(items: list[tuple[str, int, object]], off: int) -> None:
    text, total = _render(items)
    (found,) = itemised_costs(f"{text}；合计{total + off}元")
    assert found.total - found.sum == off


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text: str) -> None:
    for found in itemised_costs(text):
        assert found.items and 0 <= found.start < found.end <= len(text)
