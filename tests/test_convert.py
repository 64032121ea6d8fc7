"""`goallint convert` and `goallint schema`: canonical output, round trips (seed forms, generated forms), errors."""

from __future__ import annotations

import json
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.cli import main
from goallint.commands.convert import dump_json, dump_yaml
from goallint.model import AnyForm, Cell, DepartmentForm, Indicator, ProjectForm, Task
from goallint.readers import read_path
from goallint.readers.structured import read
from goallint.structured_format import form_schema

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "structured" / "党建组织员工资补贴.yaml"
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(cls))


_SKIP_FIELDS = {"path", "span", "indicators", "tasks", "other_tasks"}


def _raw(value: Any) -> Any:
    return value.raw if isinstance(value, Cell) else value


def form_texts(form: AnyForm) -> dict[str, Any]:
    """A form's field texts and tables, without spans: what must survive a conversion."""
    texts = {key: _raw(getattr(form, key)) for key in _names(type(form)) if key not in _SKIP_FIELDS}
    texts["indicators"] = [
        {key: _raw(getattr(ind, key)) for key in _names(Indicator)} for ind in form.indicators
    ]
    if isinstance(form, DepartmentForm):
        for key in ("tasks", "other_tasks"):
            texts[key] = [{field: _raw(getattr(task, field)) for field in _names(Task)} for task in getattr(form, key)]
    return texts


def round_trip(forms: list[AnyForm], target: str) -> list[AnyForm]:
    text = dump_yaml(forms) if target == "yaml" else dump_json(forms)
    result = read(text.encode("utf-8"), f"converted.{target}")
    assert result.problem is None, (result.problem, text)
    return result.forms


def test_convert_example_is_canonical() -> None:
    result = CliRunner().invoke(main, ["convert", str(EXAMPLE), "--to", "yaml"])
    assert result.exit_code == 0, result.output
    written = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert result.output.splitlines() == written


@pytest.mark.parametrize("target", ["yaml", "json"])
def test_convert_round_trip_of_the_example(target: str) -> None:
    forms = read_path(EXAMPLE).forms
    assert [form_texts(form) for form in round_trip(forms, target)] == [form_texts(form) for form in forms]


def test_json_output_is_utf8_strings() -> None:
    text = dump_json(read_path(EXAMPLE).forms)
    assert "党建组织员工资补贴" in text
    document = json.loads(text)
    form = document["forms"][0]
    assert list(form)[:3] == ["kind", "title", "name"]
    assert form["budget"] == "1893200" and form["budget_year"] == 2025
    assert form["indicators"][1] == {"level2": "社会成本指标"}


def test_yaml_output_quotes_what_would_change() -> None:
    form = ProjectForm(
        name=Cell(raw="yes"), budget=Cell(raw="1,893,200"), period_start=Cell(raw="2022"),
        period_goal=Cell(raw="第一行\n第二行"), annual_goal=Cell(raw=" 前后有空格 "), approval=Cell(raw="007"),
    )
    text = dump_yaml([form])
    assert "period_start: 2022\n" in text
    assert "name: 'yes'" in text
    assert '"第一行\\n第二行"' in text
    [back] = round_trip([form], "yaml")
    assert form_texts(back) == form_texts(form)


def test_carry_down_is_written_only_where_it_reads_back() -> None:
    form = ProjectForm(indicators=[
        Indicator(level1=Cell(raw="产出指标"), level2=Cell(raw="数量指标"), name=Cell(raw="a")),
        Indicator(level1=Cell(raw="产出指标"), level2=Cell(raw="质量指标"), name=Cell(raw="b")),
        Indicator(level1=None, level2=Cell(raw=""), name=Cell(raw="c"), ignore=["GL301"]),
    ])
    document = yaml.safe_load(dump_yaml([form]))
    assert document["forms"][0]["indicators"] == [
        {"level1": "产出指标", "level2": "数量指标", "name": "a"},
        {"level2": "质量指标", "name": "b"},
        {"level1": None, "level2": "", "name": "c", "goallint-ignore": ["GL301"]},
    ]
    [back] = round_trip([form], "yaml")
    assert form_texts(back) == form_texts(form)


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(EXAMPLE), "--to", "json", "-o", str(target)])
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["forms"][0]["name"] == "党建组织员工资补贴"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (None, "missing.yaml", "无法打开文件"),
        (b"forms: []\n", "empty.yaml", "没有表单"),
        (b"kind: project\nname: [\n", "broken.yaml", "第 3 行"),
        (b"not a workbook", "broken.xlsx", "GL002"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(tmp_path: Path, content: bytes | None, name: str, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["convert", str(path), "--to", "yaml"])
    assert result.exit_code == 2
    assert reason in result.output and len(result.output.strip().splitlines()) == 1


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(EXAMPLE), "--to", "yaml", "-o", str(tmp_path / "no" / "x.yaml")])
    assert result.exit_code == 2 and "无法写入" in result.output


def test_seed_forms_round_trip_through_yaml() -> None:
    """Every seed form converted to YAML and read back is the same form (field texts and tables)."""
    results = [read_path(path) for path in SEEDS]
    assert all(result.forms for result in results), [result.problem for result in results]
    assert sum(len(result.forms) for result in results) >= 43
    for result in results:
        back = round_trip(result.forms, "yaml")
        assert [form_texts(form) for form in back] == [form_texts(form) for form in result.forms], result.path
        assert [form_texts(form) for form in round_trip(result.forms, "json")] == [form_texts(f) for f in result.forms]


def test_schema_validates_the_format() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == json.loads(json.dumps(form_schema()))
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    validator.validate({"kind": "department", "name": "部门", "tasks": [{"name": "t", "amount": "100,000.00"}]})
    validator.validate([{"kind": "project", "indicators": [{"name": "a", "goallint-ignore": ["GL301"]}]}])
    for bad in ({"forms": [{"kind": "projekt"}]}, {"kind": "project", "anual_goal": "x"},
                {"kind": "project", "indicators": [{"name": ["a"]}]}, {"forms": [], "version": 1}):
        assert list(validator.iter_errors(bad)), bad


GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(("args", "golden"), [([], "schema-forms.json"), (["--rules"], "schema-rules.json")])
def test_schema_is_what_it_was_when_the_model_was_pydantic(args: list[str], golden: str) -> None:
    """`goallint schema` (pinned when the run-time model became plain dataclasses, validated at the boundary):
    the same bytes. After an intended change of the format, write the command's output over the golden file
    and review the diff."""
    result = CliRunner().invoke(main, ["schema", *args])
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN / golden).read_text(encoding="utf-8")


def test_schema_rules_is_json_or_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["schema", "--rules"])
    if result.exit_code == 0:
        assert isinstance(json.loads(result.output), dict)
    else:
        assert result.exit_code == 2 and "not available" in result.output


_cells = st.one_of(st.none(), st.text(max_size=15).map(lambda raw: Cell(raw=raw)))
_codes = st.lists(st.from_regex(r"GL[0-9]{3}", fullmatch=True), max_size=2)
_indicators = st.builds(
    Indicator, level1=_cells, level2=_cells, name=_cells, period_value=_cells, annual_value=_cells, ignore=_codes
)
_tasks = st.builds(Task, name=_cells, content=_cells, amount=_cells, expected=_cells)
_projects = st.builds(
    ProjectForm, name=_cells, department=_cells, budget=_cells, period_goal=_cells, annual_goal=_cells,
    budget_year=st.none() | st.integers(1990, 2100), budget_unit=st.sampled_from(["元", "万元"]),
    indicators=st.lists(_indicators, max_size=4), ignore=_codes,
)
_departments = st.builds(
    DepartmentForm, name=_cells, basic=_cells, transfer=_cells, overall_goal=_cells,
    tasks=st.lists(_tasks, max_size=2), other_tasks=st.lists(_tasks, max_size=2),
    indicators=st.lists(_indicators, max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_projects | _departments, min_size=1, max_size=3), st.sampled_from(["yaml", "json"]))
def test_generated_forms_round_trip(forms: list[AnyForm], target: str) -> None:
    back = round_trip(forms, target)
    assert [form_texts(form) for form in back] == [form_texts(form) for form in forms]
