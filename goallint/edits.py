"""Edits to a form's source: the cells under them, the file's encoding, whether an edit can be written in
place (a plain or quoted YAML scalar, a JSON string without escapes, text the encoding can hold), and
splicing edits into the original bytes. The engine drops the fixes that cannot be written
(`drop_unfit_fixes`), so a fix in a report is one `--fix` can apply; the fixer (`fixer.py`) writes them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from goallint.model import FIELDS, AnyForm, Cell, Diagnostic, Edit, Fix, made_diagnostic
from goallint.readers import TEXT_SUFFIXES, UNREWRITTEN_SUFFIXES, ReadResult

_YAML_PLAIN_FIRST = set("-?:,[]{}#&*!|>'\"%@`")
_YAML_NULL = re.compile(r"~|null|Null|NULL")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FixRefused(Exception):
    """The whole file cannot be fixed safely (its encoding does not round-trip, it is a workbook …)."""


# -------------------------------------------------------------------------------------------- cells


def iter_cells(forms: Iterable[AnyForm]) -> Iterator[Cell]:
    """Every cell of the forms, in field order (indicators and tasks included; carried-down cells repeat)."""
    for form in forms:
        yield from _cells_of(form)


def _cells_of(record: Any) -> Iterator[Cell]:
    for name in _field_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, Cell):
            yield value
        elif isinstance(value, list):
            for item in value:
                if is_dataclass(item):
                    yield from _cells_of(item)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(item.name for item in fields(cls))
    return names


def _raws_at(result: ReadResult, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The raw text of the cells at the `wanted` (start, end) spans (a span no cell has is left out; where
    cells share a span, the last in `iter_cells` order). The cells are walked backwards from the last, so that
    the first met at a span is the one to keep, and the walk stops once every wanted span is found."""
    out: dict[tuple[int, int], str] = {}
    starts = {start for start, _ in wanted}
    count = len(wanted)

    getters, records = _GETTERS, _RECORDS

    def visit(record: Any) -> bool:  # `iter_cells` backwards, without a generator per record; True: all found
        getter = getters.get(type(record))  # `_values_of` and `_is_record`, asked without a call
        for value in reversed(getter(record) if getter is not None else _values_of(record)):
            if isinstance(value, Cell):
                span = value.span
                if span is not None and span.start in starts:
                    key = (span.start, span.end)
                    if key in wanted and key not in out:
                        out[key] = value.raw  # both set: they were wanted
                        if len(out) == count:
                            return True
            elif isinstance(value, list) and visit_items(value):
                return True
        return False

    def visit_items(items: list[Any]) -> bool:
        for item in reversed(items):
            inner = getters.get(type(item))
            if inner is None:  # not a record, or a record not met yet
                known = records.get(type(item))
                if (known if known is not None else _is_record(type(item))) and visit(item):
                    return True
                continue
            for value in reversed(inner(item)):  # `visit(item)`, written out: a form's indicators are most records
                if isinstance(value, Cell):
                    span = value.span
                    if span is not None and span.start in starts:
                        key = (span.start, span.end)
                        if key in wanted and key not in out:
                            out[key] = value.raw
                            if len(out) == count:
                                return True
                elif isinstance(value, list) and visit_items(value):
                    return True
        return False

    for form in reversed(result.forms):
        if visit(form):
            break
    return out


def _values_of(record: Any) -> tuple[Any, ...]:
    """The values of a record's fields that can hold a cell or records, in field order, read at once (one
    getter per class; a field declared as a plain string, number, span or list of strings is left out)."""
    getter = _GETTERS.get(type(record))
    if getter is None:
        names = tuple(item.name for item in fields(type(record)) if not _PLAIN.fullmatch(str(item.type)))
        getter = _GETTERS[type(record)] = (attrgetter(*names) if len(names) > 1 else
                                           (lambda item: tuple(getattr(item, name) for name in names)))
    return getter(record)


_GETTERS: dict[type, Callable[[Any], Any]] = {}
_PLAIN = re.compile(r"(str|int|bool|float|OptSpan|Literal\[[^]]*\]|list\[str\])( \| None)?")
"""A field's declared type that holds no cell (read as written: `from __future__ import annotations`)."""


_RECORDS: dict[type, bool] = {}


def _is_record(kind: type) -> bool:
    """`dataclasses.is_dataclass` of an instance of `kind`, remembered per class."""
    known = _RECORDS.get(kind)
    if known is None:
        known = _RECORDS[kind] = is_dataclass(kind)
    return known


# -------------------------------------------------------------------------------------------- encoding


def codec_of(data: bytes, text: str, encoding: str | None) -> tuple[bytes, str]:
    """(BOM bytes, Python codec) to write `text` back as `data` was; FixRefused if that does not round-trip."""
    bom, codec = b"", encoding or "utf-8"
    if encoding == "utf-8-sig":
        bom, codec = data[:3], "utf-8"
    elif encoding == "utf-16":
        bom = data[:2]
        codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    elif encoding == "utf-32":
        bom = data[:4]
        codec = "utf-32-le" if bom == b"\xff\xfe\x00\x00" else "utf-32-be"
    try:
        same = bom + text.encode(codec) == data
    except (UnicodeError, LookupError):
        same = False
    if not same:
        raise FixRefused(f"文件的编码（{encoding}）转换后不能还原为原来的字节，不能安全改写")
    return bom, codec


def codec_of_text(text: str, encoding: str | None) -> str:
    """The codec `codec_of` would pick, checked on the text alone (no original bytes at hand)."""
    codec = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(encoding or "utf-8",
                                                                                  encoding or "utf-8")
    try:
        text.encode(codec)
    except (UnicodeError, LookupError):
        raise FixRefused(f"文件的编码（{encoding}）容不下它自己的文字，不能安全改写") from None
    return codec


def splice(data: bytes, text: str, bom: bytes, codec: str, edits: Sequence[Edit]) -> bytes:
    """The original bytes with each edit's span (character offsets into `text`) replaced by its content."""
    pieces: list[bytes] = [bom]
    done_chars, done_bytes = 0, len(bom)
    for edit in sorted(edits, key=lambda e: e.start or 0):
        assert edit.start is not None and edit.end is not None
        before = len(text[done_chars:edit.start].encode(codec))
        old = len(text[edit.start:edit.end].encode(codec))
        pieces.append(data[done_bytes:done_bytes + before])
        pieces.append(edit.content.encode(codec))
        done_bytes += before + old
        done_chars = edit.end
    pieces.append(data[done_bytes:])
    return b"".join(pieces)


def apply_text(text: str, edits: Sequence[Edit]) -> str:
    """`text` with the (non-overlapping) edits applied by character offsets."""
    out, done = [], 0
    for edit in sorted(edits, key=lambda e: e.start or 0):
        assert edit.start is not None and edit.end is not None
        out += [text[done:edit.start], edit.content]
        done = edit.end
    out.append(text[done:])
    return "".join(out)


# -------------------------------------------------------------------------------------------- one edit


def _fits_yaml(text: str, edit: Edit) -> str | None:
    """Why `edit.content` cannot replace the YAML scalar at the span in place (None: it can)."""
    assert edit.start is not None and edit.end is not None
    content = edit.content
    quote = text[edit.start - 1:edit.start] if edit.start > 0 else ""
    if quote in ("'", '"') and text[edit.end:edit.end + 1] == quote:
        if quote in content or (quote == '"' and "\\" in content) or _CONTROL.search(content):
            return "新内容在带引号的 YAML 值中需要转义"
        return None
    if (not content or content != content.strip() or content[0] in _YAML_PLAIN_FIRST
            or ": " in content or " #" in content or content.endswith(":") or "\t" in content
            or any(ch in content for ch in ",[]{}") or _YAML_NULL.fullmatch(content)):
        return "新内容不能作为不带引号的 YAML 值"
    return None


def _fits_json(text: str, edit: Edit) -> str | None:
    assert edit.start is not None and edit.end is not None
    if text[edit.start - 1:edit.start] == '"' and text[edit.end:edit.end + 1] == '"':
        if json.dumps(edit.content, ensure_ascii=False)[1:-1] != edit.content:
            return "新内容在 JSON 字符串中需要转义"
        return None
    if not _JSON_NUMBER.fullmatch(edit.content):
        return "新内容不是 JSON 数字"
    return None


def unfit(edit: Edit, text: str, raws: dict[tuple[int, int], str], suffix: str, codec: str) -> str | None:
    """Why this edit cannot be applied in place (None: it can)."""
    if edit.start is None or edit.end is None:
        return "该单元格在源文件中没有确切位置"
    raw = raws.get((edit.start, edit.end))
    if raw is None or text[edit.start:edit.end] != raw:
        return "该单元格在源文件中的文字不是它的值（合并、折行、块或转义）"
    if "\n" in edit.content or "\r" in edit.content:
        return "新内容含换行"
    if "\t" in edit.content and suffix in TEXT_SUFFIXES:
        return "新内容含制表符（即单元格分隔符）"
    try:
        edit.content.encode(codec)
    except UnicodeError:
        return f"新内容无法用文件的编码（{codec}）写出"
    if suffix in (".yaml", ".yml"):
        return _fits_yaml(text, edit)
    if suffix == ".json":
        return _fits_json(text, edit)
    return None


def drop_unfit_fixes(result: ReadResult, diagnostics: list[Diagnostic]) -> None:
    """Replace by a finding without its fix (in place in `diagnostics`) every finding whose fix `--fix` would refuse (a JSON string with escapes, a YAML block
    scalar, a merged text cell, a file whose encoding does not round-trip …): a fix in a report is one that
    can be applied as it stands."""
    suffix = Path(result.path).suffix.lower()
    codec: str | None = None
    if result.text is not None and suffix not in UNREWRITTEN_SUFFIXES:
        try:
            codec = codec_of_text(result.text, result.encoding)
        except FixRefused:
            codec = None
    wanted = {(e.start, e.end) for d in diagnostics if d.fix is not None for e in d.fix.edits
              if e.start is not None and e.end is not None}
    raws = _raws_at(result, wanted) if codec is not None and wanted else {}
    for index, d in enumerate(diagnostics):
        if d.fix is None:
            continue
        if codec is None or result.text is None:
            diagnostics[index] = _with_fix(d, None)
            continue
        # each edit rewrites a cell of its own (a row's two columns, a form's grouped cells): the cells that can
        # be rewritten keep their edits
        edits = [e for e in d.fix.edits if unfit(e, result.text, raws, suffix, codec) is None]
        if len(edits) != len(d.fix.edits):
            fix = Fix(applicability=d.fix.applicability, message=d.fix.message, edits=edits) if edits else None
            diagnostics[index] = _with_fix(d, fix)


_FIX_AT = FIELDS.index("fix")
_FIELDS_OF = attrgetter(*FIELDS)


def _with_fix(diagnostic: Diagnostic, fix: Fix | None) -> Diagnostic:
    """`dataclasses.replace(diagnostic, fix=fix)`, made from its row of fields (`replace` reads the class's
    fields on every call, and a file can have a fix on every finding)."""
    row = list(_FIELDS_OF(diagnostic))
    row[_FIX_AT] = fix
    return made_diagnostic(*row)
