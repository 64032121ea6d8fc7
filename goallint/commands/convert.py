"""`goallint convert`: write the forms read from any input format in the canonical structured format."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
import yaml

from goallint.model import AnyForm
from goallint.outputs import file_id, write_output
from goallint.readers import read_path
from goallint.structured_format import to_document

_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


class _FlowMapping(dict[str, Any]):
    """A mapping written on one line (`{level1: …, name: …}`): one indicator per line reads like the table."""


class _CanonicalDumper(yaml.SafeDumper):
    """SafeDumper with readable Chinese, numbers written bare, and multi-line text double-quoted."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent a list under its key (`indicators:` then `  - {…}`), as people write it."""
        super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if _PLAIN_NUMBER.fullmatch(data):
            tag: str = self.resolve(yaml.ScalarNode, data, (True, False))  # type: ignore[no-untyped-call]
            if tag.endswith((":int", ":float")):
                return self.represent_scalar(tag, data)  # bare; goallint reads it back as this exact text
        if any(mark in data for mark in _BREAKS) or data != data.strip(" \t"):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return self.represent_scalar("tag:yaml.org,2002:str", data)

    def represent_flow_mapping(self, data: _FlowMapping) -> yaml.MappingNode:
        return self.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)

    def represent_code_list(self, data: list[Any]) -> yaml.SequenceNode:
        """Lists of plain strings (waived codes) on one line: `goallint-ignore: [GL404]`."""
        flow = bool(data) and all(isinstance(item, str) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_CanonicalDumper.add_representer(str, _CanonicalDumper.represent_str)
_CanonicalDumper.add_representer(_FlowMapping, _CanonicalDumper.represent_flow_mapping)
_CanonicalDumper.add_representer(list, _CanonicalDumper.represent_code_list)


def dump_yaml(forms: list[AnyForm]) -> str:
    """The forms as canonical structured YAML: `forms:` list, stable key order, indicators one per line."""
    document = to_document(forms)
    for form in document["forms"]:
        if "indicators" in form:
            form["indicators"] = [_FlowMapping(indicator) for indicator in form["indicators"]]
    return yaml.dump(
        document, Dumper=_CanonicalDumper, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2
    )


def dump_json(forms: list[AnyForm]) -> str:
    """The forms as canonical structured JSON (UTF-8, readable Chinese, every cell a string)."""
    return json.dumps(to_document(forms), ensure_ascii=False, indent=2) + "\n"


def run_convert(path: str, target: str, output: str | None) -> int:
    """Convert PATH; exit 0, or 2 with a one-line error when it yields no form or cannot be written."""
    source = file_id(path)
    if output is not None and source is not None and file_id(output) == source:
        click.echo(f"goallint: error: -o {output}: 输出文件就是要转换的文件，写入会覆盖它；请换一个输出路径", err=True)
        return 2
    result = read_path(Path(path), path)
    if result.problem is not None or not result.forms:
        code, reason = result.problem or ("GL001", "no forms")
        click.echo(f"goallint: {path}: {reason} ({code})", err=True)
        return 2
    text = dump_yaml(result.forms) if target == "yaml" else dump_json(result.forms)
    if output is None:
        click.echo(text, nl=False)
        return 0
    try:
        write_output(Path(output), [text])
    except OSError as exc:
        click.echo(f"goallint: cannot write {output}: {exc.strerror or exc}", err=True)
        return 2
    return 0
