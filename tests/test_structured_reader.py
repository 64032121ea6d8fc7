"""The structured (YAML/JSON) reader: the binding format, positions, waivers, carry-down, hostile input."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.model import DepartmentForm, ProjectForm
from goallint.readers import read_bytes
from goallint.readers.structured import MAX_DEPTH, read

EXAMPLE = """\
forms:
  - kind: project
    name: 党建组织员工资补贴
    department: 东莞市清溪镇党建和组织人事办公室
    budget_year: 2025
    period_start: 2022
    period_end: 2099
    budget: 1893200
    period_goal: 保障党建组织员队伍稳定
    annual_goal: 保障党建组织员队伍稳定
    indicators:
      - {level1: 成本指标, level2: 经济成本指标, name: 支出标准, period: 10.3万元/人/年, annual: 10.3万元/人/年}
      - {level1: 产出指标, level2: 数量指标, name: 发放工资补贴人数, period: 23名党建组织员, annual: 23名党建组织员}
      - {level2: 质量指标, name: 工作考核达标率, period: ≥95%, annual: ≥95%}
"""


def read_text(text: str, name: str = "form.yaml") -> tuple[list[ProjectForm | DepartmentForm], str | None]:
    result = read(text.encode("utf-8"), name)
    return result.forms, (result.problem[0] + " " + result.problem[1]) if result.problem else None


def only_project(text: str, name: str = "form.yaml") -> ProjectForm:
    forms, problem = read_text(text, name)
    assert problem is None
    assert len(forms) == 1 and isinstance(forms[0], ProjectForm)
    return forms[0]


def test_binding_example_reads() -> None:
    form = only_project(EXAMPLE)
    assert form.name is not None and form.name.raw == "党建组织员工资补贴"
    assert form.budget is not None and form.budget.raw == "1893200"
    assert form.budget_year == 2025
    assert form.budget_unit == "元"
    assert form.period_end is not None and form.period_end.raw == "2099"
    assert [ind.name.raw for ind in form.indicators if ind.name] == ["支出标准", "发放工资补贴人数", "工作考核达标率"]
    assert form.path == "form.yaml"


def test_carry_down_of_level1_and_level2() -> None:
    form = only_project(EXAMPLE)
    third = form.indicators[2]
    assert third.level1 is not None and third.level1.raw == "产出指标"
    assert third.level2 is not None and third.level2.raw == "质量指标"
    text = "kind: project\nindicators:\n  - {level1: 产出指标, level2: 数量指标, name: a}\n  - {name: b}\n  - {level1: null, name: c}\n"
    form = only_project(text)
    assert form.indicators[1].level2 is not None and form.indicators[1].level2.raw == "数量指标"
    assert form.indicators[2].level1 is None  # an explicit null is not carried
    assert form.indicators[2].level2 is not None and form.indicators[2].level2.raw == "数量指标"


def test_positions_point_at_the_yaml_scalars() -> None:
    result = read(EXAMPLE.encode(), "form.yaml")
    assert result.text is not None
    form = result.forms[0]
    lines = EXAMPLE.splitlines()
    cells = [form.name, form.budget, form.indicators[2].annual_value, form.indicators[0].level1]
    for cell in cells:
        assert cell is not None and cell.span is not None
        span = cell.span
        assert result.text[span.start : span.end] == cell.raw
        line = lines[span.line - 1]
        assert line[span.column - 1 : span.end_column - 1] == cell.raw
    assert form.budget is not None and form.budget.span is not None and form.budget.span.line == 8
    carried = form.indicators[2].level1
    assert carried is not None and carried.span is not None and carried.span.line == 13


def test_quoted_scalar_span_is_its_inside() -> None:
    text = 'kind: project\nname: "党建: 补贴"\nbudget: \'75,000\'\n'
    form = only_project(text)
    assert form.name is not None and form.name.span is not None
    assert text[form.name.span.start : form.name.span.end] == "党建: 补贴"
    assert form.budget is not None and form.budget.span is not None
    assert text[form.budget.span.start : form.budget.span.end] == "75,000"


def test_numbers_keep_the_text_written() -> None:
    form = only_project("kind: project\nbudget: 574.10\nperiod_start: 0x10\nname: yes\n")
    assert form.budget is not None and form.budget.raw == "574.10"
    assert form.period_start is not None and form.period_start.raw == "0x10"
    assert form.name is not None and form.name.raw == "yes"


def test_waivers_at_form_and_indicator_level() -> None:
    text = (
        "forms:\n  - kind: project\n    goallint-ignore: [GL404, GL401]\n"
        "    indicators:\n      - {name: a, goallint-ignore: [GL301]}\n      - {name: b, goallint-ignore: GL302}\n"
    )
    form = only_project(text)
    assert form.ignore == ["GL404", "GL401"]
    assert form.indicators[0].ignore == ["GL301"]
    assert form.indicators[1].ignore == ["GL302"]


def test_department_form_with_tasks() -> None:
    text = """\
kind: department
name: 东莞市清溪镇党建和组织人事办公室
staff_count: 34
basic: 574.11
appropriation: "1,684.82"
tasks:
  - name: 扎实推进基层党组织建设工作
    content: 把项目纳入一把手项目
    amount: "100,000.00"
    expected: 有效推动
other_tasks: []
indicators:
  - {level1: 成本指标, level2: 经济成本指标, name: 人均培训成本, period: ≥150元/人/次, annual: ≥150元/人/次}
"""
    forms, problem = read_text(text)
    assert problem is None
    form = forms[0]
    assert isinstance(form, DepartmentForm)
    assert form.basic is not None and form.basic.raw == "574.11"
    assert form.tasks[0].amount is not None and form.tasks[0].amount.raw == "100,000.00"
    assert form.tasks[0].amount.span is not None and form.tasks[0].amount.span.line == 9
    assert form.indicators[0].period_value is not None and form.indicators[0].period_value.raw == "≥150元/人/次"


def test_top_level_list_and_several_documents() -> None:
    forms, problem = read_text("- {kind: project, name: a}\n- {kind: department, name: b}\n")
    assert problem is None and [f.kind for f in forms] == ["project", "department"]
    forms, problem = read_text("kind: project\nname: a\n---\nforms:\n  - {kind: project, name: b}\n")
    assert problem is None and [f.name.raw for f in forms if f.name] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "GL001"),
        ("hello\n", "GL001"),
        ("forms: []\n", "GL001"),
        ("forms:\n  - kind: projekt\n", "GL002 第 2 行：forms[0].kind"),
        ("forms:\n  - name: a\n", "GL002 第 2 行：forms[0].kind: 缺少 kind"),
        ("forms:\n  - kind: project\n    anual_goal: x\n", "GL002 第 3 行：forms[0].anual_goal: 未知的键"),
        ("kind: project\nbudget_year: 2025年\n", "GL002 第 2 行：budget_year"),
        ("kind: project\nbudget_unit: 千元\n", "GL002 第 2 行：budget_unit"),
        ("kind: project\nindicators:\n  - {name: [1, 2]}\n", "GL002 第 3 行：indicators[0].name: 应为文字或数字"),
        ("kind: project\nname: a\nname: b\n", "GL002 第 3 行：键 'name' 重复"),
        ("kind: project\nname: [a\n", "GL002 第 3 行"),
        ("forms: 3\n", "GL002 第 1 行：forms: `forms` 应是表单的列表"),
        ("forms: []\nversion: 1\n", "GL002 第 2 行：version: 未知的顶层键"),
        ("base: &b {kind: project}\nforms:\n  - <<: *b\n", "GL002 第 3 行：不支持合并键"),
    ],
)
def test_bad_documents_give_one_line_problems(text: str, expected: str) -> None:
    forms, problem = read_text(text)
    assert forms == []
    assert problem is not None and problem.startswith(expected)
    assert "\n" not in problem


def test_python_tags_are_refused() -> None:
    for text in (
        "!!python/object/apply:os.system ['echo hacked']\n",
        "forms:\n  - !!python/object:builtins.dict {kind: project}\n",
        "kind: project\nname: !custom x\n",
    ):
        forms, problem = read_text(text)
        assert forms == [] and problem is not None and problem.startswith("GL002") and "标签" in problem


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    forms, problem = read_text("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2
    assert forms == [] and problem is not None and problem.startswith("GL002") and "别名" in problem


def test_many_aliases_are_refused() -> None:
    text = "x: &x a\nl: [" + ", ".join(["*x"] * 1000) + "]\n"
    forms, problem = read_text(text)
    assert problem is not None and problem.startswith("GL002") and "别名" in problem


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_deep_nesting_is_refused_quickly(name: str) -> None:
    for text in ("[" * 100_000, "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)):
        started = time.perf_counter()
        forms, problem = read_text(text, name)
        assert time.perf_counter() - started < 2
        assert forms == [] and problem is not None and problem.startswith("GL002")


def test_json_reads_with_positions() -> None:
    document = {"forms": [{"kind": "project", "name": "党建 \\ 补贴", "budget": 1893200,
                           "indicators": [{"level1": "成本指标", "name": "支出标准", "annual": "10.3万元/人/年"},
                                          {"name": "b", "goallint-ignore": ["GL301"]}]}]}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    result = read(text.encode(), "form.json")
    assert result.problem is None
    form = result.forms[0]
    assert isinstance(form, ProjectForm)
    assert form.name is not None and form.name.raw == "党建 \\ 补贴"
    assert form.name.span is not None and text[form.name.span.start : form.name.span.end] == '"党建 \\\\ 补贴"'
    assert form.budget is not None and form.budget.raw == "1893200" and form.budget.span is not None
    assert text[form.budget.span.start : form.budget.span.end] == "1893200"
    annual = form.indicators[0].annual_value
    assert annual is not None and annual.span is not None
    assert text.splitlines()[annual.span.line - 1].strip().startswith('"annual": "10.3万元/人/年"')
    assert form.indicators[1].level1 is not None and form.indicators[1].level1.raw == "成本指标"
    assert form.indicators[1].ignore == ["GL301"]


def test_json_huge_numbers_are_text() -> None:
    digits = "9" * 5000
    text = '{"kind": "project", "budget": ' + digits + ', "period_budget": 1e999999}'
    form = only_project(text, "huge.json")
    assert form.budget is not None and form.budget.raw == digits
    assert form.period_budget is not None and form.period_budget.raw == "1e999999"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"kind": "project", "name": NaN}', "GL002 第 1 行：这里应是一个 JSON 值"),
        ('{"kind": "project", "kind": "project"}', "GL002 第 1 行：键 'kind' 重复"),
        ('{"kind": "project",\n "name": "a\\q"}', "GL002 第 2 行：字符串转义有误"),
        ('{"kind": "project"} x', "GL002 第 1 行：JSON 值之后还有多余内容"),
        ('{"kind": "project", }', "GL002 第 1 行：这里应是字符串键"),
        ('{"kind": "project"', "GL002 第 1 行：这里应是 ',' 或 '}'"),
        ("[]", "GL001"),
    ],
)
def test_bad_json(text: str, expected: str) -> None:
    forms, problem = read_text(text, "form.json")
    assert forms == [] and problem is not None and problem.startswith(expected)


def test_dispatch_by_suffix_and_encodings() -> None:
    result = read_bytes(EXAMPLE.encode("gb18030"), "form.yml")
    assert result.problem is None and result.encoding == "gb18030"
    result = read_bytes(b"\xef\xbb\xbf" + EXAMPLE.encode(), "form.YAML")
    assert result.problem is None and result.forms[0].name is not None
    assert result.text is not None and result.forms[0].name.span is not None
    assert result.text[result.forms[0].name.span.start : result.forms[0].name.span.end] == "党建组织员工资补贴"
    result = read_bytes(b"\x00\x01binary", "form.yaml")
    assert result.problem is not None and result.problem[0] == "GL002"


def test_example_file_reads() -> None:
    path = Path(__file__).parent.parent / "examples" / "structured" / "党建组织员工资补贴.yaml"
    if not path.exists():
        pytest.skip("example not written yet")
    result = read(path.read_bytes(), str(path))
    assert result.problem is None and len(result.forms) == 1


_scalars = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.floats(allow_nan=False), st.booleans())
_keys = st.sampled_from(["forms", "kind", "name", "level1", "indicators", "tasks", "goallint-ignore", "project", "x"])
_documents = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=5)),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(_documents, st.sampled_from(["doc.yaml", "doc.json"]))
def test_random_documents_never_raise(document: object, name: str) -> None:
    import yaml

    text = json.dumps(document, ensure_ascii=False) if name.endswith(".json") else yaml.safe_dump(document, allow_unicode=True)
    result = read(text.encode("utf-8"), name)
    assert (result.problem is None) == bool(result.forms)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(["doc.yaml", "doc.json"]))
def test_random_bytes_never_raise(data: bytes, name: str) -> None:
    result = read(data, name)
    assert (result.problem is None) == bool(result.forms)


def test_examples_in_the_docs_read() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "structured-format.md").read_text(encoding="utf-8")
    examples = docs.split("## Full example", 1)[1].split("```yaml\n")[1:]
    assert len(examples) == 2
    kinds = []
    for block in examples:
        forms, problem = read_text(block.split("```", 1)[0])
        assert problem is None, problem
        kinds.extend(form.kind for form in forms)
    assert kinds == ["project", "department"]


def test_profile_is_checked() -> None:
    assert only_project("kind: project\nprofile: dg2019\n").profile == "dg2019"
    forms, problem = read_text("kind: project\nname: a\nprofile: dg2030\n")
    assert forms == [] and problem is not None and problem.startswith("GL002 第 3 行：profile: 未知的 profile 'dg2030'")


def test_pure_python_parser_gives_the_same_forms_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the reader falls back to PyYAML's own parser: same cells, spans and refusals."""
    from goallint.readers import structured

    fast = read(EXAMPLE.encode(), "form.yaml").forms
    monkeypatch.setattr(structured, "_Loader", structured._PureLoader)
    pure = read(EXAMPLE.encode(), "form.yaml").forms
    assert [asdict(f) for f in pure] == [asdict(f) for f in fast]
    test_carry_down_of_level1_and_level2()
    test_billion_laughs_is_refused_quickly()
    test_python_tags_are_refused()
    forms, problem = read_text("[" * 10_000)
    assert problem is not None and "嵌套超过" in problem
