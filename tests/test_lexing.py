"""The per-terminal scanner (goallint/lexing.py) lexes exactly what Lark's own contextual lexer lexes.

Both grammars are built twice, with and without the plugin, and must give the same trees (token types,
texts and positions included) or the same error at the same place, on the seed values, on generated
values and expressions, and on every expression of the bundled packs."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput
from test_values_properties import VALUEISH

from goallint.lexing import PLUGINS, TerminalScanner
from goallint.plumbing.resources import grammar_path
from goallint.values import normalize


@cache
def _parsers(grammar: str) -> tuple[Lark, Lark]:
    text = grammar_path(grammar).read_text(encoding="utf-8")
    ours = Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=False, _plugins=PLUGINS)
    lark = Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=False)
    return ours, lark


def _shape(node: Any) -> Any:
    if isinstance(node, Tree):
        return (str(node.data), tuple(_shape(child) for child in node.children))
    assert isinstance(node, Token)
    return (node.type, str(node), node.start_pos, node.end_pos)


def _outcome(parser: Lark, text: str) -> Any:
    try:
        return _shape(parser.parse(text))
    except UnexpectedCharacters as exc:
        return ("characters", exc.pos_in_stream, exc.char, tuple(sorted(exc.allowed or ())))
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        return (type(exc).__name__, getattr(exc, "pos_in_stream", None), str(token), getattr(token, "type", None))


def _same(grammar: str, text: str) -> None:
    ours, lark = _parsers(grammar)
    assert _outcome(ours, text) == _outcome(lark, text), text


def test_the_plugin_is_in_use() -> None:
    ours, lark = _parsers("value.lark")
    ours.parse("≥95%")
    lark.parse("≥95%")
    used = {type(lexer.scanner) for lexer in ours.parser.lexer.lexers.values() if lexer._scanner is not None}
    assert used == {TerminalScanner}
    assert TerminalScanner not in {type(lexer._scanner) for lexer in lark.parser.lexer.lexers.values()}


def test_seed_values_lex_the_same() -> None:
    from goallint.readers import read_path

    lines = (Path(__file__).parent / "data" / "seed_values.txt").read_text(encoding="utf-8").splitlines()
    raws = {line.split("\t")[0] for line in lines if line and not line.startswith("#")}
    for path in sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.txt")):
        raws |= {cell.raw for form in read_path(path).forms for indicator in form.indicators
                 for cell in (indicator.name, indicator.period_value, indicator.annual_value) if cell is not None}
    assert len(raws) > 300  # the values and the indicator names (words the grammar must read as words)
    for raw in sorted(raws):
        _same("value.lark", normalize(raw).text)


@settings(max_examples=600, deadline=None)
@given(VALUEISH)
def test_generated_values_lex_the_same(text: str) -> None:
    _same("value.lark", text)


_EXPR_PIECES = ["a", "b.c", "sum(", "count(", "abs(", ")", "+", "-", "*", "/", " ", "≈", "≈[0.03]", "<=", ">=", "=",
                "==", "!=", "<", ">", "10000", "0.5", "1e3", ",", "tasks.amount", "total", "(", "[", "]", "#", "元"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_EXPR_PIECES), max_size=12).map("".join))
def test_generated_expressions_lex_the_same(text: str) -> None:
    _same("expr.lark", text)


def test_pack_expressions_lex_the_same() -> None:
    import re

    root = Path(__file__).resolve().parents[1] / "rules"
    exprs = [match.group(1) for path in sorted(root.rglob("*.yaml"))
             for match in re.finditer(r'expr:\s*"([^"]+)"', path.read_text(encoding="utf-8"))]
    assert exprs
    for expr in exprs:
        _same("expr.lark", expr)
