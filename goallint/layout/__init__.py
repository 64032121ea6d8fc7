"""The layout assembler: rows of located cells (text, Excel) → forms, driven by the label vocabulary.

Entry point: `assemble(rows, path) -> list[AnyForm]`; an empty row is `[]`.
"""

from __future__ import annotations

from goallint.layout.assembler import assemble

__all__ = ["assemble"]
