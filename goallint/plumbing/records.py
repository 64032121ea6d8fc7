"""`record`: a standard dataclass that costs less to create.

`dataclasses.dataclass` writes each method it adds as source text and compiles it when the class is created:
`__init__`, `__repr__`, `__eq__`, and for a frozen class `__hash__`, `__setattr__` and `__delattr__`.
goallint has about a hundred such classes and a cold run imports nearly all of them, so compiling their
methods was a large part of what every one-form run paid before reading anything. `record` takes the same
arguments as `dataclass` and makes the same class, but has `dataclass` compile only the methods that must
be as fast as written code (`__init__`, and a frozen class's guards); `__repr__`, `__eq__` and `__hash__`
are made here as closures over the field names, which creates them without compiling anything.

They behave as `dataclass`'s own: the fields compared, hashed and shown are those it would use (`compare=`,
`hash=`, `repr=` of `field`), in order, compared as tuples of the same class only; a class that writes one of
these methods itself keeps it; an unfrozen class that compares is unhashable; a repr that reaches itself
shows `...`. `dataclasses.fields`, `replace`, `asdict`, pickling and pydantic see a standard dataclass. A
class without a docstring gets `Name(...)` where `dataclass` writes its signature, `Name(a: int, …)`.

A class with slots pickles its state as the tuple of its fields' values, as `dataclass`'s does, but through
`__getstate__`/`__setstate__` made over the field names once: `dataclass`'s look the fields up again for every
object, which made pickling findings, fixes and form records between `-j` workers and the main process slow.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, overload

from goallint.plumbing import kept_code

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover
    from typing_extensions import dataclass_transform

T = TypeVar("T")
_NONE = object()


def _tuple_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """What `dataclass`'s methods compare and hash: the tuple of these attributes (a tuple even of one)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _add_methods(cls: type, names: dict[str, tuple[str, ...]], declared: dict[str, Any], repr: bool, eq: bool,
                 frozen: bool) -> None:
    qualname = cls.__qualname__
    if repr and "__repr__" not in declared:
        shown = names["repr"]

        @recursive_repr()
        def __repr__(self: Any) -> str:
            fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            return f"{self.__class__.__qualname__}({fields})"

        __repr__.__qualname__ = f"{qualname}.__repr__"
        cls.__repr__ = __repr__  # type: ignore[assignment]
    if not eq:
        return
    if "__eq__" not in declared:
        compared = _tuple_of(names["compare"])

        def __eq__(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return compared(self) == compared(other)
            return NotImplemented

        __eq__.__qualname__ = f"{qualname}.__eq__"
        cls.__eq__ = __eq__  # type: ignore[assignment]
    own_hash = declared.get("__hash__", dataclasses.MISSING)
    if own_hash is dataclasses.MISSING or (own_hash is None and "__eq__" in declared):  # none written
        if frozen:
            hashed = _tuple_of(names["hash"])

            def __hash__(self: Any) -> int:
                return hash(hashed(self))

            __hash__.__qualname__ = f"{qualname}.__hash__"
            cls.__hash__ = __hash__  # type: ignore[assignment]
        else:
            cls.__hash__ = None  # type: ignore[assignment]


def _add_state(cls: type, names: tuple[str, ...]) -> None:
    """Pickling of a slotted class: its state is the tuple of its fields' values, restored field by field
    (past a frozen class's guards, as `dataclass`'s own `__setstate__` does)."""
    values = _tuple_of(names)
    set_field = object.__setattr__

    def __getstate__(self: Any) -> tuple[Any, ...]:
        return values(self)

    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:
        for name, value in zip(names, state, strict=True):
            set_field(self, name, value)

    __getstate__.__qualname__ = f"{cls.__qualname__}.__getstate__"
    __setstate__.__qualname__ = f"{cls.__qualname__}.__setstate__"
    cls.__getstate__ = __getstate__  # type: ignore[method-assign,assignment]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]


def slot_maker(cls: type[T]) -> Callable[..., T]:
    """A maker of `cls` (a slotted record) from every field's value, positionally in field order, that sets each
    slot directly: what `__init__` makes, without a frozen class's guarded `__setattr__` per field or any
    default (a field whose default is a new list is passed one). For the records made once per cell or finding.
    Its code is written out per class, as `dataclass` writes `__init__`, and kept as that is."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    lines = [f"def make_{cls.__name__}({', '.join(names)}):", "    _out = _new(_cls)"]
    lines += [f"    _set_{name}(_out, {name})" for name in names]
    lines.append("    return _out")
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    scope.update({f"_set_{name}": cls.__dict__[name].__set__ for name in names})
    kept_code.exec_kept("\n".join(lines) + "\n", scope)
    maker: Callable[..., T] = scope[f"make_{cls.__name__}"]
    maker.__qualname__ = f"slot_maker({cls.__qualname__})"
    return maker


def _made_with_kept_code(cls: type[T], **options: Any) -> type[T]:
    """`dataclass(cls, repr=False, eq=False, **options)`, its generated methods' code read from
    `kept_code` (compiled once, kept in the cache folder) when `dataclasses` compiles through `exec`."""
    before = dataclasses.__dict__.get("exec", _NONE)
    dataclasses.exec = kept_code.exec_kept  # type: ignore[attr-defined]  # found before the builtin
    try:
        return dataclasses.dataclass(cls, repr=False, eq=False, **options)
    finally:
        if before is _NONE:
            del dataclasses.exec  # type: ignore[attr-defined]
        else:
            dataclasses.exec = before  # type: ignore[attr-defined]


def _record(cls: type[T], repr: bool, eq: bool, frozen: bool, **options: Any) -> type[T]:
    declared = dict(cls.__dict__)
    if not cls.__doc__:  # `dataclass` would work out the signature for it, which costs more than the rest
        cls.__doc__ = f"{cls.__name__}(...)"  # like its `Name(a: int, …)`, no JSON-schema description
    made = _made_with_kept_code(cls, frozen=frozen, **options)
    fields = dataclasses.fields(made)  # type: ignore[arg-type]  # a dataclass by now
    names = {"repr": tuple(f.name for f in fields if f.repr),
             "compare": tuple(f.name for f in fields if f.compare),
             "hash": tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))}
    _add_methods(made, names, declared, repr, eq, frozen)
    if options.get("slots") and not {"__getstate__", "__setstate__", "__reduce__"} & declared.keys():
        _add_state(made, tuple(f.name for f in fields))
    params = made.__dataclass_params__  # type: ignore[attr-defined]
    params.repr, params.eq = repr, eq  # what `dataclass` would have recorded
    return made


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, init: bool = True, repr: bool = True, eq: bool = True, frozen: bool = False, kw_only: bool = False,
           slots: bool = False, match_args: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, init: bool = True, repr: bool = True, eq: bool = True,
           frozen: bool = False, kw_only: bool = False, slots: bool = False,
           match_args: bool = True) -> type[T] | Callable[[type[T]], type[T]]:
    """`dataclasses.dataclass` with these arguments (see the module docstring)."""

    def wrap(cls: type[T]) -> type[T]:
        return _record(cls, repr, eq, frozen, init=init, kw_only=kw_only, slots=slots, match_args=match_args)

    return wrap if cls is None else wrap(cls)
