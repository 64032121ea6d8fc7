"""What a reader returns for one file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field

from goallint.model import AnyForm, Cell
from goallint.plumbing.records import record

Rows = list[list[Cell]]
Assembler = Callable[[Rows, str], list[AnyForm]]
"""What turns a file's rows of located cells into forms (`goallint.layout.assemble`, or a wrapper of it that
keeps a trace for `convert --explain`)."""


@record
class ReadResult:
    """What a reader made of one file.

    `problem` is set when the file yields no form: (`GL001`, reason) for a readable file with no
    recognisable form, (`GL002`, reason) for a file that cannot be opened or decoded.
    `text` is the decoded source (text and structured formats), kept for carets and fixes.
    """

    path: str
    forms: list[AnyForm] = field(default_factory=list)
    problem: tuple[str, str] | None = None
    text: str | None = None
    encoding: str | None = None
    problem_line: int = 1
    """The line the problem is on, when the reader knows it (a text written with spaces: its first spaced row)."""
