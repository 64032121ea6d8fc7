"""`goallint convert`: write the forms read from any input format in the canonical structured format."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
import yaml

from goallint.model import AnyForm
from goallint.plumbing.outputs import file_id, write_output
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


_INPUT_AS_OUTPUT = "输出文件就是要转换的文件，写入会覆盖它；请换一个输出路径"


def _write(output: Path, text: str) -> str | None:
    """Write converted forms: a regular file is replaced atomically, a device or pipe written into."""
    try:
        write_output(output, [text])
    except OSError as exc:
        return f"goallint: 无法写入 {output}：{exc.strerror or exc}"
    return None


def run_convert(path: str, target: str, output: str | None) -> int:
    """Convert PATH (a file or a folder); exit 0, or 2 with a one-line error when it yields no form or cannot
    be written."""
    if Path(path).is_dir():
        return _convert_folder(Path(path), target, output)
    result = read_path(Path(path), path)
    if result.problem is not None or not result.forms:
        code, reason = result.problem or ("GL001", "未读出任何表单")
        click.echo(f"goallint: {path}: {reason}（{code}）", err=True)
        return 2
    text = dump_yaml(result.forms) if target == "yaml" else dump_json(result.forms)
    if output is None:
        click.echo(text, nl=False)
        return 0
    if Path(output).is_dir():
        output = str(Path(output) / f"{Path(path).stem}.{target}")
    source = file_id(path)
    if source is not None and file_id(output) == source:
        click.echo(f"goallint: 错误：-o {output}: {_INPUT_AS_OUTPUT}", err=True)
        return 2
    error = _write(Path(output), text)
    if error:
        click.echo(error, err=True)
        return 2
    return 0


def _convert_folder(folder: Path, target: str, output: str | None) -> int:
    """Every form file of a folder (walked as `goallint check` walks it). With `-o DIR`, one file per form file
    under DIR, keeping the folder layout (`a/b.txt` → `DIR/a/b.yaml`); without, every form in one document on
    stdout. A file without a form is named on stderr and skipped; the exit status is then 2."""
    from goallint.commands.check import gather

    failed = 0
    every: list[AnyForm] = []
    written: set[Path] = set()
    items = list(gather([str(folder)], [], None))
    inputs = {file_id(item.path) for item in items if item.path is not None} - {None}
    for item in items:
        source = item.path or Path(item.display)
        result = read_path(source, item.display)
        if result.problem is not None or not result.forms:
            code, reason = result.problem or ("GL001", "未读出任何表单")
            click.echo(f"goallint: {item.display}: {reason}（{code}），已跳过", err=True)
            failed += 1
            continue
        if output is None:
            every.extend(result.forms)
            continue
        relative = source.relative_to(folder) if source.is_relative_to(folder) else Path(source.name)
        target_path = Path(output) / relative.with_suffix(f".{target}")
        if target_path in written:  # `a.txt` and `a.xlsx` in one folder
            target_path = Path(output) / relative.with_name(f"{relative.name}.{target}")
        if file_id(target_path) in inputs:  # `convert forms -o forms`: a.yaml would be written over itself
            click.echo(f"goallint: {target_path}: {_INPUT_AS_OUTPUT}，已跳过", err=True)
            failed += 1
            continue
        written.add(target_path)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        text = dump_yaml(result.forms) if target == "yaml" else dump_json(result.forms)
        error = _write(target_path, text)
        if error:
            click.echo(error, err=True)
            failed += 1
            written.discard(target_path)
    if output is None:
        if not every:
            click.echo(f"goallint: {folder}: 文件夹中没有可读出的表单", err=True)
            return 2
        click.echo(dump_yaml(every) if target == "yaml" else dump_json(every), nl=False)
    else:
        click.echo(f"goallint: 已写入 {len(written)} 个文件到 {output}", err=True)
    return 2 if failed else 0
