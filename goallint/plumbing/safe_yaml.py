"""Bounded YAML: the composer every YAML goallint reads goes through, and the loader of packs and config.

`yaml.safe_load` already refuses tags that build Python objects, but it expands a billion-laughs document
into a structure that pydantic then walks node by node, and it keeps the last of duplicate keys silently.
Here the composer bounds depth, aliases and expanded size while composing, and a duplicate key is an
error, so a hostile pack, config or form file is a one-line error in bounded time. The structured form
reader composes with the same primitives (and never constructs); packs and config are constructed with
safe constructors only. Nothing here imports a reader or pydantic: config and packs load without them.
"""

from __future__ import annotations

import importlib
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

MAX_DEPTH = 64
MAX_ALIASES = 256
MAX_NODES = 1_000_000
"""Scalars, mappings and sequences visited, aliases expanded (a billion-laughs document stops here)."""


class _SourceError(Exception):
    """A problem at an offset of the source text (reported as `line N: reason`)."""

    def __init__(self, offset: int | None, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason



class _BoundedComposer(Composer):
    """A composer (never a constructor) that refuses deep nesting and many aliases while composing."""

    _depth = 0
    _aliases = 0
    _composed = 0

    def _here(self) -> int:
        event = self.peek_event()  # type: ignore[attr-defined]
        return int(event.start_mark.index)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _SourceError(self._here(), f"超过 {MAX_ALIASES} 个别名")
        self._depth += 1
        self._composed += 1  # counted while composing: 20 MB of `[a,a,…]` would compose 10,000,000 nodes (~4 GB)
        try:
            if self._composed > MAX_NODES:
                raise _SourceError(self._here(), f"超过 {MAX_NODES} 个节点")
            if self._depth > MAX_DEPTH:
                raise _SourceError(self._here(), f"嵌套超过 {MAX_DEPTH} 层")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PureLoader(Reader, Scanner, Parser, _BoundedComposer, Resolver):
    """PyYAML's own reader, scanner and parser under the bounded composer."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        Resolver.__init__(self)


def _libyaml_parser() -> Any:
    try:
        return importlib.import_module("yaml._yaml").CParser
    except (ImportError, AttributeError):
        return None


_CParser: Any = _libyaml_parser()

def _check_expansion(root: yaml.Node, loader: Any) -> None:
    """Refuse a document whose aliases would expand beyond MAX_NODES, counting each distinct node once.

    Nothing to count when the loader has met no alias: each node then appears once, and the composer has
    already bounded how many it composed (a sixth of the time of reading a YAML form went to this walk)."""
    if not getattr(loader, "_aliases", 1):
        return
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        total = 1 + sum(size(child) for child in children)
        if total > MAX_NODES:
            raise _SourceError(node.start_mark.index, f"别名展开后超过 {MAX_NODES} 个节点")
        sizes[id(node)] = total
        return total

    size(root)



class SafeYamlError(yaml.YAMLError):
    """Any YAML problem, on one line: `line N: reason`."""


class _Constructing(SafeConstructor):
    def construct_document(self, node: yaml.Node) -> Any:
        _check_expansion(node, self)
        return super().construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise ConstructorError(None, None, f"键 {key_node.value!r} 重复", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


class _PureSafeLoader(_PureLoader, _Constructing):
    def __init__(self, stream: str) -> None:
        _PureLoader.__init__(self, stream)
        SafeConstructor.__init__(self)


_Loader: Any = _PureSafeLoader
if _CParser is not None:

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
        raise SafeYamlError(f"第 {line} 行：{exc.reason}" if line else exc.reason) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        said = " ".join(part for part in (exc.context, exc.problem) if part) or type(exc).__name__
        reason = f"YAML 语法错误（{said}）"
        raise SafeYamlError(f"第 {mark.line + 1} 行：{reason}" if mark is not None else reason) from None
    except RecursionError:
        raise SafeYamlError("嵌套过深") from None
    finally:
        loader.dispose()
