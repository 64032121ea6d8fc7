"""Typed indicator values: the discriminated union the value grammar produces and the rules reason about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from decimal import Decimal
from typing import Any, Literal, TypeVar

from goallint.plumbing.records import record

Comparator = Literal["=", ">=", "<=", ">", "<"]


def canonical_decimal(number: Decimal) -> str:
    """`Decimal` as the contract's canonical string: no exponent, no trailing zeros after the point."""
    text = format(number, "f")  # exact for any length (quantize/normalize would round to the context's 28 digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


@record(frozen=True, slots=True, kw_only=True)
class _Value:
    kind: str

    label: str | None = None
    """Words before the value (`慰问品1500元/份` → 慰问品), or the item's label inside a compound."""

    def to_contract(self) -> dict[str, Any]:
        """The JSON contract of values.md: keys that do not apply are omitted, decimals as strings."""
        out: dict[str, Any] = {"kind": self.kind}
        for key in _field_names(type(self)):
            item = getattr(self, key)
            if key == "kind":
                continue
            if item is None or item is False:
                continue
            if isinstance(item, Decimal):
                out[key] = canonical_decimal(item)
            elif isinstance(item, list):
                out[key] = [sub.to_contract() for sub in item]
            else:
                out[key] = item
        return out


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
V = TypeVar("V", bound=_Value)


def _field_names(cls: type[_Value]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(item.name for item in fields(cls))
    return names


def replaced(value: V, **changes: Any) -> V:
    """`dataclasses.replace` for a value: the same class made with `changes` over the value's fields (the value
    grammar relabels most items it builds, and `replace`'s generic checks cost more than the copy)."""
    cls = type(value)
    maker = _MAKERS.get(cls) or value_maker(cls)
    out: V = maker(*[changes[name] if name in changes else getattr(value, name) for name in _field_names(cls)])
    return out


_MAKERS: dict[type, Callable[..., Any]] = {}


def value_maker(cls: type[V]) -> Callable[..., V]:
    """A maker of a value class from every field's value, positionally in field order (`kind` and `label` first),
    that sets each slot directly: what `__init__` makes, without a frozen class's guarded `__setattr__` per field
    and keyword matching (the value grammar makes one or two values per item it reads; the classes have no
    `__post_init__`). Written out per class, as `dataclass` writes `__init__`, and kept as that is."""
    known = _MAKERS.get(cls)
    if known is not None:
        return known
    from goallint.plumbing import kept_code

    names = _field_names(cls)
    lines = [f"def make_{cls.__name__}({', '.join(names)}):", "    _out = _new(_cls)"]
    lines += [f"    _set_{name}(_out, {name})" for name in names]
    lines.append("    return _out")
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    scope.update({f"_set_{name}": getattr(cls, name).__set__ for name in names})  # a slot of the class or its base
    kept_code.exec_kept("\n".join(lines) + "\n", scope)
    maker: Callable[..., V] = scope[f"make_{cls.__name__}"]
    _MAKERS[cls] = maker
    return maker


@record(frozen=True, slots=True, kw_only=True)
class Quantity(_Value):
    """An exact target: `100%`, `3500元/月/人`, `23名党建组织员` (op `=`)."""

    kind: Literal["quantity"] = "quantity"
    op: Literal["="] = "="
    value: Decimal
    unit: str = ""
    noun: str | None = None
    approx: bool = False


@record(frozen=True, slots=True, kw_only=True)
class Bound(_Value):
    """A one-sided target: `≥95%`, `不少于2场`, `5000元以内`."""

    kind: Literal["bound"] = "bound"
    op: str
    """`>=`, `<=`, `>` or `<`."""
    value: Decimal
    unit: str = ""
    noun: str | None = None
    approx: bool = False


@record(frozen=True, slots=True, kw_only=True)
class Range(_Value):
    """`90%~95%`, `14-24℃`, `±3%以内` (low −3, high 3)."""

    kind: Literal["range"] = "range"
    low: Decimal
    high: Decimal
    unit: str = ""
    low_unit: str | None = None
    """Set only when the two ends were written with different units (`1万元-5000人`)."""


@record(frozen=True, slots=True, kw_only=True)
class Deadline(_Value):
    """`12月底前`, `2024年12月31日`, `每年春节前`, `全年`."""

    kind: Literal["deadline"] = "deadline"
    year: int | None = None
    month: int | None = None
    day: int | str | None = None
    """The day of the month, or `end`, `start`, `mid`."""
    event: str | None = None
    """A named moment instead of a date: 春节前, 全年, 年底."""


@record(frozen=True, slots=True, kw_only=True)
class Compound(_Value):
    """Several values in one cell, split on `，；、` and ①②③: each item keeps its own label."""

    kind: Literal["compound"] = "compound"
    items: list[Value]


@record(frozen=True, slots=True, kw_only=True)
class Qualitative(_Value):
    """Free words such as `逐年提高`, `满意`; `vague` marks the words the vocabulary calls vague."""

    kind: Literal["qualitative"] = "qualitative"
    vague: bool = False
    text: str = ""


@record(frozen=True, slots=True, kw_only=True)
class Placeholder(_Value):
    """No real target: `无`, `**`, `≥**%`, `XX`, `待定`, `/`, `—`."""

    kind: Literal["placeholder"] = "placeholder"
    text: str = ""


@record(frozen=True, slots=True, kw_only=True)
class Text(_Value):
    """Anything else: a sentence or a paragraph, kept verbatim."""

    kind: Literal["text"] = "text"
    text: str = ""


Value = Quantity | Bound | Range | Deadline | Compound | Qualitative | Placeholder | Text
"""Every typed value; `kind` tells them apart."""


NUMERIC_KINDS = ("quantity", "bound", "range")
