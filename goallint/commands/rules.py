"""`goallint rules` (list every rule) and `goallint rule CODE_OR_NAME` (explain one)."""

from __future__ import annotations

import json
import sys

from goallint.packs import PackError, Rule

FIX_LABELS = {"none": "不可自动修复", "safe": "安全修复（--fix）", "unsafe": "不安全修复（--unsafe-fixes）"}


def _load(config_path: str | None = None, isolated: bool = False) -> list[Rule]:
    """The bundled rules plus the packs of the config that `goallint check` would use (`--config`, else the
    discovered goallint.yaml / pyproject.toml; `--isolated`: the bundled rules only)."""
    from goallint.config import load_config
    from goallint.packs import load_packs

    packs = load_packs(load_config(config_path, isolated).rule_paths())
    return sorted((rule for pack in packs for rule in pack.rules), key=lambda rule: rule.code)


def rule_row(rule: Rule) -> dict[str, str | bool]:
    return {"code": rule.code, "name": rule.name, "severity": rule.severity, "enabled": rule.enabled,
            "fixable": rule.doc.fix, "pack": rule.pack, "summary": rule.doc.summary}


def run_rules(as_json: bool, config: str | None = None, isolated: bool = False) -> int:
    """Print the rule list as a table (rich on a terminal, plain in a pipe) or JSON. Exit 2 on a bad pack."""
    from goallint.config import ConfigError

    try:
        rules = _load(config, isolated)
    except (PackError, ConfigError) as exc:
        print(f"goallint: 错误：{exc}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps([rule_row(rule) for rule in rules], ensure_ascii=False, indent=2))
        return 0
    if not sys.stdout.isatty():
        for rule in rules:
            state = "on" if rule.enabled else "off"
            print(f"{rule.code}\t{rule.name}\t{rule.severity}\t{state}\t{rule.doc.fix}\t{rule.pack}")
        return 0
    from rich.console import Console
    from rich.table import Table

    from goallint.report import SEVERITY_LABELS

    table = Table("规则", "名称", "级别", "默认", "修复", "规则包", "说明")
    for rule in rules:
        title = f"{rule.doc.title}\n{rule.name}" if rule.doc.title else rule.name
        table.add_row(rule.code, title, SEVERITY_LABELS[rule.severity], "开启" if rule.enabled else "关闭",
                      FIX_LABELS[rule.doc.fix], rule.pack, rule.doc.summary)
    Console().print(table)
    return 0


def explain(rule: Rule) -> str:
    """The text of `goallint rule CODE`."""
    doc = rule.doc
    state = "默认开启" if rule.enabled else "默认关闭"
    from goallint.report import SEVERITY_LABELS

    title = f"{doc.title} " if doc.title else ""
    parts = [
        f"{rule.code} {title}{rule.name}（{SEVERITY_LABELS[rule.severity]}，{state}，规则包 {rule.pack}）",
        "",
        doc.summary,
        "",
        f"为什么：{doc.why}",
        "",
        f"错误示例：{doc.bad}",
        f"正确示例：{doc.good}",
        "",
        f"修复：{FIX_LABELS[doc.fix]}",
    ]
    if doc.basis:
        parts.append(f"依据：{doc.basis}")
    if rule.suppressed_by:
        parts.append(f"同一单元格上由 {', '.join(rule.suppressed_by)} 优先报告")
    if rule.group is not None:
        parts.append(f"一张表中的多处合并为一条：{rule.group.message}")
    return "\n".join(parts) + "\n"


def run_rule(code_or_name: str, config: str | None = None, isolated: bool = False) -> int:
    from goallint.config import ConfigError

    try:
        rules = _load(config, isolated)
    except (PackError, ConfigError) as exc:
        print(f"goallint: 错误：{exc}", file=sys.stderr)
        return 2
    wanted = code_or_name.strip()
    for rule in rules:
        if rule.code == wanted.upper() or rule.name == wanted:
            sys.stdout.write(explain(rule))
            return 0
    print(f"goallint: 错误：未知的规则 {code_or_name!r}（`goallint rules` 列出全部规则）", file=sys.stderr)
    return 2
