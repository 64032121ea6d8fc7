"""Baselines: record the findings of a repository once, then report only the new ones.

`goallint check --write-baseline FILE` records every finding of the run; `goallint check --baseline FILE`
(or `baseline: FILE` in goallint.yaml) hides the findings recorded there and reports the rest.

An entry matches a finding by its path (relative to the baseline file's folder, posix), form, field, rule
code and the normalised text of the cell it is on, never by line or column: moving rows, or inserting a
form above, keeps a baseline valid. For Excel the cell reference (`Sheet1!E12`) is left out of the field,
the sheet name kept. Several identical findings make one entry with a `count`, as in phpstan: the first
`count` of them (in report order) are hidden, any more are new. Entries of the files linted that matched
nothing (or matched fewer times than their count) are *stale*: the finding was fixed or its cell changed.
Entries of files not linted in this run are neither matched nor stale (pre-commit lints only some files).

With other options (as phpstan's --generate-baseline; ruff's --fix order):
- `--write-baseline` records every finding of the run and replaces the file; the baseline in effect
  (`--baseline` or the config's) is neither applied nor required to exist. The report is not printed; exit 0.
- `--fix --write-baseline` fixes first (the fix step lints again), then records what is left.
- `--fix --baseline` fixes every fixable finding, recorded or not; a recorded one that is fixed goes stale.
- `--diff --write-baseline` is a usage error: a diff writes nothing, the baseline would record fixable findings.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import yaml

from goallint.plumbing.named_files import read_named_text
from goallint.plumbing.outputs import write_output

if TYPE_CHECKING:
    from goallint.config import Config
    from goallint.model import Diagnostic
    from goallint.results import RunReport

VERSION = 1
HEADER = """\
# goallint baseline: findings accepted when goallint was adopted. `goallint check --baseline FILE`
# (or `baseline: FILE` in goallint.yaml) reports only the findings not recorded here.
# An entry matches by path (relative to this file), form, field, rule code and the cell's normalised
# text, not by line, so moving rows keeps it valid; `count` = that many identical findings.
# Rewrite with `goallint check --write-baseline FILE` after fixing findings; review changes like code.
"""
ENTRY_KEYS = ("path", "form", "field", "code", "text", "count", "review", "note")
"""`review` (accepted/dismissed) and `note` are a reviewer's marks from the HTML report: kept for people, not
matched."""
TOP_KEYS = ("goallint-baseline", "entries")

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when there is one: four times faster on a large baseline. Writing stays pure Python
(`safe_dump`), so that the bytes of a baseline do not depend on whether libyaml is installed."""

Key = tuple[str, str, str, str, str]
"""(path, form, field, code, text)."""


class BaselineError(ValueError):
    """A baseline file that cannot be used: `file:line: what is wrong` on one line (exit 2)."""


@dataclass
class Baseline:
    """The entries of a baseline file, counted, and the folder their paths are relative to."""

    path: Path
    counts: Counter[Key]

    @property
    def folder(self) -> Path:
        return self.path.resolve().parent


@dataclass
class Outcome:
    """What applying a baseline did: the run with known findings removed, how many, and the stale entries."""

    run: RunReport
    hidden: int
    stale: list[tuple[Key, int]]
    baselined: list[Diagnostic] = dataclasses.field(default_factory=list)
    """The findings the baseline hid, in report order (counted in every summary and grade, marked in html)."""


def relative_path(shown: str, folder: Path) -> str:
    """A diagnostic's path as a baseline records it: relative to `folder`, with `/` separators."""
    absolute = os.path.abspath(shown)
    try:
        return PurePath(os.path.relpath(absolute, folder)).as_posix()
    except ValueError:  # another drive on Windows
        return PurePath(absolute).as_posix()


def key_field(diagnostic: Diagnostic) -> str:
    """The field without an Excel cell reference (`Sheet1!E12 成本指标/…` → `Sheet1!成本指标/…`)."""
    sheet, field = diagnostic.sheet, diagnostic.field
    if sheet and field.startswith(f"{sheet}!"):
        _, _, rest = field[len(sheet) + 1:].partition(" ")
        return f"{sheet}!{rest}"
    return field


def keys(diagnostics: Sequence[Diagnostic], folder: Path) -> list[Key]:
    """The baseline key of each diagnostic: (path relative to `folder`, form, field, code, cell text)."""
    paths: dict[str, str] = {}
    out = []
    for d in diagnostics:
        path = paths.get(d.path)
        if path is None:
            path = paths[d.path] = relative_path(d.path, folder)
        out.append((path, d.form, key_field(d), d.code, d.cell_text))
    return out


# -- writing ------------------------------------------------------------------------------------------------
def dump(diagnostics: Sequence[Diagnostic], folder: Path) -> str:
    """The baseline text for these findings: header comment, then entries sorted by path, form, code, field."""
    counts = Counter(keys(diagnostics, folder))
    entries = []
    for (path, form, field, code, text), count in sorted(counts.items(), key=lambda kv: _order(kv[0])):
        entry: dict[str, str | int] = {"path": path}
        entry.update({name: value for name, value in (("form", form), ("field", field)) if value})
        entry["code"] = code
        if text:
            entry["text"] = text
        if count > 1:
            entry["count"] = count
        entries.append(entry)
    body = yaml.safe_dump({"goallint-baseline": VERSION, "entries": entries}, allow_unicode=True,
                          sort_keys=False, default_flow_style=False, width=1 << 30)
    return HEADER + body


def _order(key: Key) -> tuple[str, ...]:
    path, form, field, code, text = key
    return path, form, code, field, text


def write_baseline_file(path: Path, diagnostics: Sequence[Diagnostic]) -> int:
    """Write the baseline atomically (a temporary file beside it, then rename); return the entry count."""
    folder = path.resolve().parent
    text = dump(diagnostics, folder)
    try:
        write_output(path, [text])
    except OSError as exc:
        raise BaselineError(f"{path}: 无法写入基线：{exc.strerror or exc}") from None
    return len(set(keys(diagnostics, folder)))


# -- reading ------------------------------------------------------------------------------------------------
def load(path: Path, origin: str = "") -> Baseline:
    """Read and check a baseline file; `BaselineError` names the file, line and entry of any problem."""
    where = f"{origin}: {path}" if origin else str(path)
    try:
        text = read_named_text(path)
    except FileNotFoundError:
        raise BaselineError(f"{where}: 找不到基线文件") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{where}: 无法读取基线：{getattr(exc, 'strerror', None) or exc}") from None
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise BaselineError(f"{where}{line}: 不是有效的 YAML：{problem}") from None
    return Baseline(path, _entries(root, where))


def _fail(where: str, node: yaml.Node | None, message: str) -> BaselineError:
    line = f":{node.start_mark.line + 1}" if node is not None else ""
    return BaselineError(f"{where}{line}: {message}")


def _entries(root: yaml.Node | None, where: str) -> Counter[Key]:
    if not isinstance(root, yaml.MappingNode):
        raise _fail(where, root, "应是含 `goallint-baseline` 和 `entries` 的映射"
                                 "（用 --write-baseline 生成）")
    found: dict[str, yaml.Node] = {}
    for key_node, value_node in root.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        if name not in TOP_KEYS:
            raise _fail(where, key_node, f"未知的键 {name!r}（应为 {'、'.join(TOP_KEYS)}）")
        found[name] = value_node
    version = found.get("goallint-baseline")
    if version is not None and not (isinstance(version, yaml.ScalarNode) and version.value == str(VERSION)):
        raise _fail(where, version, f"goallint-baseline: 不支持的版本（本版 goallint 读取版本 {VERSION}）")
    entries = found.get("entries")
    if entries is None:
        raise _fail(where, root, "缺少键 `entries`")
    if _is_null(entries):
        return Counter()
    if not isinstance(entries, yaml.SequenceNode):
        raise _fail(where, entries, "entries: 应为列表")
    counts: Counter[Key] = Counter()
    for index, node in enumerate(entries.value):
        key, count = _entry(node, f"entries[{index}]", where)
        counts[key] += count
    return counts


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _entry(node: yaml.Node, name: str, where: str) -> tuple[Key, int]:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(where, node, f"{name}: 应为映射（{'、'.join(ENTRY_KEYS)}）")
    values: dict[str, str] = {}
    count = 1
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        if key not in ENTRY_KEYS:
            raise _fail(where, key_node, f"{name}: 未知的键 {key!r}（应为 {'、'.join(ENTRY_KEYS)}）")
        if not isinstance(value_node, yaml.ScalarNode):
            raise _fail(where, value_node, f"{name}.{key}: 应为单个值")
        if key in ("review", "note"):
            continue
        if key == "count":
            if value_node.tag != "tag:yaml.org,2002:int" or not value_node.value.isdigit() \
                    or len(value_node.value) > 9 or int(value_node.value) < 1:  # 5,000 digits: beyond int()
                raise _fail(where, value_node, f"{name}.count: 应为 1 到 999999999 的整数")
            count = int(value_node.value)
        else:
            values[key] = "" if _is_null(value_node) else value_node.value
    for required in ("path", "code"):
        if not values.get(required):
            raise _fail(where, node, f"{name}: 缺少键 `{required}`")
    return (values["path"], values.get("form", ""), values.get("field", ""), values["code"],
            values.get("text", "")), count


# -- applying -----------------------------------------------------------------------------------------------
def apply(baseline: Baseline, run: RunReport) -> Outcome:
    """Hide the findings the baseline records; count the entries of the linted files that matched nothing."""
    folder = baseline.folder
    left = Counter(baseline.counts)
    kept: list[Diagnostic] = []
    hidden: list[Diagnostic] = []
    for diagnostic, key in zip(run.diagnostics, keys(run.diagnostics, folder), strict=True):
        if left[key] > 0:
            left[key] -= 1
            hidden.append(diagnostic)
        else:
            kept.append(diagnostic)
    linted = {relative_path(report.path, folder) for report in run.files}
    stale = sorted(((key, n) for key, n in left.items() if n > 0 and key[0] in linted), key=lambda kv: _order(kv[0]))
    shown = {id(d) for d in kept}
    files = [dataclasses.replace(report, diagnostics=[d for d in report.diagnostics if id(d) in shown])
             for report in run.files]
    filtered = dataclasses.replace(run, files=files, diagnostics=kept)
    return Outcome(filtered, len(hidden), stale, hidden)


def describe_stale(stale: list[tuple[Key, int]]) -> list[str]:
    """One line per stale entry: `path: form: field: CODE “text”` (× n when several)."""
    out = []
    for (path, form, field, code, text), count in stale:
        parts = [part for part in (path, form, field, code) if part]
        quoted = f" “{text}”" if text else ""
        times = f" (×{count})" if count > 1 else ""
        out.append(": ".join(parts) + quoted + times)
    return out


# -- the check command --------------------------------------------------------------------------------------
def in_effect(option: str | None, config: Config) -> tuple[Path, str] | None:
    """The baseline to apply and where it was named: `--baseline FILE`, else the config's `baseline` (a path
    relative to the config file)."""
    if option:
        return Path(option), ""
    if config.baseline:
        folder = Path(config.path).parent if config.path else Path.cwd()
        return folder / config.baseline, f"{config.path or 'config'}: baseline"
    return None


def chosen(option: str | None, config: Config) -> Baseline | None:
    """The baseline in effect, loaded and checked (`BaselineError` for a bad one), or None."""
    found = in_effect(option, config)
    return load(*found) if found is not None else None


def not_forms(option: str | None, write: str | None, config: Config) -> set[Path]:
    """The baseline files of this run, resolved: `goallint check` never lints them as forms."""
    found = in_effect(option, config)
    paths = [p for p in (found[0] if found else None, Path(write) if write else None) if p is not None]
    return {p.resolve() for p in paths}
