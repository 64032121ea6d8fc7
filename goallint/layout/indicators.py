"""The indicator table (绩效指标): header layout, reading skewed rows by what their cells are, carry-down.

A data row is placed against the header's columns at the shift that fits its cells best: a 一级 label must
stand in the 一级 column (a 二级 label there is accepted: `时效指标\\t时效指标…`, `生态效益\\t\\t…`), a 二级
label in the 二级 column, nothing beyond the table. Rows no shift explains (004's name–gap–values rows) are
read in order: labels, then the name, then up to two values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goallint.layout.vocab import Vocabulary, cell_key, is_blank
from goallint.model import Cell, Indicator, build

SECTION, L1, L2, NAME, PERIOD, ANNUAL, L2B, NAMEB = "section", "l1", "l2", "name", "period", "annual", "l2b", "nameb"
_SHIFTS = sorted(range(-4, 5), key=abs)


@dataclass(frozen=True)
class Layout:
    """Column index → role (`section`, `l1`, `l2`, `name`, `period`, `annual`; two-sided: `l2b`, `nameb`)."""

    roles: dict[int, str]

    @property
    def two_sided(self) -> bool:
        return L2B in self.roles.values()

    @property
    def width(self) -> int:
        return max(self.roles) + 1


DEFAULT_LAYOUT = Layout({0: SECTION, 1: L1, 2: L2, 3: NAME, 4: PERIOD, 5: ANNUAL})


def header_layout(filled: list[tuple[int, Cell]], vocab: Vocabulary) -> Layout | None:
    """The layout of an indicator header row given its non-blank (column, cell) pairs, or None when the row is
    not one (needs 一级 and 二级/三级)."""
    found: dict[int, str] = {}
    generic: list[int] = []
    for index, cell in filled:
        match = vocab.indicator_header.match(cell_key(cell))
        if match is None:
            continue
        role = {"level1": L1, "level2": L2, "name": NAME, "period_value": PERIOD,
                "annual_value": ANNUAL, "section": SECTION, "value": "value"}[match[0]]
        if role == "value":
            generic.append(index)
            continue
        if role in found.values():
            role = {L2: L2B, NAME: NAMEB}.get(role, "")
            if not role or role in found.values():
                continue
        found[index] = role
    roles = set(found.values())
    if L1 not in roles or not roles & {L2, NAME}:
        return None
    for index in generic:
        found[index] = PERIOD if PERIOD not in found.values() else ANNUAL if ANNUAL not in found.values() else ""
    found = {index: role for index, role in found.items() if role}
    _complete(found)
    return Layout(dict(sorted(found.items())))


def _complete(found: dict[int, str]) -> None:
    """Add the columns a damaged header lacks: section before 一级, name after 二级, the value columns."""
    column = {role: index for index, role in found.items()}
    if SECTION not in column and column[L1] > 0 and column[L1] - 1 not in found:
        found[column[L1] - 1] = SECTION
    if NAME not in column:
        column[NAME] = column[L2] + 1
        found.setdefault(column[NAME], NAME)
    last = max(found)
    if PERIOD not in column and ANNUAL not in column:
        found[column[NAME] + 1 if column[NAME] + 1 > last else last + 1] = PERIOD
        last = max(found)
    if ANNUAL not in found.values():
        found[last + 1] = ANNUAL


@dataclass
class Reading:
    """One data row read against the layout: the cells found in each role."""

    cells: dict[str, Cell] = field(default_factory=dict)

    def get(self, role: str) -> Cell | None:
        return self.cells.get(role)


Mark = tuple[int, Cell, str]
"""A non-blank cell of a row: (index, cell, label key)."""


def _fit(row: list[Cell], marks: list[Mark], layout: Layout, shift: int,
         vocab: Vocabulary) -> tuple[float, Reading] | None:
    """The penalty of reading `row` with cell i in column i + shift, or None when the shift cannot be."""
    penalty = abs(shift) * 0.01
    roles = layout.roles
    for index, _, key in marks:
        role = roles.get(index + shift)
        if role is None:
            return None
        if role == SECTION and vocab.indicator_header.match(key) != ("section", None):
            return None
        if role == L1 and not vocab.is_level1(key):
            if not vocab.is_level2(key):
                return None
            penalty += 1
        if (role == L2 or role == L2B) and not vocab.is_level2(key):
            return None
    reading = Reading({role: row[column - shift] for column, role in roles.items()
                       if 0 <= column - shift < len(row)})
    name, period, annual = reading.get(NAME), reading.get(PERIOD), reading.get(ANNUAL)
    if is_blank(name) and not (is_blank(period) and is_blank(annual)):
        penalty += 3
    if not is_blank(name) and not is_blank(period) and is_blank(annual) and name.raw == period.raw:  # type: ignore[union-attr]
        penalty += 1  # a name and its value pair read one column too far left
    return penalty, reading


def _in_order(row: list[Cell], vocab: Vocabulary) -> Reading:
    """Fallback: labels first (一级, then 二级), then the name, then at most two values; gaps dropped."""
    cells = list(row)
    while cells and is_blank(cells[-1]):
        cells.pop()
    position = 0
    reading = Reading()

    def skip() -> None:
        nonlocal position
        while position < len(cells) and is_blank(cells[position]):
            position += 1

    skip()
    if position < len(cells) and vocab.indicator_header.match(cell_key(cells[position])) == ("section", None):
        position += 1
        skip()
    for role, test in ((L1, vocab.is_level1), (L2, vocab.is_level2)):
        if position < len(cells) and test(cell_key(cells[position])):
            reading.cells[role] = cells[position]
            position += 1
            skip()
    if position < len(cells):
        reading.cells[NAME] = cells[position]
        position += 1
    values = cells[position:]
    while len(values) > 2 and any(is_blank(cell) for cell in values):
        values.remove(next(cell for cell in values if is_blank(cell)))
    for role, cell in zip((PERIOD, ANNUAL), values, strict=False):
        reading.cells[role] = cell
    return reading


def read_row(row: list[Cell], layout: Layout, vocab: Vocabulary) -> Reading:
    """Read one data row: the best-fitting shift against the layout (smallest first), else in order."""
    marks = [(index, cell, cell_key(cell)) for index, cell in enumerate(row) if not is_blank(cell)]
    if not marks:
        return Reading()
    first, last, width = marks[0][0], marks[-1][0], layout.width
    best: tuple[float, Reading] | None = None
    for shift in _SHIFTS:
        if first + shift < 0 or last + shift >= width:
            continue
        fitted = _fit(row, marks, layout, shift, vocab)
        if fitted is not None and (best is None or fitted[0] < best[0]):
            best = fitted
            if best[0] < 0.5:
                break  # no repair needed; a larger shift cannot do better
    return best[1] if best is not None else _in_order(row, vocab)


@dataclass
class IndicatorTable:
    """Builds indicators row by row, carrying merged 一级/二级 cells down (a new 一级 resets the 二级)."""

    vocab: Vocabulary
    layout: Layout = DEFAULT_LAYOUT
    two_sided: bool = False
    indicators: list[Indicator] = field(default_factory=list)
    own_level1: list[bool] = field(default_factory=list)
    """Per indicator: whether its 一级 cell stands on its own row (False: carried down)."""
    _level1: Cell | None = None
    _level2: Cell | None = None

    def set_layout(self, layout: Layout) -> None:
        self.layout = layout
        self.two_sided = self.two_sided or layout.two_sided

    def add_row(self, row: list[Cell]) -> None:
        reading = read_row(row, self.layout, self.vocab)
        level1, level2, name = reading.get(L1), reading.get(L2), reading.get(NAME)
        if self.two_sided and is_blank(level2) and is_blank(name):
            level2, name = reading.get(L2B), reading.get(NAMEB)
        if not is_blank(level1) and not self.vocab.is_level1(cell_key(level1)):
            if is_blank(level2):  # a 二级 label standing in the 一级 column
                level2 = level1
            level1 = None
        if (is_blank(level2) and not self.two_sided and not is_blank(name)
                and self.vocab.is_level2(cell_key(name))
                and is_blank(reading.get(PERIOD)) and is_blank(reading.get(ANNUAL))):
            level2, name = name, None  # `效益指标\t\t经济效益\t\t` : a 二级 label one column right
        period, annual = reading.get(PERIOD), reading.get(ANNUAL)
        if all(is_blank(cell) for cell in (level1, level2, name, period, annual)):
            return
        own = not is_blank(level1)
        if own:
            self._level1, self._level2 = level1, None
        if not is_blank(level2):
            self._level2 = level2
        self.indicators.append(build(Indicator,
            level1=self._level1,
            level2=self._level2,
            name=None if is_blank(name) else name,
            period_value=period,
            annual_value=annual,
        ))
        self.own_level1.append(own)
