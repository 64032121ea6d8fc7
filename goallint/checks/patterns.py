"""Safe regular expressions for rule packs: compiled at load, bounded in length, no nested quantifiers."""

from __future__ import annotations

import re
import warnings
from typing import Annotated, Any

from pydantic import AfterValidator

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants
    import sre_parse

MAX_PATTERN_LENGTH = 300
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)


def _has_nested_repeat(items: Any, inside_unbounded: bool) -> bool:
    for op, arg in items:
        if op in _REPEATS:
            low, high, sub = arg
            unbounded = high == sre_constants.MAXREPEAT or high > 50
            if unbounded and inside_unbounded:
                return True
            if _has_nested_repeat(sub, inside_unbounded or unbounded):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _has_nested_repeat(arg[-1], inside_unbounded):
                return True
        elif op == sre_constants.BRANCH:
            if any(_has_nested_repeat(branch, inside_unbounded) for branch in arg[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _has_nested_repeat(arg[1], inside_unbounded):
                return True
    return False


def check_pattern(pattern: str) -> str:
    """Return `pattern` if it is a safe regular expression; raise ValueError (one line) otherwise."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"regular expression longer than {MAX_PATTERN_LENGTH} characters")
    try:
        re.compile(pattern)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    if _has_nested_repeat(parsed.data, False):
        raise ValueError(f"regular expression {pattern!r} nests quantifiers (catastrophic backtracking)")
    return pattern


SafePattern = Annotated[str, AfterValidator(check_pattern)]
"""Use in a check kind's `Params` for any field that holds a regular expression."""
