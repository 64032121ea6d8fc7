"""`goallint parse`: show how the value grammar reads indicator values (JSON contract of values.md)."""

from __future__ import annotations

import json
from typing import Any


def _reading(contract: dict[str, Any]) -> str:
    """One line for a typed value: `>= 95 %`, `label: = 3 人 (noun)`, `2024-12-end`…"""
    kind = contract["kind"]
    if kind == "compound":
        return "\n".join(f"{index}. [{item['kind']}] {_reading(item)}"
                         for index, item in enumerate(contract["items"], start=1))
    if kind in ("quantity", "bound"):
        core = f"{contract['op']} {contract['value']} {contract.get('unit', '')}".rstrip()
    elif kind == "range":
        core = f"{contract['low']} .. {contract['high']} {contract.get('unit', '')}".rstrip()
        if "low_unit" in contract:
            core += f" (low in {contract['low_unit']})"
    elif kind == "deadline":
        date = "-".join(str(contract[key]) for key in ("year", "month", "day") if key in contract)
        core = " ".join(part for part in (date, contract.get("event", "")) if part)
    else:
        core = repr(contract.get("text", ""))
    extras = [f"noun {contract['noun']}"] if "noun" in contract else []
    extras += ["approx"] if contract.get("approx") else []
    extras += ["vague"] if contract.get("vague") else []
    label = f"{contract['label']}: " if "label" in contract else ""
    return label + core + (f" ({', '.join(extras)})" if extras else "")


def run_parse(values: list[str], as_json: bool) -> int:
    """Print one JSON object per value (`--json`) or a table; exit status 0."""
    from goallint.values import normalize, parse_value

    if as_json:
        for raw in values:
            record = {"input": raw, **parse_value(raw).to_contract()}
            print(json.dumps(record, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table("input", "kind", "reading", "normalised", title="goallint parse", show_lines=True)
    for raw in values:
        contract = parse_value(raw).to_contract()
        norm = normalize(raw)
        changes = f"{norm.text}\n({', '.join(norm.changes)})" if norm.changes else "—"
        table.add_row(escape(raw), contract["kind"], escape(_reading(contract)), escape(changes))
    Console().print(table)
    return 0
