"""`record` makes the class `dataclasses.dataclass` makes: the same repr, equality, hashing, immutability,
fields, pickling and validation, for every combination of the options goallint uses."""

from __future__ import annotations

import dataclasses
import itertools
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest

from goallint.plumbing.records import record, slot_maker

OPTIONS = [dict(zip(("frozen", "slots", "kw_only", "eq", "repr"), combo, strict=True))
           for combo in itertools.product((False, True), repeat=5)]


def _pair(options: dict[str, bool]) -> tuple[type, type]:
    """The same class body made by `dataclass` and by `record` (module-level names, so that they pickle)."""
    made = []
    for decorator, name in ((dataclass, "ByDataclass"), (record, "ByRecord")):
        namespace: dict[str, Any] = {
            "__annotations__": {"a": "int", "b": "str", "c": "list[int]", "d": "Any", "e": "float"},
            "__module__": __name__, "__qualname__": name, "__doc__": "A class.",
            "b": "x", "c": field(default_factory=list), "d": field(default=None, compare=False),
            "e": field(default=0.0, repr=False, hash=False)}
        cls = decorator(**options)(type(name, (), namespace))  # type: ignore[call-overload]
        globals()[name] = cls
        made.append(cls)
    return made[0], made[1]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(k for k, v in o.items() if v) or "plain")
def test_a_record_behaves_as_the_dataclass_it_replaces(options: dict[str, bool]) -> None:
    by_dataclass, by_record = _pair(options)
    assert [(f.name, f.compare, f.repr, f.hash, f.kw_only) for f in dataclasses.fields(by_record)] == \
        [(f.name, f.compare, f.repr, f.hash, f.kw_only) for f in dataclasses.fields(by_dataclass)]
    assert by_record.__dataclass_params__.eq == options["eq"]  # type: ignore[attr-defined]
    assert by_record.__dataclass_params__.repr == options["repr"]  # type: ignore[attr-defined]
    assert getattr(by_record, "__match_args__", None) == getattr(by_dataclass, "__match_args__", None)
    nan = float("nan")
    values = [dict(a=1, b="y", c=[1], d="ignored", e=2.5), dict(a=1, b="y", c=[1], d="other", e=9.0),
              dict(a=2, b="y", c=[1], d=None, e=2.5), dict(a=1, b="y", c=[nan], d=None)]
    for left, right in itertools.product(values, repeat=2):
        x, y = by_dataclass(**left), by_dataclass(**right)
        p, q = by_record(**left), by_record(**right)
        assert (p == q) == (x == y) and (p != q) == (x != y)
        assert (p == p) == (x == x) and (p == left) == (x == left)  # the same object; another type
        if options["repr"]:
            assert repr(p).replace("ByRecord", "ByDataclass") == repr(x)
    one, other = by_dataclass(a=1), by_record(a=1)
    hashable = by_dataclass.__hash__ is not None
    assert (by_record.__hash__ is not None) == hashable
    if hashable and options["eq"]:
        assert hash(by_record(a=1, c=(1, 2), d="x", e=1.0)) == hash(by_dataclass(a=1, c=(1, 2), d="x", e=1.0))
        assert hash(by_record(a=1, c=(1, 2), e=1.0)) == hash(by_record(a=1, c=(1, 2), e=5.0))  # hash=False
    elif not hashable:
        with pytest.raises(TypeError):
            hash(other)
    if options["frozen"]:
        for obj in (one, other):
            with pytest.raises(dataclasses.FrozenInstanceError):
                obj.a = 2  # type: ignore[misc]
    else:
        other.a = 2  # type: ignore[misc]
        assert other.a == 2
    back = pickle.loads(pickle.dumps(by_record(a=3, c=[4])))
    assert back == by_record(a=3, c=[4]) if options["eq"] else back.a == 3
    sent = by_record(a=3, b="y", c=[4], d="not compared", e=1.5)  # every field crosses, compared or not
    for copied in (pickle.loads(pickle.dumps(sent, protocol=protocol)) for protocol in (2, pickle.HIGHEST_PROTOCOL)):
        assert dataclasses.astuple(copied) == dataclasses.astuple(sent) and type(copied) is by_record
    assert dataclasses.asdict(dataclasses.replace(by_record(a=5), b="z")) == \
        dataclasses.asdict(dataclasses.replace(by_dataclass(a=5), b="z"))


def test_methods_a_class_writes_itself_are_kept_and_a_repr_that_reaches_itself_stops() -> None:
    @record(frozen=True)
    class Own:
        a: int

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 7

        def __repr__(self) -> str:
            return "own"

    assert Own(1) == Own(2) and hash(Own(1)) == 7 and repr(Own(1)) == "own"

    @record
    class Node:
        children: list[Any]

    assert Node.__doc__ == "Node(...)"  # no docstring: its name, as dataclass writes its signature
    node = Node([])
    node.children.append(node)
    assert repr(node) == "test_methods_a_class_writes_itself_are_kept_and_a_repr_that_reaches_itself_stops" \
        ".<locals>.Node(children=[...])"


def test_a_record_validates_as_a_dataclass() -> None:
    from goallint.plumbing.validation import STRICT, validate

    @record(kw_only=True)
    class Params:
        __pydantic_config__ = STRICT

        kind: str
        limit: int = 3

    assert validate(Params, {"kind": "x", "limit": 4}) == Params(kind="x", limit=4)


@record(frozen=True, slots=True, kw_only=True)
class _Placed:
    line: int
    text: str
    notes: list[str] = field(default_factory=list)


@pytest.mark.parametrize("values", [(1, "a", []), (7, "", ["x", "y"])])
def test_a_slot_maker_makes_what_the_constructor_makes(values: tuple[Any, ...]) -> None:
    make = slot_maker(_Placed)
    made = make(*values)
    plain = _Placed(line=values[0], text=values[1], notes=values[2])
    assert type(made) is _Placed and made == plain and repr(made) == repr(plain)
    assert pickle.loads(pickle.dumps(made)) == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.line = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        make(1, "a")  # every field is given: no default is filled in
