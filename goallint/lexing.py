"""Lark's contextual lexer with each terminal's pattern compiled once per process.

Lark's contextual lexer gives every parser state its own scanner: one regular expression alternating the
terminals that state accepts, compiled the first time the state is reached. A cold one-form run reaches
about 30 states of the value grammar, so `re` compiled about 30 alternations of the same 26 terminals
(~150 M instructions, a tenth of the run). The scanner here tries the state's terminals one by one, in
the lexer's own order, with each terminal compiled once and shared by every state.

It reads exactly what Lark's scanner reads: an alternation `(?P<A>a)|(?P<B>b)|…` matched at a position
takes its first alternative that matches there (nothing follows it to backtrack into), which is the first
terminal, in order, whose pattern matches there. `tests/test_lexing.py` checks the two agree.
It is plugged in through Lark's `_plugins` option (how lark-cython replaces the same classes).
"""

from __future__ import annotations

import re
from typing import Any

from lark.lexer import BasicLexer, ContextualLexer, _create_unless

_COMPILED: dict[tuple[str, int], re.Pattern[str]] = {}


def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    found = _COMPILED.get((pattern, flags))
    if found is None:
        found = _COMPILED[(pattern, flags)] = re.compile(pattern, flags)
    return found


class TerminalScanner:
    """Lark's `Scanner` interface (`match`, `allowed_types`) over terminals tried in order.

    A state's scanner that has matched `ALTERNATE_AFTER` times (a long run reaching it again and again) then
    matches with Lark's own alternation of its terminals, compiled once: one call into `re` per token instead
    of one per terminal tried. A short run never pays for the compilation."""

    def __init__(self, terminals: list[Any], flags: int) -> None:
        self.terminals = terminals
        self.allowed_types = {t.name for t in terminals}
        self._flags = flags
        self._patterns = [(_compiled(t.pattern.to_regexp(), flags), t.name) for t in terminals]
        self._uses = 0
        self.alternation: Any = None
        """The `match` of the alternation once the scanner has switched to it (`alternate`), else None: a caller
        that reads the whole text can match with it directly (the group named by `lastgroup` is the terminal)."""

    def match(self, text: Any, pos: int) -> tuple[str, str] | None:
        """(the text matched, its terminal's name) at `pos` of a Lark `TextSlice`, or None."""
        self._uses += 1
        if self._uses > ALTERNATE_AFTER:
            self.alternate()
        source, end = text.text, text.end
        for pattern, name in self._patterns:
            found = pattern.match(source, pos, end)
            if found is not None:
                return found.group(0), name
        return None

    def alternate(self) -> None:
        """Match from now on with one alternation of the terminals, as Lark's `Scanner` builds it (kept as is
        when the terminals do not compile as one: duplicate group names)."""
        try:
            alternation = re.compile("|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in self.terminals),
                                     self._flags)
        except (re.error, AssertionError):
            self._uses = -(1 << 62)  # never asks again
            return
        first = self.alternation = alternation.match

        def match(text: Any, pos: int) -> tuple[str, str] | None:
            found = first(text.text, pos, text.end)
            return None if found is None else (found.group(0), found.lastgroup)  # type: ignore[return-value]

        self.match = match  # type: ignore[method-assign]


ALTERNATE_AFTER = 256
"""Matches of one state's scanner after which it matches by one alternation (`TerminalScanner.alternate`)."""


class _TerminalLexer(BasicLexer):
    def _build_scanner(self) -> Any:
        if self.use_bytes or self.re is not re:
            return super()._build_scanner()  # only the str/`re` case is ours; anything else stays Lark's
        terminals, self.callback = _create_unless(  # type: ignore[no-untyped-call]  # Lark's own step, kept
            self.terminals, self.g_regex_flags, self.re, self.use_bytes)
        for type_, callback in self.user_callbacks.items():
            if type_ in self.callback:
                return super()._build_scanner()  # chained callbacks: leave them to Lark
            self.callback[type_] = callback
        return TerminalScanner(terminals, self.g_regex_flags)


class TerminalContextualLexer(ContextualLexer):
    """Lark's contextual lexer whose per-state lexers use `TerminalScanner`."""

    BasicLexer = _TerminalLexer


PLUGINS = {"ContextualLexer": TerminalContextualLexer}
"""Pass as `Lark(..., _plugins=PLUGINS)` with `lexer="contextual"`."""
