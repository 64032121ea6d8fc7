"""`model.build` (instances without validation) makes what validation would, and every model defers its schema.

Readers, the value grammar and checks build their models unvalidated so that a one-form run never builds a
pydantic schema (`goallint/model.py`, `Model`). These tests hold that shortcut to what validating the same
fields gives, on the seed forms, the contract's values and generated ones.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import goallint
from goallint.config import Config, GradeConfig
from goallint.engine import Input, make_engine
from goallint.model import (
    Cell,
    DerivedCell,
    Edit,
    Fix,
    Indicator,
    Model,
    ProjectForm,
    Span,
    Task,
    build,
    dump,
)
from goallint.readers import read_path
from goallint.values import parse_value
from goallint.values.types import Value

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASES = yaml.safe_load((Path(__file__).parent / "data" / "values.yaml").read_text(encoding="utf-8"))
PLAIN = (str, int, bool, Decimal, type(None), Cell, DerivedCell, Span)
"""`DerivedCell`: a value joined from split columns or an implied 一级 (the reader's own subclass, kept on purpose)."""


def _validated(model: BaseModel) -> BaseModel:
    """The same fields through pydantic's validation (nested models too)."""
    fields = {name: _validated_items(item) for name, item in model.__dict__.items()}
    return type(model).model_validate(fields)


def _validated_items(item: Any) -> Any:
    if isinstance(item, BaseModel):
        return _validated(item)
    if isinstance(item, list):
        return [_validated_items(sub) for sub in item]
    return item


def _exact_types(item: Any, where: str = "") -> list[str]:
    """Every leaf whose type is a subclass rather than the plain type (a Lark `Token` for a `str`)."""
    if isinstance(item, BaseModel):
        return [bad for name, sub in item.__dict__.items() for bad in _exact_types(sub, f"{where}.{name}")]
    if isinstance(item, list):
        return [bad for index, sub in enumerate(item) for bad in _exact_types(sub, f"{where}[{index}]")]
    return [] if type(item) in PLAIN else [f"{where}: {type(item).__name__}"]


def _seed_forms() -> list[Any]:
    forms = []
    for path in sorted(EXAMPLES.rglob("*")):
        if path.is_file():
            forms.extend(read_path(path).forms)
    return forms


def test_the_seed_forms_as_built_equal_the_same_fields_validated() -> None:
    forms = _seed_forms()
    assert len(forms) >= 43
    for form in forms:
        assert _validated(form) == form, form.name
        assert _exact_types(form) == [], form.name


@pytest.mark.parametrize("target", ["yaml", "json"])
def test_the_seed_forms_read_back_from_the_structured_format_equal_the_same_fields_validated(target: str) -> None:
    """The structured reader validates the input it is given, then builds its forms from the validated cells."""
    from goallint.commands.convert import dump_json, dump_yaml
    from goallint.readers.structured import read

    text_forms = [form for form in _seed_forms() if form.path.endswith(".txt")]
    text = dump_yaml(text_forms) if target == "yaml" else dump_json(text_forms)
    result = read(text.encode("utf-8"), f"seeds.{target}")
    assert result.problem is None and len(result.forms) == len(text_forms) >= 40
    assert any(form.kind == "department" and form.tasks for form in result.forms)
    for form in result.forms:
        assert _validated(form) == form, form.name
        assert _exact_types(form) == [], form.name


def test_structured_waivers_as_built_equal_the_same_fields_validated() -> None:
    from goallint.readers.structured import read

    text = ("kind: project\nname: 项目\ngoallint-ignore: GL101\nindicators:\n"
            "  - {level1: 产出指标, level2: 数量指标, name: 人数, annual: 23人, goallint-ignore: GL404}\n"
            "  - {name: 比例, annual: 95%, goallint-ignore: [GL305, value-range]}\n")
    [form] = read(text.encode("utf-8"), "waived.yaml").forms
    assert form.ignore == ["GL101"] and [i.ignore for i in form.indicators] == [["GL404"], ["GL305", "value-range"]]
    assert _validated(form) == form and _exact_types(form) == []


def _values() -> list[Value]:
    raws = [case["input"] for case in CASES] + ["90%~95%", "±3%以内", "1万元-5000人", "14-24℃"]
    for form in _seed_forms():
        for indicator in form.indicators:
            raws.extend(cell.raw for cell in (indicator.period_value, indicator.annual_value) if cell is not None)
    return [parse_value(raw) for raw in raws]


def test_the_contract_and_seed_values_as_built_equal_the_same_fields_validated() -> None:
    values = _values()
    kinds = {value.kind for value in values}
    assert {"quantity", "bound", "range", "deadline", "compound", "qualitative", "placeholder", "text"} <= kinds
    for value in values:
        assert _validated(value) == value, value
        assert _exact_types(value) == [], value


@given(st.text(alphabet="0123456789.%≥≤<>=~-，、；元人次月年日底前以上内万每不少于提高满意无/（）()", max_size=30))
def test_generated_values_as_built_equal_the_same_fields_validated(raw: str) -> None:
    value = parse_value(raw)
    assert _validated(value) == value
    assert _exact_types(value) == []


def test_build_fills_defaults_and_makes_each_mutable_default_afresh() -> None:
    cell = Cell("x", Span(1, 1, 1, 2, 0, 1))
    one, two = build(Indicator, name=cell), build(Indicator)
    assert one == Indicator(name=cell) and two == Indicator()
    assert one.model_fields_set == {"name"}
    one.ignore.append("GL101")
    assert two.ignore == [] and Indicator().ignore == []
    assert list(one.__dict__) == list(Indicator.model_fields)  # field order, as validation gives
    form = build(ProjectForm, path="a.txt")
    assert form == ProjectForm(path="a.txt") and form.indicators is not build(ProjectForm).indicators


def test_build_makes_a_nested_default_model_by_building_it() -> None:
    config = build(Config)
    assert config == Config()
    assert isinstance(config.grade, GradeConfig) and config.grade == GradeConfig()
    assert build(Fix, message="m", edits=[build(Edit, line=1, column=1, end_line=1, end_column=2, content="")]) \
        == Fix(message="m", edits=[Edit(line=1, column=1, end_line=1, end_column=2, content="")])


def test_build_refuses_a_missing_required_field_or_an_unknown_one() -> None:
    with pytest.raises(TypeError, match=r"Fix: missing \['edits', 'message'\]"):
        build(Fix)
    with pytest.raises(TypeError, match=r"Task: unknown \['amount_text'\]"):
        build(Task, amount_text="1")


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    return [found for sub in cls.__subclasses__() for found in (sub, *_subclasses(sub))]


def _all_models() -> list[type[BaseModel]]:
    for module in pkgutil.walk_packages(goallint.__path__, "goallint."):
        importlib.import_module(module.name)
    return [cls for cls in _subclasses(BaseModel)  # not pydantic's own parametrised `RootModel[...]`
            if cls.__module__.startswith("goallint.") and "[" not in cls.__name__]


def test_every_model_of_goallint_defers_its_schema() -> None:
    models = _all_models()
    assert len(models) >= 45
    eager = [cls.__qualname__ for cls in models if not cls.model_config.get("defer_build")]
    assert eager == []
    assert sorted(cls.__qualname__ for cls in models if not issubclass(cls, Model)) == \
        ["StructuredFile", "_DeferredRoot"]  # RootModels


def test_importing_every_module_builds_no_schema() -> None:
    """A parametrised generic (`RootModel[...]`) is built as soon as it is made unless deferred: checked in a
    fresh process, where nothing has validated yet."""
    code = ("import importlib, pkgutil, goallint\nfrom pydantic import BaseModel\n"
            "for m in pkgutil.walk_packages(goallint.__path__, 'goallint.'): importlib.import_module(m.name)\n"
            "def subs(c):\n    for s in c.__subclasses__():\n        yield s\n        yield from subs(s)\n"
            "print(sorted({c.__qualname__ for c in subs(BaseModel)"
            " if c.__module__.startswith('goallint.') and c.__pydantic_complete__}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    # the generic root unparametrised (its schema is `Any`), nothing else
    assert done.stdout.strip() == "['RootModel[~RootT]', '_DeferredRoot']", done.stdout


def test_dump_gives_what_pydantic_dumps_for_every_seed_finding() -> None:
    engine = make_engine(select=["ALL"])
    inputs = [Input(str(path), path) for path in sorted(EXAMPLES.rglob("*")) if path.is_file()]
    diagnostics = list(engine.run(inputs).diagnostics)
    assert len(diagnostics) > 100 and any(d.fix is not None for d in diagnostics)
    for diagnostic in diagnostics:
        assert dump(diagnostic) == diagnostic.model_dump(mode="json")
    assert "sheet" not in dump(diagnostics[0]) and "start" not in str(dump(diagnostics[0]))
    with pytest.raises(TypeError, match="Decimal is not a plain field value"):
        dump(parse_value("≥95%"))
