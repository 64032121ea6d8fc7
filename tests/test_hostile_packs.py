"""Hostile configuration and rule packs (issue 9): each is one line on stderr naming the file and the key,
exit 2, in bounded time (every case here under 2 s), and nothing in a pack or config runs code.

Bad-pack basics (unknown kind, key, duplicate code, a nested quantifier) are in test_engine.py; the limits of
the expression language itself in test_expr.py. Here: what an attacker would write, through the command.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from goallint.cli import main
from goallint.engine import make_engine
from goallint.packs import PackError, parse_pack
from goallint.readers import read_bytes

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "examples" / "001_8dd0aec2d39c09c7.txt"
RULE: dict[str, Any] = {"code": "GL970", "name": "hostile-rule", "severity": "warning",
                        "check": {"kind": "unique", "message": "“{name}”重复（第 {line} 行）", "message_unplaced": "“{name}”重复"},
                        "doc": {"summary": "s", "why": "w", "bad": "b", "good": "g"}}
ASSERT_RULE: dict[str, Any] = {**RULE, "where": {"forms": ["department"]},
                               "check": {"kind": "assert", "expr": "budget = 1", "message": "m"}}


def check_with_config(folder: Path, config: str, *args: str) -> tuple[int, str, float]:
    (folder / "goallint.yaml").write_text(config, encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", "--config", str(folder / "goallint.yaml"), "--format", "concise",
                                       *args, str(FORM)])
    return result.exit_code, result.stderr, time.monotonic() - started


def check_with_pack(folder: Path, pack_text: str) -> tuple[int, str, float]:
    (folder / "pack.yaml").write_text(pack_text, encoding="utf-8")
    return check_with_config(folder, "rules: [pack.yaml]\n")


def assert_refused(result: tuple[int, str, float], *expected: str) -> None:
    code, stderr, elapsed = result
    assert code == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("goallint: 错误："), stderr
    assert "Traceback" not in stderr
    for part in expected:
        assert part in stderr, stderr
    assert elapsed < 2, f"took {elapsed:.2f} s"


def _pack(rule: dict[str, Any]) -> str:
    return yaml.safe_dump({"pack": "hostile", "rules": [rule]}, allow_unicode=True)


# -- unknown kinds, keys, codes; wrong types -------------------------------------------------------------------
@pytest.mark.parametrize(("change", "key"), [
    ({"severity": 3}, "rules[0].severity: 应为 'error'、'warning' 或 'info' 之一"),
    ({"enabled": "perhaps"}, "rules[0].enabled: 应为 true 或 false"),
    ({"where": ["project"]}, "rules[0].where: 应为映射（键: 值）"),
    ({"where": {"forms": ["budget"]}}, "rules[0].where.forms[0]: 应为 'project' 或 'department' 之一"),
    ({"check": "unique"}, "rules[0].check: 应为带 `kind` 的映射"),
    ({"check": {"kind": ["unique"]}}, "rules[0].check.kind: 未知的检查类型 ['unique']"),
    ({"check": {"kind": "__import__"}}, "rules[0].check.kind: 未知的检查类型 '__import__'"),
    ({"code": "GL97"}, "rules[0].code: 不符合格式"),
    ({"suppressed_by": ["GLXXX"]}, "rules[0].suppressed_by[0]: 不符合格式"),
    ({"doc": "none"}, "rules[0].doc: 应为映射（键: 值）"),
    ({"check": {"kind": "breakdown", "message": "{foo}"}}, "rules[0].check: message: 占位符 'foo' 不存在"),
    ({"check": {"kind": "reconcile", "report": "flat", "message": "m", "message_over": "{budget"}},
     "rules[0].check: message_over: 占位符"),
    ({"check": {"kind": "goal_counts", "message": "{0}"}}, "rules[0].check: message: 占位符"),
    ({"check": {"kind": "task_costs", "message": "{amount:d}"}}, "rules[0].check: message: 占位符"),
])
def test_wrong_types_in_a_pack(tmp_path: Path, change: dict[str, Any], key: str) -> None:
    assert_refused(check_with_pack(tmp_path, _pack({**RULE, **change})), "pack.yaml: ", key)


# -- message templates: every rule's wording is its own, with the placeholders its kind fills ------------------
BUNDLED = [(path.name, rule) for path in sorted((ROOT / "rules").glob("*.yaml"))
           for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]]
VOCABULARIES = {name: words for path in sorted((ROOT / "rules").glob("*.yaml"))
                for name, words in (yaml.safe_load(path.read_text(encoding="utf-8")).get("vocabularies") or {}).items()}
OPTIONAL = {"message_over", "message_goal", "message_values"}
"""Message keys a rule may leave out (the kind then says it with `message`)."""


def _templates(check: dict[str, Any]) -> list[tuple[str, ...]]:
    """The paths of every message template in a check: `message…`, `fix_message`, `cell_names.<group>`."""
    paths: list[tuple[str, ...]] = [(key,) for key in check if key.startswith(("message", "fix_message"))]
    paths += [("cell_names", group) for group in check.get("cell_names", {})]
    paths += [("cases", str(index), "message") for index, _ in enumerate(check.get("cases", []))]
    return paths


def _changed(check: dict[str, Any], path: tuple[str, ...], value: str | None) -> dict[str, Any]:
    import copy
    out = copy.deepcopy(check)
    parent: Any = out
    for part in path[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent[part]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return out


def _load(rule: dict[str, Any]) -> str:
    """'' when the one-rule pack loads, else its one-line error."""
    try:
        parse_pack({"pack": "p", "rules": [rule]}, VOCABULARIES)
    except PackError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize(("pack", "rule"), BUNDLED, ids=[rule["code"] for _, rule in BUNDLED])
def test_every_bundled_message_refuses_an_unknown_placeholder(pack: str, rule: dict[str, Any]) -> None:
    """Each template of each bundled rule, given `{nosuch}`, is refused when the pack loads, naming the key."""
    assert _load(rule) == ""
    for path in _templates(rule["check"]):
        error = _load({**rule, "check": _changed(rule["check"], path, "说明{nosuch}")})
        assert "占位符 'nosuch' 不存在" in error and path[-1] in error, (path, error)
        assert "\n" not in error


@pytest.mark.parametrize(("pack", "rule"), BUNDLED, ids=[rule["code"] for _, rule in BUNDLED])
def test_every_bundled_message_is_needed(pack: str, rule: dict[str, Any]) -> None:
    """Leaving out a message the rule's kind reports with is refused (there is no wording in Python to fall
    back on); the optional ones load."""
    for path in _templates(rule["check"]):
        error = _load({**rule, "check": _changed(rule["check"], path, None)})
        unused = path[0] == "cell_names" and path[1] not in rule["check"].get("cells", [path[1]])
        if path[-1] in OPTIONAL or unused:  # a name for cells the rule does not look at is not needed
            assert error == "", (path, error)
        else:
            assert error and "缺少" in error and (path[-1] in error or path[0] in error), (path, error)


@pytest.mark.parametrize(("check", "expected"), [
    ({"kind": "blank", "message": "{name}的{colum}为空"}, "rules[0].check: message: 占位符 'colum' 不存在"),
    ({"kind": "levels", "test": "level1", "message": "缺少{level2}", "message_no_indicators": "无"},
     "rules[0].check: message: 占位符 'level2' 不存在"),  # `level1` fills only {level1}
    ({"kind": "period", "test": "open_ended", "message": "{end}", "message_order": "{start}"},
     "rules[0].check: message_order: 这种检查不用这一项"),
    ({"kind": "period", "test": "invalid", "message": "{field}"}, "rules[0].check: message_order: 缺少这一项"),
    ({"kind": "reconcile", "report": "no_cost", "message": "预算 {budget}"},
     "rules[0].check: message: 占位符 'budget' 不存在"),  # no budget is judged without a cost standard
    ({"kind": "markup", "defect": "space", "message": "{cell}", "fix_message": "{fixed}"},
     "rules[0].check: cell_names.levels: 缺少这一项"),
    ({"kind": "markup", "defect": "masked", "cells": ["names"], "message": "{cell}", "cell_names": {"names": "{nom}"}},
     "rules[0].check: cell_names.names: 占位符 'nom' 不存在"),
    ({"kind": "tasks", "message": "{list}{task}", "message_no_name": "{list}{task}", "message_neither": "{task}"},
     "rules[0].check: message_no_name: 占位符 'task' 不存在"),  # a row without a name has its amount
    ({"kind": "group", "test": "task_vs_project", "message": "{line}"}, "rules[0].check: message: 占位符 'line' 不存在"),
    ({"kind": "pair", "message_units": "{name}"}, "rules[0].check: message_cumulative: 缺少这一项"),
    ({"kind": "unique", "message": "{name}"}, "rules[0].check.message_unplaced: 缺少这一项"),
])
def test_a_pack_with_a_bad_template_is_refused_through_the_command(tmp_path: Path, check: dict[str, Any],
                                                                   expected: str) -> None:
    assert_refused(check_with_pack(tmp_path, _pack({**RULE, "check": check})), "pack.yaml: ", expected)


@pytest.mark.parametrize(("config", "key"), [
    ("select: {GL101: true}\n", "select"),
    ("fail-on: 3\n", "fail-on: 应为"),
    ("severity: {GL101: fatal}\n", "severity.GL101: 应为"),
    ("severity: {GL999: error}\n", "severity: 未知的规则编号"),
    ("per-file-ignores: [GL101]\n", "per-file-ignores: 应为映射（键: 值）"),
    ("rules: {pack: yaml}\n", "rules: 应为列表"),  # a single path is a list of one
    ("exclude: 5\n", "exclude: 应为列表"),
    ("colour: red\n", "colour: 未知的键"),
    ("ignore: [GL9999]\n", "ignore: 未知的规则编号、名称或前缀 'GL9999'"),
    ("- select\n", "配置应是键到值的映射"),
])
def test_wrong_types_in_a_config(tmp_path: Path, config: str, key: str) -> None:
    assert_refused(check_with_config(tmp_path, config), "goallint.yaml", key)


# -- regular expressions ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("pattern", "reason"), [
    ("(a+)+$", "嵌套了量词"),
    ("(a|a)*$", "嵌套了量词"),
    ("(a|ab)*c", "嵌套了量词"),
    ("(.*){1,40}x", "嵌套了量词"),
    ("(a?){30}a{30}", "嵌套了量词"),
    ("(x+x+)+y", "嵌套了量词"),
    ("a*a*a*a*a*b", "的匹配方式过多"),
    ("a?" * 20 + "a" * 20, "的匹配方式过多"),
    (".*.*.*=", "的匹配方式过多"),
    ("a" * 301, "超过 300 个字符"),
    ("(?P<x>a)(?P=y)", "有误"),
    ("(z)?(?:(?(1)b|a*))*c", "不允许"),  # a conditional group: passed the count and hung the run
    ("(a)\\1*b", "不允许"),
    ("(?>a|ab)+c", "不允许"),
])
def test_catastrophic_regexes_are_refused_at_load(tmp_path: Path, pattern: str, reason: str) -> None:
    for key, where in (("name", {"name": pattern}), ("name_not", {"name_not": pattern})):
        assert_refused(check_with_pack(tmp_path, _pack({**RULE, "where": where})),
                       f"pack.yaml: rules[0].where.{key}: ", reason)
    exempt = {**RULE, "check": {"kind": "names", "test": "generic", "vocabulary": "generic_names", "exempt": pattern,
                                   "message": "{name}"}}
    assert_refused(check_with_pack(tmp_path, _pack(exempt)), "rules[0].check.exempt", reason)


def test_the_worst_accepted_regex_on_a_hostile_name_is_fast(tmp_path: Path) -> None:
    """A pattern just inside the limits, on a form whose indicator names are 100,000 characters long."""
    pattern = "a?" * 14 + "b"  # 16,384 ways at each place: the most MAX_BACKTRACK allows
    rules = [{**RULE, "where": {"name": pattern}}, {**RULE, "code": "GL971", "name": "hostile-two",
                                                     "where": {"name_not": "a*a*c"}}]
    (tmp_path / "pack.yaml").write_text(yaml.safe_dump({"pack": "hostile", "rules": rules}), encoding="utf-8")
    text = FORM.read_text(encoding="utf-8").splitlines()
    hostile = "\n".join(line.replace("\t", "\t" + "a" * 100_000, 1) if "%" in line else line for line in text)
    form = tmp_path / "hostile.txt"
    form.write_text(hostile, encoding="utf-8")
    (tmp_path / "goallint.yaml").write_text("rules: [pack.yaml]\nselect: [GL970, GL971]\n", encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "goallint.yaml"), str(form)])
    assert result.exit_code in (0, 1), result.stderr
    assert time.monotonic() - started < 5


# -- assert expressions ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("expr", "reason"), [
    ("10**10**10 = budget", "syntax error"),
    ("9**9**9 = budget", "syntax error"),
    ("budget = " + "9" * 5000, "expression too long"),
    ("budget = " + "+".join(["budget"] * 60), "expression too long"),
    ("budget = " + "abs(" * 30 + "budget" + ")" * 30, "nested too deeply"),
    ("budget = " + "(" * 5000 + "budget" + ")" * 5000, "expression too long"),
    ("budget = 99999999999999999999", "too large"),
    ("budget = __import__('os').system('id')", "syntax error"),
    ("budget.__class__ = 1", "unknown field 'budget.__class__'"),
    ("open('/etc/passwd') = 1", "syntax error"),
])
def test_hostile_assert_expressions(tmp_path: Path, expr: str, reason: str) -> None:
    rule = {**ASSERT_RULE, "check": {**ASSERT_RULE["check"], "expr": expr}}
    assert_refused(check_with_pack(tmp_path, _pack(rule)), "pack.yaml: rules[0].check: expr: ", reason)


def test_enormous_values_in_an_accepted_expression_are_no_finding_and_fast() -> None:
    """Magnitude is bounded at run time too: products beyond 10**24 are no finding, never a hang."""
    from goallint.arith.expr import EvalError, compile_expr, evaluate

    compiled = compile_expr("a * a * a * a * a * a * a * a = b", {"a": "scalar", "b": "scalar"})
    from decimal import Decimal

    started = time.monotonic()
    with pytest.raises(EvalError):
        evaluate(compiled.left, {"a": Decimal("9" * 15)})
    assert time.monotonic() - started < 0.5


# -- YAML that attacks the loader ---------------------------------------------------------------------------------
LAUGHS = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi",
                                                                                         strict=True))


@pytest.mark.parametrize(("text", "reason"), [
    (LAUGHS + "pack: x\nrules: *i\n", "个节点"),
    ("pack: !!python/object/apply:os.system ['touch pwned']\nrules: []\n", "python/object/apply:os.system"),
    ("pack: !!python/name:os.system\nrules: []\n", "python/name:os.system"),
    ("pack: !include /etc/passwd\nrules: []\n", "could not determine a constructor for the tag '!include'"),
    ("pack: x\npack: y\nrules: []\n", "第 2 行：YAML 语法错误（键 'pack' 重复）"),
    ("pack: x\nrules: " + "[" * 200 + "]" * 200 + "\n", "嵌套超过 64 层"),
    ("pack: x\nrules: [\n", "不是有效的 YAML：第"),
])
def test_hostile_pack_yaml(tmp_path: Path, text: str, reason: str) -> None:
    assert_refused(check_with_pack(tmp_path, text), "pack.yaml: 不是有效的 YAML", reason)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


@pytest.mark.parametrize(("text", "reason"), [
    (LAUGHS + "exclude: *i\n", "个节点"),
    ("select: !!python/object/apply:os.system ['touch pwned']\n", "python/object/apply:os.system"),
    ("select: [GL101]\nselect: [GL102]\n", "第 2 行：YAML 语法错误（键 'select' 重复）"),
])
def test_hostile_config_yaml(tmp_path: Path, text: str, reason: str) -> None:
    assert_refused(check_with_config(tmp_path, text), "goallint.yaml: 不是有效的 YAML", reason)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_a_config_naming_a_file_that_is_not_a_pack_does_not_echo_it(tmp_path: Path) -> None:
    """What a config can make goallint read: only its `rules` pack paths (packs themselves name no file). A
    file that is not a pack is refused without its content in the message."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:s3cr3t-hash:0:0\nuser: hunter2\n", encoding="utf-8")
    code, stderr, _ = check_with_config(tmp_path, f"rules: [{secret}]\n")
    assert code == 2 and stderr.count("\n") == 1
    assert "s3cr3t" not in stderr and "hunter2" not in stderr


def test_pack_and_config_schema_have_no_key_that_names_a_file() -> None:
    """A pack's keys are data (patterns, words, expressions): none is a path, so a pack reads no file."""
    from goallint.packs import rule_pack_schema

    text = str(rule_pack_schema()).lower()
    for word in ("include", "import", "path", "file", "url"):
        assert f"'{word}'" not in text


def test_the_bundled_packs_still_load_and_lint() -> None:
    engine = make_engine()
    report = engine.lint_result(read_bytes(FORM.read_bytes(), str(FORM)))
    assert report.diagnostics and not report.errors


@pytest.mark.parametrize(("toml", "reason"), [
    ("[tool.goallint]\nselect = " + "[" * 100_000 + "]" * 100_000 + "\n", "无法读取：嵌套过深"),
    ('[tool.goallint]\nselect = ["GL101"]\nselect = ["GL102"]\n', "无法读取：Cannot overwrite a value"),
    ("[tool.goallint]\nfail-on = 3\n", "fail-on: 应为"),
])
def test_hostile_pyproject_toml(tmp_path: Path, toml: str, reason: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "pyproject.toml"), str(FORM)])
    assert_refused((result.exit_code, result.stderr, time.monotonic() - started), "pyproject.toml: ", reason)
