"""Regular expressions compiled when first used, for the module-level patterns that many runs never need.

`re` compiles a pattern in Python, and a pattern of Chinese alternations or wide character classes takes as
long as a small module's import. A module-level pattern for what only some forms hold (LaTeX or HTML markup
in a cell, an itemised cost line in 项目概况, a task's packed columns) is declared with `on_use(...)` instead
of `re.compile(...)`: it is compiled by the first call of one of its methods, after which its methods are
the compiled pattern's own, looked up as fast as before. It has the methods and attributes of `re.Pattern`
(it is not one: hand it to `re` functions through its methods, not as a pattern).
"""

from __future__ import annotations

import re
from typing import Any, cast

_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "pattern", "flags",
               "groups", "groupindex")


class _OnUse:
    __slots__ = ("_source", *_ATTRIBUTES)

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # reached only while an attribute is unset, that is until the first use compiles the pattern
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"on_use({self._source[0]!r})"


def on_use(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when one of its methods is first called."""
    return cast("re.Pattern[str]", _OnUse(pattern, flags))
