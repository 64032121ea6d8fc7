"""What `goallint check` was asked on the command line (a plain record, cheap to import: the command line
makes one before it knows which command's code it needs)."""

from __future__ import annotations

from dataclasses import field

from goallint.plumbing.records import record


@record
class CheckOptions:
    """Everything `goallint check` was asked, before config is merged in."""

    paths: list[str] = field(default_factory=list)
    select: str | None = None
    extend_select: str | None = None
    ignore: str | None = None
    severity: list[str] = field(default_factory=list)
    fail_on: str | None = None
    output_format: str | None = None
    output: str | None = None
    statistics: bool = False
    profile: str | None = None
    config: str | None = None
    isolated: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    baseline: str | None = None
    write_baseline: str | None = None
    jobs: int | None = None
    no_progress: bool = False
    no_cache: bool = False
    stdin_filename: str | None = None
