"""Load rule packs and config files: YAML safe constructors only, under the form reader's limits.

`yaml.safe_load` already refuses tags that build Python objects, but it expands a billion-laughs document
into a structure that pydantic then walks node by node, and it keeps the last of duplicate keys silently.
Here the composer is the structured reader's bounded one (depth, aliases, expanded size) and a duplicate
key is an error, so a hostile pack or config is a one-line error in bounded time.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from goallint.readers.structured import _check_expansion, _CParser, _PureLoader, _SourceError


class SafeYamlError(yaml.YAMLError):
    """Any YAML problem, on one line: `line N: reason`."""


class _Constructing(SafeConstructor):
    def construct_document(self, node: yaml.Node) -> Any:
        _check_expansion(node)
        return super().construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise ConstructorError(None, None, f"duplicate key {key_node.value!r}", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


class _PureSafeLoader(_PureLoader, _Constructing):
    def __init__(self, stream: str) -> None:
        _PureLoader.__init__(self, stream)
        SafeConstructor.__init__(self)


_Loader: Any = _PureSafeLoader
if _CParser is not None:
    from goallint.readers.structured import _BoundedComposer

    class _FastSafeLoader(_BoundedComposer, _CParser, _Constructing, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _Loader = _FastSafeLoader


def load(text: str) -> Any:
    """The first document of `text` as plain data. Raises `SafeYamlError` (a `yaml.YAMLError`, one line)."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except _SourceError as exc:
        line = text.count("\n", 0, exc.offset) + 1 if exc.offset is not None else None
        raise SafeYamlError(f"line {line}: {exc.reason}" if line else exc.reason) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(part for part in (exc.context, exc.problem) if part) or type(exc).__name__
        raise SafeYamlError(f"line {mark.line + 1}: {reason}" if mark is not None else reason) from None
    except RecursionError:
        raise SafeYamlError("nested too deeply") from None
    finally:
        loader.dispose()
