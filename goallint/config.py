"""Configuration: find `goallint.yaml` / `.goallint.yaml` / `[tool.goallint]`, validate it, one-line errors."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from goallint.model import Severity
from goallint.plumbing import safe_yaml
from goallint.plumbing.input_errors import place, reason
from goallint.plumbing.named_files import read_named_text
from goallint.plumbing.validation import STRICT, validate

CONFIG_NAMES = ("goallint.yaml", ".goallint.yaml")


class ConfigError(ValueError):
    """A config file that cannot be used: `file: key: what is wrong` on one line."""


def _codes(value: Any) -> Any:
    return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value


@dataclass(kw_only=True)
class GradeConfig:
    """How findings map to the review grade 优/良/中/差 (see `goallint.grade`)."""

    __pydantic_config__ = STRICT

    blocking: list[str] = field(default_factory=lambda: ["GL001", "GL002", "GL101", "GL102", "GL201", "GL4", "GL5"])
    """Codes or prefixes whose error makes a form 差."""
    cosmetic: list[str] = field(default_factory=lambda: ["GL9"])
    """Codes or prefixes shown in the report that do not lower the grade (GL9xx: text left by extraction)."""
    labels: dict[Literal["clean", "warnings", "errors", "blocking"], str] = field(default_factory=dict)


@dataclass(kw_only=True)
class Config:
    """The keys of a config file (kebab-case in the file). Validated only when a file is read: a run without
    one (`--isolated`, or none found) uses the defaults as they are."""

    __pydantic_config__ = {**STRICT, "validate_by_name": True, "validate_by_alias": True}

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list, metadata={"alias": "extend-select"})
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Literal["error", "warning", "info", "never"] | None = field(default=None, metadata={"alias": "fail-on"})
    profile: str | None = None
    rules: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict, metadata={"alias": "per-file-ignores"})
    exclude: list[str] = field(default_factory=list)
    baseline: str | None = None
    grade: GradeConfig = field(default_factory=GradeConfig)

    path: str = ""
    """The file it came from ('' for none)."""

    def rule_paths(self) -> list[Path]:
        """Extra pack files or folders, relative to the config file."""
        base = Path(self.path).parent if self.path else Path.cwd()
        return [base / entry for entry in self.rules]

    def pack_files(self) -> set[Path]:
        """The config's own rule pack files, resolved: `goallint check` walking a folder never lints them as forms."""
        from goallint.packs import pack_files

        return {path.resolve() for path in pack_files(self.rule_paths())}


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """A single value wherever a list is accepted: codes as `GL208` or `GL208, GL3`, globs and pack paths as
    one string (`exclude: "*.txt"`, `rules: packs/bureau.yaml`; a glob or path may hold a comma)."""
    out = dict(data)
    for key in ("select", "extend-select", "ignore"):
        if key in out:
            out[key] = _codes(out[key])
    for key in ("exclude", "rules"):
        if isinstance(out.get(key), str):
            out[key] = [out[key]]
    if isinstance(out.get("per-file-ignores"), dict):
        out["per-file-ignores"] = {k: _codes(v) for k, v in out["per-file-ignores"].items()}
    if isinstance(out.get("grade"), dict) and "blocking" in out["grade"]:
        out["grade"] = {**out["grade"], "blocking": _codes(out["grade"]["blocking"])}
    return out


def parse_config(data: Any, path: str) -> Config:
    """Validate a config mapping; raise `ConfigError` naming the file and the key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: 配置应是键到值的映射")
    from pydantic import ValidationError

    try:
        config = validate(Config, _normalise(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = place(error["loc"])
        raise ConfigError(f"{path}: {key}: {reason(error)}") from None
    config.path = path
    return config


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(read_named_text(path))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: 无法读取：{getattr(exc, 'strerror', None) or exc}") from None
    except RecursionError:  # tomllib recurses per nested array or table
        raise ConfigError(f"{path}: 无法读取：嵌套过深") from None


def load_config_file(path: Path) -> Config:
    """Read one config file (YAML, or a pyproject.toml's `[tool.goallint]`)."""
    if path.name == "pyproject.toml":
        table = _load_toml(path).get("tool", {}).get("goallint", {})
        return parse_config(table, str(path))
    try:
        data = safe_yaml.load(read_named_text(path))  # safe constructors, bounded, no duplicates
    except OSError as exc:
        raise ConfigError(f"{path}: 无法读取：{exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"{path}: 不是有效的 YAML：{first}") from None
    return parse_config(data, str(path))


def discover(start: Path | None = None) -> Path | None:
    """The config file that applies in `start` (default: the current folder), first found wins."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "goallint" in _load_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(explicit: str | None = None, isolated: bool = False) -> Config:
    """`--config FILE`, else the discovered file, else defaults; `--isolated` ignores every file."""
    if isolated:
        return Config()
    if explicit is not None:
        path = Path(explicit)
        if not path.exists():
            raise ConfigError(f"{explicit}: 找不到配置文件")
        return load_config_file(path)
    found = discover()
    return load_config_file(found) if found is not None else Config()
