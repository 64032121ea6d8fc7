"""Property tests (hypothesis) for what issue 9 asks and the other property tests do not cover: the expression
language, YAML token soup for the structured reader and the pack/config loader, and the fuzz harness itself.
(Value grammar: test_values_properties.py; text reader: test_text_reader.py; random YAML/JSON documents and
bytes: test_structured_reader.py.)"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.arith.expr import EvalError, ExprError, compile_expr, evaluate, holds, render
from goallint.checks.assert_ import FIELD_KINDS
from goallint.config import ConfigError, parse_config
from goallint.packs import PackError, parse_pack
from goallint.plumbing import safe_yaml
from goallint.readers import read_bytes

ROOT = Path(__file__).resolve().parents[1]
SCALARS = sorted(name for name, kind in FIELD_KINDS.items() if kind == "scalar")
LISTS = sorted(name for name, kind in FIELD_KINDS.items() if kind == "list")

# -- the expression language ------------------------------------------------------------------------------------
EXPR_TOKENS = st.sampled_from(
    [*SCALARS, *LISTS, "sum(", "count(", "abs(", "min(", "max(", "(", ")", ",", "+", "-", "−", "*", "×", "/", "÷",
     "=", "==", "≈", "~=", "[0.5]", "<=", "≥", "!=", "<", ">", "0", "1", "2.5", "999999999999999", "10000", " ",
     "x", ".", "__class__", "**", "'", "$"])
EXPR_TEXT = st.one_of(st.lists(EXPR_TOKENS, max_size=40).map(" ".join), st.lists(EXPR_TOKENS, max_size=40).map("".join),
                      st.text(max_size=60))
NUMBERS = st.sampled_from(["0", "1", "-1", "0.001", "3.5", "999999999999999", "1e20", "-1e20", "123456.789"]).map(Decimal)


@settings(max_examples=500, deadline=None)
@given(EXPR_TEXT, st.data())
def test_expressions_compile_or_fail_with_one_line_and_evaluate_or_make_no_finding(source: str,
                                                                                  data: st.DataObject) -> None:
    try:
        compiled = compile_expr(source, FIELD_KINDS)
    except ExprError as exc:
        assert "\n" not in str(exc)
        return
    env: dict[str, Decimal | list[Decimal] | None] = {name: data.draw(st.one_of(st.none(), NUMBERS)) for name in SCALARS}
    env.update({name: data.draw(st.lists(NUMBERS, max_size=3)) for name in LISTS})
    try:
        left, right = evaluate(compiled.left, env), evaluate(compiled.right, env)
    except EvalError:
        pass
    else:
        assert isinstance(holds(compiled.op, left, right, compiled.tolerance or Decimal(0)), bool)
    assert isinstance(render(compiled.left, env, {}), str)
    assert compile_expr(source, FIELD_KINDS) == compiled  # compiling is deterministic


# -- YAML token soup --------------------------------------------------------------------------------------------
YAML_TOKENS = st.sampled_from(
    ["forms:", "kind: project", "kind: department", "name: 甲", "indicators:", "- ", "  ", "\n", "level1: 产出指标",
     "period: ≥95%", "&a ", "*a", "&b ", "*b", "<<: *a", "!!python/object:os.system", "!!str ", "!!binary ", "!x ",
     "[", "]", "{", "}", ",", ": ", '"', "'", "? ", "|", ">", "---", "...", "%YAML 1.1", "#", "\t", "1e999999",
     "~", "null", "true", "0x1f", "2025-01-01", "\\u0000", "\x85", "\ufeff"])
YAML_SOUP = st.lists(YAML_TOKENS, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(YAML_SOUP)
def test_yaml_token_soup_never_escapes_the_structured_reader(text: str) -> None:
    result = read_bytes(text.encode("utf-8"), "soup.yaml")
    assert (result.problem is None) == bool(result.forms)
    if result.problem is not None:
        assert result.problem[0] in ("GL001", "GL002") and "\n" not in result.problem[1]
        assert "internal reader error" not in result.problem[1]


PACK_TOKENS = st.sampled_from(
    ["pack: p\n", "rules:\n", "- code: GL970\n", "  name: r\n", "  severity: error\n", "  check:\n",
     "    kind: unique\n", "    kind: assert\n", "    expr: budget = 1\n", "  where: {name: '(a+)+'}\n", "  doc: {}\n",
     "vocabularies: {x: [a, b]}\n", "select: [GL1]\n", "severity: {GL101: info}\n", "&a ", "*a", "!!python/name:os.system ",
     "[", "]", "{", "}", ": ", "- ", "  ", "\n", "1", "true", "null", "rules: [", "per-file-ignores: {'*': GL101}\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PACK_TOKENS, max_size=30).map("".join))
def test_pack_and_config_soup_is_a_pack_a_config_or_a_one_line_error(text: str) -> None:
    try:
        data: Any = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        assert "\n" not in str(exc)
        return
    for parse, error in ((lambda d: parse_pack(d, {}), PackError), (lambda d: parse_config(d, "c.yaml"), ConfigError)):
        try:
            parse(data)
        except error as exc:
            assert "\n" not in str(exc)


# -- the fuzz harness (bench/fuzz/fuzz.py) ------------------------------------------------------------------------
def _harness() -> Any:
    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "bench" / "fuzz" / "fuzz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("target", ["values", "text", "yaml", "json", "xlsx", "packyaml", "expr", "check"])
def test_fuzz_targets_accept_their_seeds_and_mutations(target: str) -> None:
    import random

    fuzz = _harness()
    pool = fuzz.seeds(target)
    assert pool
    rng = random.Random(0)
    for item in pool[:3] + [fuzz.mutate(rng, rng.choice(pool), pool) for _ in range(20)]:
        fuzz.TARGETS[target](item)


def test_fuzz_target_reports_a_reader_bug_caught_by_the_safety_net(monkeypatch: pytest.MonkeyPatch) -> None:
    import goallint.readers.text as text_reader

    def broken(data: bytes, path: str) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(text_reader, "read", broken)
    fuzz = _harness()
    with pytest.raises(fuzz.Bug, match="internal reader error"):
        fuzz.TARGETS["text"](b"x")
