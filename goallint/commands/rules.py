"""`goallint rules`: scaffold; its issue replaces this module."""

from __future__ import annotations

from typing import Any


def _unavailable(*_args: Any) -> int:
    import click

    click.echo("goallint: this command is not built yet", err=True)
    return 2


run_rules = _unavailable
run_rule = _unavailable
