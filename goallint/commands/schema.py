"""`goallint schema`: print the JSON Schema of the structured form format, or (`--rules`) of a rule pack."""

from __future__ import annotations

import importlib
import json
from typing import Any

import click


def _rule_pack_schema() -> dict[str, Any] | None:
    """The rule-pack schema from `goallint.packs`, or None when that module (or its function) is not there."""
    try:
        packs = importlib.import_module("goallint.packs")
    except ImportError:
        return None
    schema_of = getattr(packs, "rule_pack_schema", None)
    return schema_of() if callable(schema_of) else None


def run_schema(of_rules: bool) -> int:
    """Print a JSON Schema on stdout. Exit 0, or 2 when the rule-pack schema is not available."""
    if of_rules:
        schema = _rule_pack_schema()
        if schema is None:
            click.echo("goallint: 错误：此版本没有规则包的 schema", err=True)
            return 2
    else:
        from goallint.structured_format import form_schema

        schema = form_schema()
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0
