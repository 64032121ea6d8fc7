"""The indicator table (绩效指标): reading skewed rows by what their cells are, joining split values, carry-down.

A data row is placed against the header's columns (`columns.Layout`) at the shift that fits its cells best:
a 一级 label must stand in the 一级 column (a 二级 label there is accepted: `时效指标\\t时效指标…`,
`生态效益\\t\\t…`), a 二级 label in the 二级 column, nothing beyond the table. Rows no shift explains (004's
name–gap–values rows) are read in order: labels, then the name, then up to two values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field, replace

from goallint.layout.columns import (
    ACTUAL,
    ANNUAL,
    COMPARATOR,
    DEFAULT_LAYOUT,
    L1,
    L2,
    L2B,
    NAME,
    NAMEB,
    PERIOD,
    SECTION,
    UNIT,
    Layout,
    refine,
)
from goallint.layout.vocab import Vocabulary, cell_key, is_blank, key_of
from goallint.model import Cell, DerivedCell, Indicator, Span
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.records import record, slot_maker
from goallint.profiles import plain_label

_SHIFTS = sorted(range(-4, 5), key=abs)
_LABEL_ROLES = frozenset((SECTION, L1, L2, L2B))
"""The columns whose cell must be a label of their level."""
_BARE_NUMBER = on_use(r"[+-]?\d[\d,，]*(?:\.\d+)?")
_MAX_UNIT = 8


Reading = dict[str, Cell]
"""One data row read against the layout: the cell found in each role."""


new_indicator: Callable[..., Indicator] = slot_maker(Indicator)
"""`Indicator(level1, level2, name, period_value, annual_value, ignore)`, each slot set directly (one is made
for every data row); `ignore` is given a new empty list, as the class's default would be."""


Mark = tuple[int, Cell, str]
"""A non-blank cell of a row: (index, cell, label key)."""


def _fit(row: list[Cell], marks: list[Mark], layout: Layout, shift: int,
         vocab: Vocabulary) -> tuple[float, Reading] | None:
    """The penalty of reading `row` with cell i in column i + shift, or None when the shift cannot be."""
    penalty = abs(shift) * 0.01
    roles = layout.roles
    level1, level2 = vocab.level1, vocab.level2
    for index, _, key in marks:
        role = roles.get(index + shift)
        if role is None:
            return None
        if role not in _LABEL_ROLES:
            continue  # a name or value column takes any text
        if role == SECTION and vocab.indicator_header.match(key) != ("section", None):
            return None
        if role == L1 and key not in level1:
            if key not in level2:
                return None
            penalty += 1
        if (role == L2 or role == L2B) and key not in level2:
            return None
    size = len(row)
    if shift == 0 and layout.width <= size:  # every column on the row: each role's cell where it stands
        cells = dict(zip(layout.role_names, layout.pick(row), strict=True))
    else:
        cells = {role: row[column - shift] for column, role in roles.items() if 0 <= column - shift < size}
    name, period, annual = cells.get(NAME), cells.get(PERIOD), cells.get(ANNUAL)
    # `is_blank` of each, inlined (asked for every shift tried on every data row)
    named = name is not None and name.raw.strip() != ""
    valued = period is not None and period.raw.strip() != ""
    annual_blank = annual is None or not annual.raw.strip()
    if not named:
        if valued or not annual_blank:
            penalty += 3
    elif valued and annual_blank and name.raw == period.raw:  # type: ignore[union-attr]
        penalty += 1  # a name and its value pair read one column too far left
    return penalty, cells


def _in_order(row: list[Cell], vocab: Vocabulary) -> Reading:
    """Fallback: labels first (一级, then 二级), then the name, then at most two values; gaps dropped."""
    cells = list(row)
    while cells and is_blank(cells[-1]):
        cells.pop()
    position = 0
    reading: Reading = {}

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
            reading[role] = cells[position]
            position += 1
            skip()
    if position < len(cells):
        reading[NAME] = cells[position]
        position += 1
    values = cells[position:]
    while len(values) > 2 and any(is_blank(cell) for cell in values):
        values.remove(next(cell for cell in values if is_blank(cell)))
    for role, cell in zip((PERIOD, ANNUAL), values, strict=False):
        reading[role] = cell
    return reading


def row_marks(row: list[Cell]) -> list[Mark]:
    """The row's non-blank cells with their label keys."""
    return [(index, cell, key_of(cell.raw)) for index, cell in enumerate(row) if cell.raw and not cell.raw.isspace()]


def read_row(row: list[Cell], layout: Layout, vocab: Vocabulary, marks: list[Mark] | None = None) -> Reading:
    """Read one data row: the best-fitting shift against the layout (smallest first), else in order. `marks`
    are the row's non-blank cells with their keys, when the caller has them (`row_marks`)."""
    if marks is None:
        marks = row_marks(row)
    if not marks:
        return {}
    first, last, width = marks[0][0], marks[-1][0], layout.width
    if len(marks) == 1 and layout.roles.get(first) in (L1, L2) and not (
            vocab.is_level1(marks[0][2]) or vocab.is_level2(marks[0][2])):
        return {}  # a fragment cut in a level column (`生態(t`), no indicator
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


def joined_value(number: Cell | None, comparator: Cell | None, unit: Cell | None, vocab: Vocabulary) -> Cell | None:
    """A value split over columns as one cell: `≥` `95` `%` → `≥95%`, spanning its parts (so no fix rewrites
    it: the source between them holds tabs). A comparator column holding other text (`定性`) and a unit column
    holding a sentence (a row whose unit cell is missing) are not joined; a value with a unit of its own
    (`28.8万元`) takes no second one."""
    if comparator is None and unit is None or number is None or is_blank(number):
        return number  # nothing to join; an empty value cell keeps its place (GL204 points at it)
    parts = [number]
    text = number.raw.strip()
    if comparator is not None and comparator.raw.strip() in vocab.comparators and not text.startswith(
            tuple(vocab.comparators)):
        parts.insert(0, comparator)
    if unit is not None and not is_blank(unit) and len(unit.raw.strip()) <= _MAX_UNIT and _BARE_NUMBER.fullmatch(text):
        parts.append(unit)
    if len(parts) == 1:
        return number
    raw = "".join(part.raw.strip() for part in parts)
    first, last = parts[0].span, parts[-1].span
    if first is None or last is None or first.start is None or last.end is None or first.line != last.end_line:
        return DerivedCell(raw, number.span)
    return DerivedCell(raw, Span(first.line, first.column, last.end_line, last.end_column, first.start, last.end,
                          number.span.sheet if number.span else None, number.span.ref if number.span else None))


@record
class IndicatorTable:
    """Builds indicators row by row, carrying merged 一级/二级 cells down (a new 一级 resets the 二级)."""

    vocab: Vocabulary
    layout: Layout = DEFAULT_LAYOUT
    two_sided: bool = False
    indicators: list[Indicator] = field(default_factory=list)
    own_level1: list[bool] = field(default_factory=list)
    """Per indicator: whether its 一级 cell stands on its own row (False: carried down)."""
    actual: list[Cell | None] = field(default_factory=list)
    """Per indicator: its cell in a last-year `actual` column, if any."""
    _level1: Cell | None = None
    _level2: Cell | None = None
    _refined: bool = False

    def set_layout(self, layout: Layout) -> None:
        self.layout = layout
        self._refined = False
        self.two_sided = self.two_sided or layout.two_sided

    def add_row(self, row: list[Cell], marks: list[Mark] | None = None,
                explain: bool = False) -> list[tuple[str, Cell, str]]:
        """Read one row into an indicator. `marks`: the row's `row_marks`, when the caller has them. With
        `explain` (`convert --explain`), the (role, cell, detail) it read; else an empty list."""
        vocab = self.vocab
        if not self.indicators and not self._refined:
            filled = [(index, cell) for index, cell in enumerate(row) if not is_blank(cell)]
            refined = refine(self.layout, filled, vocab) if filled else None
            if refined is not None:
                self.layout, self._refined = refined, True
                return [("header", cell, refined.roles[index]) for index, cell in filled]
        reading = read_row(row, self.layout, vocab, marks)
        found = reading.get
        level1, level2, name = found(L1), found(L2), found(NAME)
        if self.two_sided and is_blank(name):
            if not is_blank(found(NAMEB)):
                name = found(NAMEB)
            if is_blank(level2) or not is_blank(found(L2B)):
                level2 = found(L2B) if not is_blank(found(L2B)) else level2
        # `is_blank` of each cell, inlined below (every data row)
        has_level2 = level2 is not None and level2.raw.strip() != ""
        if level1 is not None and level1.raw.strip() and key_of(level1.raw) not in vocab.level1:
            if not has_level2:  # a 二级 label standing in the 一级 column
                level2, has_level2 = level1, True
            level1 = None
        period = found(PERIOD)  # `joined_value` with nothing to join: the cell itself
        annual = found(ANNUAL)
        comparator, unit = found(COMPARATOR), found(UNIT)
        if comparator is not None or unit is not None:
            annual = joined_value(annual, comparator, unit, vocab)
        has_name = name is not None and name.raw.strip() != ""
        has_period = period is not None and period.raw.strip() != ""
        has_annual = annual is not None and annual.raw.strip() != ""
        if not has_level2 and not self.two_sided and has_name and key_of(name.raw) in vocab.level2:  # type: ignore[union-attr]
            if not has_period and not has_annual:
                level2, has_level2 = name, True  # `效益指标\t\t经济效益\t\t` : a 二级 label one column right
                name, has_name = None, False
            elif self.layout.column(L2) is None:
                level2, has_level2 = name, True  # 110: a table whose 指标名称 column holds the 二级 categories
        if has_name and not has_period and not has_annual and vocab.is_note(key_of(name.raw)):  # type: ignore[union-attr]
            name, has_name = None, False  # `未达指标值酌情扣分`: a scoring note in the 三级 column
        used = [(role, cell, "") for role, cell in reading.items() if not is_blank(cell)] if explain else []
        # level labels read through a mirror's traditional characters and pinyin, as the plain labels
        if level1 is not None:
            plain = plain_label(level1.raw)
            if plain != level1.raw:
                level1 = DerivedCell(plain, level1.span)
        if level2 is not None:
            plain = plain_label(level2.raw)
            if plain != level2.raw:
                level2 = DerivedCell(plain, level2.span)
        own = level1 is not None and level1.raw.strip() != ""
        has_level2 = level2 is not None and level2.raw.strip() != ""
        if not (own or has_level2 or has_name or has_period or has_annual):
            return used
        if own:
            self._level1, self._level2 = level1, None
        if has_level2:
            self._level2 = level2
        self.indicators.append(new_indicator(self._level1, self._level2, name if has_name else None, period, annual,
                                             []))
        self.own_level1.append(own)
        self.actual.append(found(ACTUAL))
        return used

    def finish(self) -> None:
        """A table whose target columns are empty on every row while its last-year column is not (101: one
        value per row, kept under `2021年实际实现值`): those values are the targets."""
        if not any(self.actual) or not any(not is_blank(cell) for cell in self.actual):
            return  # (a cell is a non-empty tuple: `any` first tells, without a call per row, that none is there)
        if any(not is_blank(ind.annual_value) or not is_blank(ind.period_value) for ind in self.indicators):
            return
        self.indicators = [replace(indicator, annual_value=cell) if not is_blank(cell) else indicator
                           for indicator, cell in zip(self.indicators, self.actual, strict=True)]
