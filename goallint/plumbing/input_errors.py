"""What is wrong with something a person wrote (a rule pack, a config, a profile, a YAML/JSON form), in Chinese.

pydantic validates those files and reports each problem with an error type and its context; its own `msg` is
English. The people who read goallint's errors are finance staff and budget departments, so each error type
is said here in Chinese, keeping the names a user typed (keys, values, allowed words) as they are. A type not
listed falls back to pydantic's text, so a new pydantic type never hides the problem.

The errors are the plain dicts of `ValidationError.errors()`: this module imports nothing of pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_PLAIN = {
    "missing": "缺少这一项",
    "missing_argument": "缺少这一项",  # a dataclass's required field
    "missing_keyword_argument": "缺少这一项",
    "extra_forbidden": "未知的键",
    "unexpected_keyword_argument": "未知的键",  # a key a dataclass does not have
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数（不带小数）",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "dataclass_type": "应为映射（键: 值）",
    "none_required": "应为空",
    "recursion_loop": "引用成环",
}


def _words(expected: Any) -> str:
    """pydantic's `'a', 'b' or 'c'` as `'a'、'b' 或 'c'`."""
    text = str(expected)
    head, sep, last = text.rpartition(" or ")
    return f"{head.replace(', ', '、')} 或 {last}" if sep else text


def reason(error: Mapping[str, Any]) -> str:
    """One pydantic error (a dict of `ValidationError.errors()`) said in Chinese."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in ("literal_error", "enum"):
        return f"应为 {_words(ctx.get('expected', ''))} 之一"
    if kind == "union_tag_invalid":
        return f"未知的 {ctx.get('discriminator', 'kind')} {ctx.get('tag', '')!s}，应为 {_words(ctx.get('expected_tags', ''))} 之一"
    if kind == "union_tag_not_found":
        return f"缺少 {ctx.get('discriminator', 'kind')}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error.get("msg", ""))).removeprefix("Value error, ")
    bounds = {"greater_than": "应大于", "greater_than_equal": "应不小于", "less_than": "应小于",
              "less_than_equal": "应不大于"}
    if kind in bounds:
        limit = next((ctx[key] for key in ("gt", "ge", "lt", "le") if key in ctx), "")
        return f"{bounds[kind]} {limit}"
    if kind in ("string_too_short", "too_short"):
        return f"至少 {ctx.get('min_length', '')} 个{'字' if kind.startswith('string') else '项'}"
    if kind in ("string_too_long", "too_long"):
        return f"至多 {ctx.get('max_length', '')} 个{'字' if kind.startswith('string') else '项'}"
    if kind == "string_pattern_mismatch":
        return f"不符合格式 {ctx.get('pattern', '')}"
    return str(error.get("msg", kind)).removeprefix("Value error, ")


def place(loc: Sequence[Any]) -> str:
    """Where the error is, as a user writes it: `rules[0].where.forms[1]`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
