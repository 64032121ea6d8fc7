"""Which rules a run checks and at what severity: codes, names, family prefixes (`GL4`) and `ALL`, resolved
from the config first and the command line on top (ruff's resolution), and the waivers a form writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from goallint.model import SEVERITY_RANK

if TYPE_CHECKING:
    from goallint.config import Config
    from goallint.packs import Rule


class UsageError(ValueError):
    """A bad selection, severity override or option: one line, exit 2."""


def expand(tokens: Iterable[str], rules: Sequence[Rule], origin: str, explicit_only: bool = False) -> set[str]:
    """Codes named by codes, names, family prefixes (`GL4`, `GL40`) or `ALL`. Unknown → `UsageError`.

    With `explicit_only`, a prefix picks only rules on by default; an exact code or name picks any rule.
    """
    by_name = {rule.name: rule.code for rule in rules}
    codes = {rule.code for rule in rules}
    out: set[str] = set()
    for token in tokens:
        upper = token.upper()
        if upper in codes:
            out.add(upper)
        elif token in by_name:
            out.add(by_name[token])
        elif upper == "ALL" or (upper.startswith("GL") and upper[2:].isdigit() and len(upper) < 5):
            prefix = "GL" if upper == "ALL" else upper
            found = {r.code for r in rules if r.code.startswith(prefix) and (r.enabled or not explicit_only)}
            if not found and upper != "ALL" and not any(r.code.startswith(prefix) for r in rules):
                raise UsageError(f"{origin}: 没有规则匹配前缀 {token!r}")
            out |= found
        else:
            raise UsageError(f"{origin}: 未知的规则编号、名称或前缀 {token!r}")
    return out


def select_rules(
    rules: Sequence[Rule],
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    origin: str = "--select",
) -> set[str]:
    """Codes to run: `select` (or every rule on by default) + `extend_select` − `ignore`."""
    if select is None:
        base = {rule.code for rule in rules if rule.enabled}
    else:
        base = expand(select, rules, origin, explicit_only=True)
    base |= expand(extend_select, rules, "--extend-select", explicit_only=True)
    return base - expand(ignore, rules, "--ignore")


def expand_waivers(tokens: Iterable[str], rules: Sequence[Rule]) -> set[str]:
    """Codes a waiver names; unknown tokens in a form's `goallint-ignore` are skipped, not fatal."""
    out: set[str] = set()
    for token in tokens:
        try:
            out |= expand([token], rules, "goallint-ignore")
        except UsageError:
            continue
    return out


def resolve(rules: Sequence[Rule], config: Config, select: Sequence[str] | None, extend_select: Sequence[str],
            ignore: Sequence[str], severity: Mapping[str, str] | Sequence[str],
            ) -> tuple[set[str], dict[str, str], list[tuple[str, set[str]]]]:
    """The codes to run, the severity overrides and the per-file ignores of a config and the command line's
    options (`severity`: `{code: level}` or `CODE=LEVEL` items). Raises `UsageError` naming the config file
    and key, or the option, of an unknown code or level."""
    origin = config.path or "config"
    for key, tokens in (("extend-select", config.extend_select), ("ignore", config.ignore)):
        expand(tokens, rules, f"{origin}: {key}")  # name the file and key of an unknown code
    if select is None and config.select is not None:
        selected = select_rules(rules, config.select, config.extend_select, config.ignore, f"{origin}: select")
    else:
        selected = select_rules(rules, select, config.extend_select, config.ignore, "--select")
        if select is not None:  # the command line beats the config's ignore
            selected |= expand(select, rules, "--select", explicit_only=True)
    selected |= expand(extend_select, rules, "--extend-select", explicit_only=True)
    selected -= expand(ignore, rules, "--ignore")
    levels: dict[str, str] = {}
    for key, level in config.severity.items():
        levels.update(dict.fromkeys(expand([key], rules, f"{origin}: severity"), str(level)))
    items = [(f"{k}={v}", k, v) for k, v in severity.items()] if isinstance(severity, Mapping) else \
        [(item, *item.partition("=")[::2]) for item in severity]
    for item, key, wanted in items:
        if wanted not in SEVERITY_RANK:
            raise UsageError(f"--severity {item}: 应为 规则=error|warning|info")
        levels.update(dict.fromkeys(expand([key.strip()], rules, "--severity"), wanted))
    ignores = [(glob, expand(codes, rules, f"{origin}: per-file-ignores.{glob}"))
               for glob, codes in config.per_file_ignores.items()]
    return selected, levels, ignores
