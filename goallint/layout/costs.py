"""A project's cost build-up table (项目预算成本构成, 成本构成, 资金使用计划): its title, its header (the item
column and the amount columns, by `labels.yaml`'s `cost_table` words), its item rows and its 合计 row.

A table without a header row is read by position: the first filled cell is the item, the numbers after it
are its amounts. The table ends at its 合计 row, or at a row the walk reads otherwise (a header label, the
indicator table).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goallint.layout.vocab import Vocabulary, cell_key, is_blank
from goallint.model import Cell, CostRow, CostTable

_EMPTY = Cell("")


@dataclass
class CostTableBuilder:
    """One cost table as the walk finds it."""

    title: Cell | None
    unit: str = "元"
    item_column: int | None = None
    amount_columns: list[int] = field(default_factory=list)
    headings: list[Cell] = field(default_factory=list)
    rows: list[CostRow] = field(default_factory=list)
    total: CostRow | None = None

    def header(self, row: list[Cell], vocab: Vocabulary) -> list[tuple[Cell, str]] | None:
        """Take the row as the table's header when it names an item column and an amount column: the cells
        with their role (`item`, `amount`), else None."""
        item: int | None = None
        amounts: list[int] = []
        for index, cell in enumerate(row):
            key = cell_key(cell)
            if not key:
                continue
            if item is None and key in vocab.cost_items:
                item = index
            elif vocab.cost_amount.search(key) and not vocab.cost_not_amount.search(key):
                amounts.append(index)
        if item is None or not amounts:
            return None
        self.item_column, self.amount_columns = item, amounts
        self.headings = [row[index] for index in amounts]
        return [(row[item], "item"), *((row[index], "amount") for index in amounts)]

    def add(self, row: list[Cell], filled: list[tuple[int, Cell]], vocab: Vocabulary) -> list[tuple[Cell, str]]:
        """An item row or the 合计 row (which ends the table): the cells used with their role."""
        if self.item_column is None:  # no header: the first filled cell and the numbers after it
            first = filled[0][0]
            self.item_column = first
            self.amount_columns = [index for index, cell in filled[1:] if _numeric(cell)]
            self.headings = [_EMPTY for _ in self.amount_columns]
        item = row[self.item_column] if self.item_column < len(row) else None
        if is_blank(item):
            item = next((cell for index, cell in filled if index < min(self.amount_columns or [0])
                         and not cell.raw.strip().isdigit()), None)
        if item is None:
            return []
        amounts = tuple(row[index] if index < len(row) and not is_blank(row[index]) else None
                        for index in self.amount_columns)
        entry = CostRow(item, amounts)
        total = cell_key(item) in vocab.subtotals
        if total:
            self.total = entry
        else:
            self.rows.append(entry)
        used = [(item, "cost_total" if total else "cost_item")]
        return used + [(cell, "cost_amount") for cell in amounts if cell is not None]

    def build(self) -> CostTable:
        return CostTable(self.title, tuple(self.headings), tuple(self.rows), self.total, self.unit)


def _numeric(cell: Cell) -> bool:
    text = cell.raw.strip().replace(",", "").removesuffix("元").removesuffix("万")
    return bool(text) and text.replace(".", "", 1).isdigit()
