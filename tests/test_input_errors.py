"""What is wrong with a pack, a config or a YAML form is said in Chinese (goallint/plumbing/input_errors.py)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from goallint.config import ConfigError, parse_config
from goallint.plumbing.input_errors import place, reason
from goallint.readers import read_bytes


class _Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = 0
    flag: bool = False
    items: list[str] = Field(default_factory=list)
    level: str = Field(default="error", pattern="^(error|warning)$")
    ratio: float = Field(default=0.5, ge=0, le=1)


@pytest.mark.parametrize(("data", "said"), [
    ({"count": "many"}, "应为整数"),
    ({"flag": "perhaps"}, "应为 true 或 false"),
    ({"items": "a"}, "应为列表"),
    ({"level": "fatal"}, "不符合格式"),
    ({"ratio": 2}, "应不大于 1"),
    ({"colour": "red"}, "未知的键"),
])
def test_each_error_type_is_said_in_chinese(data: dict[str, Any], said: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Sample.model_validate(data)
    assert reason(caught.value.errors()[0]).startswith(said)


def test_an_unlisted_error_type_falls_back_to_pydantic_text() -> None:
    assert reason({"type": "some_new_type", "msg": "Something new"}) == "Something new"


def test_place_is_written_as_a_user_writes_it() -> None:
    assert place(["rules", 0, "where", "forms", 1]) == "rules[0].where.forms[1]"


@pytest.mark.parametrize(("config", "said"), [
    ({"fail-on": 3}, "fail-on: 应为 'error'、'warning'、'info' 或 'never' 之一"),
    ({"exclude": 5}, "exclude: 应为列表"),
])
def test_config_errors_are_chinese(config: dict[str, Any], said: str) -> None:
    with pytest.raises(ConfigError, match=said):
        parse_config(config, "goallint.yaml")


@pytest.mark.parametrize(("text", "said"), [
    (b"kind: project\nbudget_year: soon\n", "第 2 行：budget_year: 应为整数"),
    (b"forms: 3\n", "第 1 行：forms: `forms` 应是表单的列表"),
    (b"kind: project\nname: [a\n", "第 3 行：YAML 语法错误"),
    (b"forms: []\n", "没有表单"),
])
def test_a_yaml_forms_problem_reads_in_chinese(text: bytes, said: str) -> None:
    result = read_bytes(text, "form.yaml")
    assert result.problem is not None and said in result.problem[1]
    assert "Input should" not in result.problem[1]  # the YAML parser's own detail may follow in brackets
