"""`goallint init`: write a commented starter `goallint.yaml` into the current folder (never over an existing one)."""

from __future__ import annotations

import sys
from pathlib import Path

STARTER = """\
# goallint.yaml: the configuration of goallint, a linter for budget performance target forms (预算绩效目标表).
# `goallint check` reads it from the current folder or the nearest parent; command-line options of the same
# name win over it. Every key is optional: the values set below are the defaults, and the commented lines
# are examples to adapt. `goallint rules` lists the rules; `goallint rule GL401` explains one.

# Taxonomy profile of the indicator levels (一级/二级指标): dg2025, legacy or dg2019.
# Unset: detected for each form from its own labels.
# profile: dg2025

# The rules to run instead of the defaults: codes (GL401), names (budget-mismatch) or family prefixes
# (GL4: budget reconciliation). Unset: every rule that is on by default.
# select: [GL0, GL1, GL2, GL3, GL4, GL5, GL9]

# Rules to run on top of the selection, such as rules that are off by default.
extend-select: []
# extend-select: [GL106]

# Rules not to run.
ignore: []
# ignore: [GL104, generic-indicator-name]

# The severity of a rule (error, warning or info), by code, name or prefix.
severity: {}
# severity: {GL303: info, GL9: warning}

# The lowest severity that makes `goallint check` exit 1: error, warning, info or never.
fail-on: error

# Extra rule packs: YAML files, or folders of them, relative to this file (added to the bundled packs).
rules: []
# rules: [goallint-rules]

# Rules not to run on some files: glob (relative to this file) -> codes, names or prefixes.
per-file-ignores: {}
# per-file-ignores: {"archive/2019/*.txt": [GL2, GL303]}

# Files and folders not to lint (globs).
exclude: []
# exclude: [drafts, "*.bak.txt"]

# How findings grade each form 优/良/中/差 in the reports: an error of one of these codes or prefixes makes it 差.
# grade: {blocking: [GL001, GL002, GL101, GL102, GL201, GL4, GL5]}

# Findings accepted when adopting goallint on an old repository: only findings not recorded in this file
# (relative to this file) are reported. Write it with `goallint check --write-baseline goallint-baseline.yaml .`,
# then uncomment the line.
# baseline: goallint-baseline.yaml
"""

NAME = "goallint.yaml"


def run_init(force: bool) -> int:
    """Write ./goallint.yaml. Exit 0, or 2 when a config file is already there (unless `force`) or on a write error."""
    from goallint.atomic import write_atomic
    from goallint.config import CONFIG_NAMES
    from goallint.outputs import link_out_of_folder

    existing = [name for name in CONFIG_NAMES if Path(name).exists()]
    if existing and not force:
        print(f"goallint: error: {existing[0]} already exists; not overwriting it (--force replaces it)",
              file=sys.stderr)
        return 2
    elsewhere = link_out_of_folder(Path(NAME))
    if elsewhere is not None:
        print(f"goallint: error: {NAME} 是指向本文件夹之外（{elsewhere}）的符号链接，不通过它写入；请先删除该链接",
              file=sys.stderr)
        return 2
    try:
        write_atomic(Path(NAME), STARTER.encode("utf-8"))
    except OSError as exc:
        print(f"goallint: error: {NAME}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 2
    shadowed = [name for name in existing if name != NAME]
    note = f" ({shadowed[0]} is still there, unread now: remove it)" if shadowed else ""
    print(f"goallint: wrote {NAME}{note}; try `goallint check .`", file=sys.stderr)
    return 0
