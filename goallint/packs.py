"""Rule packs (`rules/*.yaml`): load and validate them into `Rule`s; a bad pack is a one-line `PackError`.

Rules, their selectors and their checks' `Params` are plain dataclasses, validated once when a pack is loaded
(`plumbing/validation.py`) and kept validated between runs (`plumbing/snapshot.py`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import yaml

from goallint.checks import KINDS
from goallint.checks.support.base import Selector, fields_of
from goallint.checks.support.grouping import Grouping
from goallint.checks.support.patterns import check_pattern
from goallint.model import Severity
from goallint.plumbing import safe_yaml
from goallint.plumbing.input_errors import place, reason
from goallint.plumbing.named_files import read_named, read_named_text
from goallint.plumbing.resources import cached_parse, rules_dir
from goallint.plumbing.snapshot import kept
from goallint.plumbing.validation import OPEN, STRICT, Constrained, validate

if TYPE_CHECKING:
    from pydantic import ValidationError

CODE_PATTERN = r"^GL\d{3}$"
NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


class PackError(ValueError):
    """A rule pack that cannot be used. The message is one line: `file: key.path: what is wrong`."""


@dataclass(kw_only=True)
class RuleDoc:
    """What `goallint rule CODE` prints: summary, why, a failing and a passing example, fix safety, basis."""

    __pydantic_config__ = STRICT

    summary: str
    why: str
    bad: str
    good: str
    fix: Literal["none", "safe", "unsafe"] = "none"
    basis: str = ""
    title: str = ""
    """The rule's Chinese name, as the reports show it beside its code (the English `name` stays its id)."""


@dataclass(kw_only=True)
class Rule:
    """One rule instance: metadata, where it applies, and a check of one registered kind."""

    __pydantic_config__ = STRICT

    code: str = field(metadata={"pattern": CODE_PATTERN})
    name: str = field(metadata={"pattern": NAME_PATTERN})
    severity: Severity
    enabled: bool = True
    where: Selector = field(default_factory=Selector)
    check: Any
    """The validated `Params` of the check kind (`check.kind` names the module in `goallint.checks.KINDS`)."""
    suppressed_by: list[Annotated[str, Constrained(pattern=CODE_PATTERN)]] = field(default_factory=list)
    group: Grouping | None = None
    """Its findings in one form reported as one finding naming every cell (`checks/support/grouping.py`)."""
    doc: RuleDoc
    pack: str = ""
    """The pack the rule was loaded from (set by the loader)."""

    @property
    def kind(self) -> str:
        return str(self.check.kind)

    @property
    def fixable(self) -> str:
        return self.doc.fix


@dataclass(kw_only=True)
class _PackHead:
    __pydantic_config__ = STRICT

    pack: str
    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    rules: list[dict[str, Any]] = field(default_factory=list)


@dataclass(kw_only=True)
class Pack:
    """A loaded pack: its name, vocabularies, rules and the file it came from."""

    __pydantic_config__ = OPEN

    pack: str
    path: str
    vocabularies: dict[str, list[str]]
    rules: list[Rule]


def _where(loc: Iterable[Any]) -> str:
    return place(list(loc))


def _first_error(exc: ValidationError, prefix: Sequence[Any] = ()) -> str:
    error = exc.errors()[0]
    return f"{_where([*prefix, *error['loc']])}: {reason(error)}"


def _validate_rule(raw: Any, index: int, vocabularies: dict[str, list[str]], pack: str) -> Rule:
    base: list[Any] = ["rules", index]
    if not isinstance(raw, dict):
        raise PackError(f"{_where(base)}: 每条规则应是映射（code、name、severity、check …）")
    check = raw.get("check")
    if not isinstance(check, dict):
        raise PackError(f"{_where([*base, 'check'])}: 缺少这一项" if check is None
                        else f"{_where([*base, 'check'])}: 应为带 `kind` 的映射")
    kind = check.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:  # a list or mapping here is not hashable
        known = ", ".join(sorted(KINDS))
        raise PackError(f"{_where([*base, 'check', 'kind'])}: 未知的检查类型 {kind!r}（可用：{known}）")
    from pydantic import ValidationError

    try:
        params = validate(KINDS[kind].Params, check)
    except ValidationError as exc:
        raise PackError(_first_error(exc, [*base, "check"])) from None
    for field_name, value in fields_of(params):
        if field_name == "vocabulary" or field_name.endswith("_vocabulary"):
            for name in [value] if isinstance(value, str) else (value or []):
                if name not in vocabularies:
                    raise PackError(f"{_where([*base, 'check', field_name])}: 未知的词表 {name!r}")
    try:
        rule = validate(Rule, {**raw, "check": params, "pack": pack})
    except ValidationError as exc:
        raise PackError(_first_error(exc, base)) from None
    if rule.group is not None:
        module = KINDS[kind]  # a kind's facts: its `FACTS`, or `facts(params)` where they depend on its test
        facts = module.facts(params) if hasattr(module, "facts") else getattr(module, "FACTS", None)
        if facts is None:
            raise PackError(f"{_where([*base, 'group'])}: 检查类型 {kind!r} 不提供各条结果的要素，"
                            "不能合并为一条")
        try:
            rule.group.check(facts)
        except ValueError as exc:
            raise PackError(f"{_where([*base, 'group'])}.{exc}") from None
    for key in ("name", "name_not"):
        pattern = getattr(rule.where, key)
        if pattern is not None:
            try:
                check_pattern(pattern)
            except ValueError as exc:
                raise PackError(f"{_where([*base, 'where', key])}: {exc}") from None
    return rule


def parse_pack(data: Any, shared_vocabularies: dict[str, list[str]] | None = None, path: str = "") -> Pack:
    """Validate one pack's parsed YAML. Raises `PackError` without the file prefix."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise PackError("规则包应是含 `pack` 和 `rules` 的映射")
    try:
        head = validate(_PackHead, data)
    except ValidationError as exc:
        raise PackError(_first_error(exc)) from None
    vocabularies = shared_vocabularies if shared_vocabularies is not None else head.vocabularies
    rules = [_validate_rule(raw, index, vocabularies, head.pack) for index, raw in enumerate(head.rules)]
    return Pack(pack=head.pack, path=path, vocabularies=head.vocabularies, rules=rules)


def pack_files(paths: Iterable[Path]) -> list[Path]:
    """The pack files among `paths` (a folder stands for its *.yaml / *.yml files)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.y*ml") if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


def _read_yaml(path: Path) -> Any:
    try:
        # safe constructors, bounded, no duplicates; kept between runs by a hash of the text
        return cached_parse(read_named_text(path), safe_yaml.load)
    except OSError as exc:
        raise PackError(f"{path}: 无法读取：{exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PackError(f"{path}: 不是有效的 YAML：{first}") from None


def load_packs(extra: Sequence[Path] = ()) -> list[Pack]:
    """The bundled packs (`rules/*.yaml`) then `extra` pack files or folders, validated together.

    Vocabularies are shared: a later pack extends a list of the same name. Codes and names are unique
    across all packs. Packs that validated before, unchanged, come from their snapshot (`snapshot.kept`).
    """
    files = pack_files([rules_dir()]) + pack_files(extra)
    try:
        parts = [part for path in files for part in (str(path).encode("utf-8", "surrogateescape"), read_named(path))]
    except OSError:
        return _load_packs(files)  # which says which file cannot be read
    return kept("packs", parts, list, lambda: _load_packs(files))


def _load_packs(files: list[Path]) -> list[Pack]:
    raw = [(path, _read_yaml(path)) for path in files]
    vocabularies: dict[str, list[str]] = {}
    for _path, data in raw:  # every vocabulary is visible to every pack
        if isinstance(data, dict) and isinstance(data.get("vocabularies"), dict):
            for name, words in data["vocabularies"].items():
                if isinstance(words, list):
                    vocabularies[str(name)] = [*vocabularies.get(str(name), []), *map(str, words)]
    packs: list[Pack] = []
    seen: dict[str, str] = {}
    for path, data in raw:
        try:
            pack = parse_pack(data, vocabularies, str(path))
            for index, rule in enumerate(pack.rules):
                for key in (rule.code, rule.name):
                    if key in seen:
                        raise PackError(f"rules[{index}].{'code' if key == rule.code else 'name'}: "
                                        f"{key!r} 重复（{seen[key]} 中已有）")
                    seen[key] = str(path)
        except PackError as exc:
            raise PackError(f"{path}: {exc}") from None
        packs.append(pack)
    for pack in packs:
        pack.vocabularies = vocabularies
    return packs


@cache
def bundled_packs() -> tuple[Pack, ...]:
    """The bundled packs, loaded once per process."""
    return tuple(load_packs())


def rule_pack_schema() -> dict[str, Any]:
    """The JSON Schema of a rule pack (`goallint schema --rules`), with `check` as a union on `kind`."""
    from dataclasses import make_dataclass

    from pydantic import BaseModel, ConfigDict, Field

    params = tuple(module.Params for module in KINDS.values())
    check_type: Any = Annotated[Union[params], Field(discriminator="kind")] if len(params) > 1 else params[0]  # noqa: UP007
    rule_schema = make_dataclass("RuleSchema", [("check", check_type)], bases=(Rule,), kw_only=True)

    class PackSchema(BaseModel):
        model_config = ConfigDict(extra="forbid", title="goallint rule pack")

        pack: str
        vocabularies: dict[str, list[str]] = Field(default_factory=dict)
        rules: list[rule_schema]  # type: ignore[valid-type]

    schema = PackSchema.model_json_schema()
    rule_props = schema.get("$defs", {}).get("RuleSchema", {}).get("properties", {})
    rule_props.pop("pack", None)
    return schema
