"""`goallint parse`: show how the value grammar reads indicator values (JSON contract of values.md)."""

from __future__ import annotations

import json


def run_parse(values: list[str], as_json: bool) -> int:
    from goallint.values import parse_value

    if as_json:
        for raw in values:
            record = {"input": raw, **parse_value(raw).to_contract()}
            print(json.dumps(record, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("input", "kind", "reading")
    for raw in values:
        contract = parse_value(raw).to_contract()
        kind = contract.pop("kind")
        table.add_row(raw, kind, json.dumps(contract, ensure_ascii=False))
    Console().print(table)
    return 0
