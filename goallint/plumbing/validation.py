"""Validating what people write (rule packs, profiles, configuration) into goallint's plain classes.

Those classes are standard dataclasses: a run uses them as they are, and a run whose packs and profiles come
from their snapshot never validates anything. pydantic validates them at the boundary, as Vale decodes its
YAML rules into plain structs once: `validate(cls, data)` checks the types of `data` against `cls`'s fields
(with the constraints their `metadata` names, pydantic `Field` arguments: `alias`, `min_length`, `pattern`,
`ge` …), builds the instance and runs its `__post_init__`, whose `ValueError` is a validation error at that
place. pydantic is imported here only, on the first validation or schema: importing this module does not.

- `STRICT` is the `__pydantic_config__` of a class that refuses unknown keys (its docstring, when it has one,
  is its JSON-schema description, as a pydantic model's);
- `Constrained(...)` constrains a type inside an annotation (`list[Annotated[str, Constrained(pattern=…)]]`);
- `Checked(function)` runs a check on a value once it has its type (pydantic's `AfterValidator`), and
  `Prepared(function)` rewrites the raw value first (`BeforeValidator`);
- `before(cls, function, handler, source)` is what a class's `__get_pydantic_core_schema__` returns to
  rewrite its raw input first (pydantic's `model_validator(mode="before")`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")


def _describe(schema: dict[str, Any], cls: type) -> None:
    doc = cls.__doc__
    if doc and not doc.startswith(f"{cls.__name__}("):  # not the signature `dataclass` writes without one
        schema["description"] = inspect.cleandoc(doc)


STRICT: dict[str, Any] = {"extra": "forbid", "json_schema_extra": _describe}
"""`__pydantic_config__` of a class that refuses unknown keys."""
OPEN: dict[str, Any] = {"json_schema_extra": _describe}
"""`__pydantic_config__` of a class that ignores unknown keys (a pydantic model's default)."""


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(cls: Any) -> TypeAdapter[Any]:
    """The validator of `cls` (a dataclass, or any type pydantic reads), built once per process."""
    known = _ADAPTERS.get(cls)
    if known is None:
        from pydantic import TypeAdapter

        known = _ADAPTERS[cls] = TypeAdapter(cls)
    return known


def validate(cls: type[T], data: Any) -> T:
    """`data` checked against `cls` and built into one; raises pydantic's `ValidationError`."""
    value: T = adapter(cls).validate_python(data)
    return value


def json_schema(cls: Any) -> dict[str, Any]:
    """The JSON Schema of what `validate(cls, …)` accepts."""
    schema: dict[str, Any] = adapter(cls).json_schema()
    return schema


class Constrained:
    """Annotation metadata: the type it annotates, with pydantic `Field` constraints (`pattern=…`)."""

    __slots__ = ("constraints",)

    def __init__(self, **constraints: Any) -> None:
        self.constraints = constraints

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from typing import Annotated

        from pydantic import Field

        return handler.generate_schema(Annotated[source, Field(**self.constraints)])


class Checked:
    """Annotation metadata: `check(value)` once the value has its type; it returns the value or raises
    `ValueError` (a validation error at that place)."""

    __slots__ = ("check",)

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.check, handler(source))


class Prepared:
    """Annotation metadata: `prepare(raw)` rewrites the raw input before it is checked against the type
    (pydantic's `BeforeValidator`)."""

    __slots__ = ("prepare",)

    def __init__(self, prepare: Callable[[Any], Any]) -> None:
        self.prepare = prepare

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return before(self.prepare, handler, source)


def before(rewrite: Callable[[Any], Any], handler: Any, source: Any) -> Any:
    """The core schema of `source` with its raw input rewritten by `rewrite` first (for a class's
    `__get_pydantic_core_schema__(cls, source, handler)`)."""
    from pydantic_core import core_schema

    return core_schema.no_info_before_validator_function(rewrite, handler(source))
