"""`on_use` patterns answer as the compiled pattern does, and are compiled only by their first use."""

from __future__ import annotations

import re

import pytest

from goallint.plumbing.lazy_regex import on_use


def test_a_pattern_is_compiled_by_its_first_use_and_then_answers_as_re_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    source, flags = r"(?P<num>\d+)\s*(万)?元", re.I
    compiled = re.compile(source, flags)
    calls: list[str] = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: calls.append(args[0]) or real(*args))
    lazy = on_use(source, flags)
    assert calls == []
    assert lazy.search("共 12 万元")["num"] == compiled.search("共 12 万元")["num"] == "12"  # type: ignore[index]
    assert lazy.sub("¥", "3元 4万元") == compiled.sub("¥", "3元 4万元")
    assert lazy.split("1元;2元") == compiled.split("1元;2元")
    assert [m.span() for m in lazy.finditer("1元 22元")] == [m.span() for m in compiled.finditer("1元 22元")]
    assert lazy.fullmatch("5元") is not None and lazy.match("x5元") is None
    assert (lazy.pattern, lazy.flags, lazy.groups, dict(lazy.groupindex)) == \
        (compiled.pattern, compiled.flags, compiled.groups, dict(compiled.groupindex))
    assert calls == [source]  # compiled once, by the first use


def test_a_bad_pattern_fails_on_use() -> None:
    bad = on_use("(unclosed")  # a module's own pattern: wrong only through a bug, said at its first use
    with pytest.raises(re.error):
        bad.search("x")
    with pytest.raises(AttributeError):
        bad.no_such_method  # type: ignore[attr-defined]  # noqa: B018
