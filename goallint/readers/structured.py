"""Read structured (YAML/JSON) form files into forms whose cells point at their scalars in the source.

YAML is composed (never constructed) with a SafeLoader subclass that bounds depth and aliases; JSON goes
through a small position-keeping scanner (string escapes decoded by the json module). Both produce plain
data plus a map from each path (`("forms", 0, "indicators", 2, "period")`) to the scalar's offsets; the
data is validated against `goallint.structured_format` and turned into the internal model. Never raises.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.resolver import Resolver

from goallint.layout.vocab import key_of, vocabulary
from goallint.model import (
    AnyForm,
    Cell,
    CostRow,
    CostTable,
    DepartmentForm,
    Indicator,
    ProjectForm,
    Span,
    Task,
)
from goallint.plumbing.input_errors import reason as input_reason
from goallint.plumbing.outputs import is_own_output_text
from goallint.plumbing.safe_yaml import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_NODES,
    _BoundedComposer,
    _check_expansion,
    _CParser,
    _PureLoader,
    _SourceError,
)
from goallint.profiles import profiles
from goallint.readers.base import ReadResult
from goallint.readers.encoding import DecodeError, decode
from goallint.structured_format import (
    CARRY_DOWN_KEYS,
    INDICATOR_KEYS,
    TASK_KEYS,
    CostTableIn,
    DepartmentFormIn,
    ProjectFormIn,
    form_cell_keys,
    form_model,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_FORMS = 5_000
MAX_INDICATORS = 50_000
"""Forms and indicators (with tasks) in one file, counted before any is built: a form costs about 8 KB
built and linted, and a few MB of bare forms would be gigabytes; real files hold a handful."""

_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_NULL_TAG = "tag:yaml.org,2002:null"

PathKey = tuple[str | int, ...]
_UNION_MEMBERS = {"str", "int", "float"}


@dataclass(frozen=True)
class _Pos:
    """Offsets of a node in the decoded text; `cell_*` is the part a fix rewrites (a quoted scalar's inside)."""

    start: int
    end: int
    cell_start: int
    cell_end: int


@dataclass
class _Document:
    data: Any
    where: dict[PathKey, _Pos]


# ---------------------------------------------------------------------------------------------- YAML


_Loader: Any = _PureLoader
if _CParser is not None:

    class _FastLoader(_BoundedComposer, _CParser, Resolver):  # type: ignore[misc]
        """libyaml's parser (about 9x faster; marks count characters too) under the bounded composer."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

    _Loader = _FastLoader


class _YamlWalker:
    """Turns a composed node tree into plain data (scalars as their text) and a path → position map."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.visited = 0

    def walk(self, node: yaml.Node, path: PathKey, where: dict[PathKey, _Pos]) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise _SourceError(node.start_mark.index, f"超过 {MAX_NODES} 个节点（别名展开过多？）")
        if node.tag not in _ALLOWED_TAGS:
            raise _SourceError(node.start_mark.index, f"不允许使用标签 {node.tag!r}")
        where[path] = self._position(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _NULL_TAG and not node.style:  # plain (libyaml: "", PyYAML: None)
                return None
            if node.style == '"':  # only an escape can make a lone surrogate
                _refuse_surrogate(node.value, node.start_mark.index)
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i), where) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key in mapping:
                raise _SourceError(key_node.start_mark.index, f"键 {key!r} 重复")
            mapping[key] = self.walk(value_node, (*path, key), where)
        return mapping

    def _key(self, node: yaml.Node) -> str:
        if node.tag == "tag:yaml.org,2002:merge":
            raise _SourceError(node.start_mark.index, "不支持合并键（<<）")
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _ALLOWED_TAGS:
            raise _SourceError(node.start_mark.index, "键应是普通文字")
        _refuse_surrogate(str(node.value), node.start_mark.index)
        return str(node.value)

    def _position(self, node: yaml.Node) -> _Pos:
        start, end = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') and end - start >= 2:
            if self.text[start + 1 : end - 1] == node.value:
                return _Pos(start, end, start + 1, end - 1)
        return _Pos(start, end, start, end)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogate(value: str, offset: int) -> None:
    """A lone surrogate (`"\\ud800"`) is not Unicode text: no report or baseline could write it as UTF-8."""
    found = _SURROGATE.search(value)
    if found:
        raise _SourceError(offset, f"文本中有单独的代理码位 \\u{ord(found.group()):04x}，不是有效的 Unicode 字符")


def _yaml_documents(text: str) -> list[_Document]:
    walker = _YamlWalker(text)
    documents: list[_Document] = []
    loader: Any = None
    try:
        loader = _Loader(text)
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            _check_expansion(node, loader)
            where: dict[PathKey, _Pos] = {}
            documents.append(_Document(walker.walk(node, (), where), where))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        said = " ".join(part for part in (exc.context, exc.problem) if part)
        reason = f"YAML 语法错误（{said}）" if said else "YAML 语法错误"
        raise _SourceError(mark.index if mark is not None else None, reason) from None
    except yaml.reader.ReaderError as exc:
        raise _SourceError(exc.position, f"YAML 中不允许字符 #x{exc.character:04x}") from None
    except yaml.YAMLError as exc:
        raise _SourceError(None, f"YAML 语法错误（{' '.join(str(exc).split())}）") from None
    finally:
        if loader is not None:
            loader.dispose()
    return documents


# ---------------------------------------------------------------------------------------------- JSON

_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*"', re.DOTALL)
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_JSON_LITERALS = {"true": "true", "false": "false", "null": None}


class _JsonScanner:
    """A strict JSON scanner that keeps every value's offsets; numbers stay the text written."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.where: dict[PathKey, _Pos] = {}
        self.nodes = 0

    def document(self) -> _Document:
        offset = self._skip(0)
        data, offset = self._value(offset, (), 0)
        offset = self._skip(offset)
        if offset != len(self.text):
            raise _SourceError(offset, "JSON 值之后还有多余内容")
        return _Document(data, self.where)

    def _skip(self, offset: int) -> int:
        match = _JSON_SPACE.match(self.text, offset)
        return match.end() if match else offset

    def _value(self, offset: int, path: PathKey, depth: int) -> tuple[Any, int]:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _SourceError(offset, f"超过 {MAX_NODES} 个值")
        if depth >= MAX_DEPTH:
            raise _SourceError(offset, f"嵌套超过 {MAX_DEPTH} 层")
        char = self.text[offset : offset + 1]
        if char == "{":
            return self._container(offset, path, depth, "}")
        if char == "[":
            return self._container(offset, path, depth, "]")
        if char == '"':
            return self._string(offset, path)
        match = _JSON_NUMBER.match(self.text, offset)
        if match:
            self.where[path] = _Pos(offset, match.end(), offset, match.end())
            return match.group(), match.end()
        for word, value in _JSON_LITERALS.items():
            if self.text.startswith(word, offset):
                end = offset + len(word)
                self.where[path] = _Pos(offset, end, offset, end)
                return value, end
        raise _SourceError(offset, "这里应是一个 JSON 值" if char else "JSON 文本意外结束")

    def _string(self, offset: int, path: PathKey | None) -> tuple[str, int]:
        match = _JSON_STRING.match(self.text, offset)
        if not match:
            raise _SourceError(offset, "字符串没有结束，或含控制字符")
        token = match.group()
        try:
            value = json.loads(token)
        except ValueError as exc:
            raise _SourceError(offset, f"字符串转义有误（{exc.args[0].split(':')[0]}）") from None
        inside = token[1:-1] == value
        if not inside:  # only an escape (`\\ud800`) can make a lone surrogate
            _refuse_surrogate(value, offset)
        if path is not None:
            cell = (offset + 1, match.end() - 1) if inside else (offset, match.end())
            self.where[path] = _Pos(offset, match.end(), *cell)
        return str(value), match.end()

    def _container(self, start: int, path: PathKey, depth: int, close: str) -> tuple[Any, int]:
        is_object = close == "}"
        items: dict[str, Any] | list[Any] = {} if is_object else []
        offset = self._skip(start + 1)
        if self.text.startswith(close, offset):
            self.where[path] = _Pos(start, offset + 1, start, offset + 1)
            return items, offset + 1
        while True:
            if isinstance(items, dict):
                if not self.text.startswith('"', offset):
                    raise _SourceError(offset, "这里应是字符串键")
                key, after = self._string(offset, None)
                if key in items:
                    raise _SourceError(offset, f"键 {key!r} 重复")
                offset = self._skip(after)
                if not self.text.startswith(":", offset):
                    raise _SourceError(offset, "键之后应是 ':'")
                items[key], offset = self._value(self._skip(offset + 1), (*path, key), depth + 1)
            else:
                value, offset = self._value(offset, (*path, len(items)), depth + 1)
                items.append(value)
            offset = self._skip(offset)
            if self.text.startswith(close, offset):
                self.where[path] = _Pos(start, offset + 1, start, offset + 1)
                return items, offset + 1
            if not self.text.startswith(",", offset):
                raise _SourceError(offset, f"这里应是 ',' 或 '{close}'")
            offset = self._skip(offset + 1)


# ---------------------------------------------------------------------------------------------- forms


class _Lines:
    """Offset → 1-based (line, column), lines split at '\\n'."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        newline = text.find("\n")
        while newline >= 0:
            self.starts.append(newline + 1)
            newline = text.find("\n", newline + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.locate(start)
        end_line, end_column = self.locate(end)
        return Span(line=line, column=column, end_line=end_line, end_column=end_column, start=start, end=end)


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


class _Builder:
    """Validates one document's forms against the input models (`structured_format`) and builds the plain
    internal forms, whose cells carry spans."""

    def __init__(self, document: _Document, lines: _Lines, path: str) -> None:
        self.where = document.where
        self.lines = lines
        self.path = path

    def fail(self, path: PathKey, reason: str) -> _SourceError:
        """An error at the nearest located node on `path` (a missing key: its mapping)."""
        pos = next((self.where[path[:cut]] for cut in range(len(path), -1, -1) if path[:cut] in self.where), None)
        return _SourceError(pos.start if pos else None, f"{_dotted(path)}: {reason}" if path else reason)

    def form_entries(self, data: Any) -> list[tuple[PathKey, Any]]:
        if isinstance(data, list):
            return [((i,), entry) for i, entry in enumerate(data)]
        if not isinstance(data, dict):
            return []
        if "forms" in data:
            unknown = sorted(set(data) - {"forms"})
            if unknown:
                raise self.fail((unknown[0],), "未知的顶层键（顶层只应有 `forms`）")
            forms = data["forms"]
            if forms is None:
                return []
            if not isinstance(forms, list):
                raise self.fail(("forms",), "`forms` 应是表单的列表")
            return [(("forms", i), entry) for i, entry in enumerate(forms)]
        if "kind" in data:
            return [((), data)]
        return []

    def form(self, prefix: PathKey, entry: Any) -> AnyForm:
        if not isinstance(entry, dict):
            raise self.fail(prefix, "每张表单应是字段的映射（键: 值）")
        kind = entry.get("kind")
        if kind not in ("project", "department"):
            shown = "缺少 kind" if kind is None else f"kind {kind!r} 不对"
            raise self.fail((*prefix, "kind"), f"{shown}：应为 `project`（项目表）或 `department`（部门整体表）")
        model = form_model(kind)
        try:
            validated = model.model_validate(entry)
        except ValidationError as exc:
            raise self._validation_error(prefix, exc) from None
        return self._build(prefix, entry, validated)

    def _validation_error(self, prefix: PathKey, exc: ValidationError) -> _SourceError:
        errors = exc.errors()
        first = errors[0]
        loc: PathKey = (*prefix, *first["loc"])
        if loc and loc[-1] in _UNION_MEMBERS:  # a cell given a mapping or a list: one error per member
            while loc and loc[-1] in _UNION_MEMBERS:
                loc = loc[:-1]
            reason = "应为文字或数字，不是映射或列表"
        else:
            reason = input_reason(first)
        places = {tuple(part for part in error["loc"] if part not in _UNION_MEMBERS) for error in errors}
        more = f"（另有 {len(places) - 1} 处问题）" if len(places) > 1 else ""
        return self.fail(loc, reason + more)

    def cell(self, path: PathKey, raw: Any) -> Cell | None:
        if raw is None:
            return None
        pos = self.where.get(path)
        span = self.lines.span(pos.cell_start, pos.cell_end) if pos is not None else None
        return Cell(raw=str(raw), span=span)

    def _build(self, prefix: PathKey, entry: dict[str, Any], validated: BaseModel) -> AnyForm:
        fields: dict[str, Any] = {
            key: self.cell((*prefix, key), entry.get(key)) for key in form_cell_keys(validated.kind)  # type: ignore[attr-defined]
        }
        for key in ("budget_year", "profile", "ignore"):
            fields[key] = getattr(validated, key)
        if fields["profile"] is not None and fields["profile"] not in profiles():
            known = ", ".join(sorted(profiles()))
            raise self.fail((*prefix, "profile"), f"未知的 profile {fields['profile']!r}（可用：{known}）")
        pos = self.where.get(prefix)
        form_span = self.lines.span(pos.start, pos.end) if pos is not None else None
        indicators = self._indicators((*prefix, "indicators"), entry.get("indicators") or [])
        common = {"path": self.path, "span": form_span, "indicators": indicators, **fields}
        if isinstance(validated, ProjectFormIn):
            units: dict[str, Any] = {"budget_unit": validated.budget_unit,
                                     "period_budget_unit": validated.period_budget_unit}
            tables = self._cost_tables((*prefix, "cost_tables"), validated.cost_tables)
            return ProjectForm(**common, **units, cost_tables=tables)
        assert isinstance(validated, DepartmentFormIn)
        tasks: dict[str, Any] = {key: self._tasks((*prefix, key), entry.get(key) or []) for key in ("tasks", "other_tasks")}
        return DepartmentForm(**common, **tasks, budget_unit=validated.budget_unit,
                              task_amount_unit=validated.task_amount_unit)

    def _indicators(self, prefix: PathKey, entries: list[dict[str, Any]]) -> list[Indicator]:
        indicators: list[Indicator] = []
        previous: dict[str, Cell | None] = {key: None for key in CARRY_DOWN_KEYS}
        for i, entry in enumerate(entries):
            cells: dict[str, Cell | None] = {}
            for key, field in INDICATOR_KEYS.items():
                if key in CARRY_DOWN_KEYS and key not in entry:
                    cells[field] = previous[key]
                else:
                    cells[field] = self.cell((*prefix, i, key), entry.get(key))
            previous = {key: cells[key] for key in CARRY_DOWN_KEYS}
            ignore = entry.get("goallint-ignore") or []
            indicators.append(Indicator(**cells, ignore=[ignore] if isinstance(ignore, str) else list(ignore)))
        return indicators

    def _cost_tables(self, prefix: PathKey, tables: list[CostTableIn]) -> list[CostTable]:
        """Each cost table: the row whose item is a subtotal label (合计, 总计, 小计) is its total."""
        out = []
        for i, table in enumerate(tables):
            columns = tuple(self.cell((*prefix, i, "columns", j), raw) or Cell("") for j, raw in enumerate(table.columns))
            rows: list[CostRow] = []
            total: CostRow | None = None
            for j, raw_row in enumerate(table.rows):
                cells = [self.cell((*prefix, i, "rows", j, k), raw) for k, raw in enumerate(raw_row)]
                if not cells or cells[0] is None:
                    continue
                row = CostRow(cells[0], tuple(cells[1:]))
                if key_of(cells[0].raw) in vocabulary().subtotals:
                    total = row
                else:
                    rows.append(row)
            out.append(CostTable(self.cell((*prefix, i, "title"), table.title), columns, tuple(rows), total,
                                 table.unit))
        return out

    def _tasks(self, prefix: PathKey, entries: list[dict[str, Any]]) -> list[Task]:
        return [
            Task(**{key: self.cell((*prefix, i, key), entry.get(key)) for key in TASK_KEYS})
            for i, entry in enumerate(entries)
        ]


def _refuse_too_many(forms: list[Any]) -> None:
    """More than MAX_FORMS forms, or MAX_INDICATORS indicators and tasks, in one file: GL002, before building."""
    if len(forms) > MAX_FORMS:
        raise _SourceError(None, f"一个文件中超过 {MAX_FORMS} 张表")
    rows = sum(len(entry.get(key) or ()) for entry in forms if isinstance(entry, dict)
               for key in ("indicators", "tasks", "other_tasks") if isinstance(entry.get(key), list))
    if rows > MAX_INDICATORS:
        raise _SourceError(None, f"一个文件中超过 {MAX_INDICATORS} 个指标和任务")


def _parse(text: str, is_json: bool) -> list[_Document]:
    if is_json:
        return [_JsonScanner(text).document()]
    return _yaml_documents(text)


def read(data: bytes, path: str) -> ReadResult:
    """Read a YAML (`.yaml`/`.yml`) or JSON (`.json`) form file. Never raises."""
    if len(data) > MAX_BYTES:
        return ReadResult(path=path, problem=("GL002", f"文件超过 {MAX_BYTES // (1024 * 1024)} MB"))
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        return ReadResult(path=path, problem=("GL002", str(exc)))
    result = ReadResult(path=path, text=text, encoding=encoding)
    if is_own_output_text(text):  # a report or baseline goallint wrote into the folder: no form, no finding
        return result
    is_json = Path(path).suffix.lower() == ".json"
    if is_json and text.count("{") > MAX_FORMS + MAX_INDICATORS + 1:  # each form, indicator, task is an object
        result.problem = ("GL002", f"一个文件中超过 {MAX_FORMS} 张表或 {MAX_INDICATORS} 个指标和任务"
                                   f"（解析前数到 {text.count('{')} 个对象）")
        return result
    lines = _Lines(text)
    try:
        documents = _parse(text, is_json)
        entries = [(_Builder(document, lines, path), document) for document in documents]
        found = [(builder, builder.form_entries(document.data)) for builder, document in entries]
        _refuse_too_many([entry for _, forms in found for _, entry in forms])
        for builder, forms in found:
            result.forms.extend(builder.form(prefix, entry) for prefix, entry in forms)
    except _SourceError as exc:
        line = lines.locate(exc.offset)[0] if exc.offset is not None else None
        where = f"第 {line} 行：" if line is not None else ""
        result.forms = []
        result.problem = ("GL002", f"{where}{exc.reason}")
        result.problem_line = line or 1  # the finding sits on the line, not at 1:1
        return result
    except RecursionError:
        result.problem = ("GL002", "嵌套过深")
        return result
    if not result.forms:
        result.problem = ("GL001", "没有表单：应有 `forms` 列表，或一张带 `kind` 的表单")
    return result


__all__ = ["MAX_ALIASES", "MAX_BYTES", "MAX_DEPTH", "MAX_FORMS", "MAX_INDICATORS", "MAX_NODES", "read"]
