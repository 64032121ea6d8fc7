"""A state's scanner that switched to one alternation of its terminals (`TerminalScanner.alternate`) matches
exactly what it matched trying them one by one: the same text and terminal, or nothing, at every position."""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import given, settings
from test_values_properties import VALUEISH

from goallint.lexing import TerminalScanner
from goallint.values.grammar import _Slice, parser


@cache
def _scanners() -> list[tuple[TerminalScanner, TerminalScanner]]:
    """Each state's terminals as two scanners: one by one, and switched to the alternation."""
    lexers = parser().parser.lexer.lexers
    pairs = []
    for lexer in {id(lexer): lexer for lexer in lexers.values()}.values():
        scanner = lexer.scanner
        assert isinstance(scanner, TerminalScanner)
        alternating = TerminalScanner(scanner.terminals, scanner._flags)
        alternating.alternate()
        pairs.append((TerminalScanner(scanner.terminals, scanner._flags), alternating))
    return pairs


def _same_everywhere(text: str) -> None:
    source: Any = _Slice(text, len(text))
    for one_by_one, alternating in _scanners():
        assert alternating.match is not TerminalScanner.match
        for pos in range(len(text) + 1):
            assert alternating.match(source, pos) == one_by_one.match(source, pos), (text, pos)
            hit = alternating.alternation(text, pos)  # what the lean parse matches with directly
            assert (None if hit is None else (hit.group(), hit.lastgroup)) == one_by_one.match(source, pos)


def test_the_alternation_matches_as_the_terminals_in_order_on_typical_values() -> None:
    for text in ("≥95%", "①社工：4人②党建组织员：32人", "约694人/年；约667人/年", "2026年12月底前", "10.3万元/人/年",
                 "不低于全省平均水平", "3人以上", "±5%", "1-3个", "**", "≧ %"):
        _same_everywhere(text)


@settings(max_examples=150, deadline=None)
@given(VALUEISH)
def test_the_alternation_matches_as_the_terminals_in_order(text: str) -> None:
    _same_everywhere(text)


def test_a_scanner_switches_after_its_uses() -> None:
    one_by_one, _ = _scanners()[0]
    scanner = TerminalScanner(one_by_one.terminals, one_by_one._flags)
    source: Any = _Slice("95%", 3)
    for _ in range(300):
        scanner.match(source, 0)
    assert "match" in vars(scanner)
    assert scanner.match(source, 0) == one_by_one.match(source, 0)
