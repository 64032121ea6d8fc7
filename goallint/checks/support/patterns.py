"""Safe regular expressions for rule packs: compiled at load, bounded in length and in backtracking.

Python's `re` backtracks, so a pattern like `(a+)+$` takes exponential time on a short hostile name. A pack
pattern is refused at load (a one-line error naming the pack and key) when it

- is longer than MAX_PATTERN_LENGTH characters;
- nests quantifiers: a repeat that can match more than once (`*`, `+`, `{2,}`, `{1,40}`) around another
  variable-length repeat or an alternation (`(a+)+`, `(a|ab)*`, `(a?){30}`, `(.*){1,40}`);
- could try more than MAX_BACKTRACK ways to match one place of a name: the product over its sequence of the
  choices each part has (a repeat up to MAX_MATCH_INPUT lengths, an optional part 1 + its own, an alternation the sum of
  its branches), which bounds the polynomial blow-up of `a*a*a*a*b`.

Every match runs on at most MAX_MATCH_INPUT characters of the text (`bounded`), so what the checks allow
is also bounded in time: the worst accepted pattern takes about 30 ms per name (docs/robustness.md).
"""

from __future__ import annotations

import re
import signal
import threading
import warnings
from typing import Annotated, Any

from goallint.plumbing.validation import Checked

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants
    import sre_parse

MAX_PATTERN_LENGTH = 300
MAX_MATCH_INPUT = 100
"""Characters of a name a pack pattern is matched against (indicator names are far shorter)."""
MAX_BACKTRACK = 25_000
"""Ways one pattern may try to match at one place (see the module doc)."""

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))


class _Nested(ValueError):
    pass


def _is_variable(items: Any) -> bool:
    """Whether a sub-pattern can match in more than one way (a variable repeat or an alternation)."""
    for op, arg in items:
        if op in _REPEATS:
            low, high, sub = arg
            if low != high or _is_variable(sub):
                return True
        elif op == sre_constants.BRANCH:
            return True
        elif op == sre_constants.SUBPATTERN:
            if _is_variable(arg[-1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _is_variable(arg[1]):
                return True
    return False


_BOUNDED_OPS = frozenset(getattr(sre_constants, name) for name in (
    "LITERAL", "NOT_LITERAL", "ANY", "IN", "AT", "CATEGORY", "RANGE", "NEGATE", "SUBPATTERN", "BRANCH", "ASSERT",
    "ASSERT_NOT", "MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT", "LITERAL_IGNORE", "NOT_LITERAL_IGNORE",
    "IN_IGNORE") if hasattr(sre_constants, name))
"""What the count of ways can bound. A back-reference, a conditional group (`(?(1)b|a*)`: it passed the count
and hung a run on 40 characters) or an atomic group hides a sub-pattern from the count: refused."""


class _Unbounded(ValueError):
    pass


def _refuse_unbounded(items: Any) -> None:
    """Raise _Unbounded for any construct, at any depth, that the count of ways cannot see into."""
    for op, arg in items:
        if op not in _BOUNDED_OPS:
            raise _Unbounded(str(op).lower())
        if op in _REPEATS:
            _refuse_unbounded(arg[2])
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                _refuse_unbounded(branch)
        elif op == sre_constants.SUBPATTERN:
            _refuse_unbounded(arg[-1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            _refuse_unbounded(arg[1])


def _choices(items: Any) -> int:
    """An upper bound of the ways `items` can match at one place (raises _Nested for nested repeats)."""
    total = 1
    for op, arg in items:
        if op in _REPEATS:
            low, high, sub = arg
            if high > 1 and _is_variable(sub):
                raise _Nested
            if high <= 1:  # optional (`?`): absent, or present in any of its own ways
                ways = (1 if low == 0 else 0) + _choices(sub) if high == 1 else 1
            else:
                ways = min(high, MAX_MATCH_INPUT) - min(low, MAX_MATCH_INPUT) + 1
        elif op == sre_constants.BRANCH:
            ways = sum(_choices(branch) for branch in arg[1])
        elif op == sre_constants.SUBPATTERN:
            ways = _choices(arg[-1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            ways = _choices(arg[1])
        else:
            ways = 1
        total = min(total * max(ways, 1), MAX_BACKTRACK + 1)
    return total


def check_pattern(pattern: str) -> str:
    """Return `pattern` if it is a safe regular expression; raise ValueError (one line) otherwise."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"正则表达式超过 {MAX_PATTERN_LENGTH} 个字符")
    try:
        re.compile(pattern)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise ValueError(f"正则表达式 {pattern!r} 有误：{exc}") from None
    try:
        _refuse_unbounded(parsed.data)
        ways = _choices(parsed.data)
    except _Nested:
        raise ValueError(f"正则表达式 {pattern!r} 嵌套了量词（会灾难性回溯）") from None
    except _Unbounded as exc:
        raise ValueError(f"正则表达式 {pattern!r}：不允许 {exc}（反向引用、条件或原子组），其匹配时间无法限定") from None
    if ways > MAX_BACKTRACK:
        raise ValueError(f"正则表达式 {pattern!r} 的匹配方式过多（超过 {MAX_BACKTRACK} 种：连续的重复或可选部分太多）")
    return pattern


def bounded(text: str) -> str:
    """The part of `text` a pack pattern is matched against."""
    return text[:MAX_MATCH_INPUT]


MAX_MATCH_SECONDS = 0.1
"""Time one pack pattern may take on one name, whatever the pattern (the checks above allow 30 ms at worst):
past it the search is stopped and counts as no match."""


class _Expired(Exception):
    pass


def _expire(signum: int, frame: Any) -> None:
    raise _Expired


_timer: list[bool] = []  # whether this process can time a search (SIGALRM in the main thread), decided once


def _can_time() -> bool:
    if not _timer:
        usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        if usable:
            signal.signal(signal.SIGALRM, _expire)
        _timer.append(usable)
    return _timer[0] and threading.current_thread() is threading.main_thread()


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern.search` on the first MAX_MATCH_INPUT characters of `text`, stopped after MAX_MATCH_SECONDS
    (re checks for signals while it backtracks, so the alarm interrupts it)."""
    text = bounded(text)
    if not _can_time():
        return pattern.search(text)
    try:  # the one-shot alarm may also fire just after the search, in the inner `finally`: caught the same
        signal.setitimer(signal.ITIMER_REAL, MAX_MATCH_SECONDS)
        try:
            return pattern.search(text)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        return None


SafePattern = Annotated[str, Checked(check_pattern)]
"""Use in a check kind's `Params` for any field that holds a regular expression."""
