"""The indicator table's header: a role for every column, from the header row's own words.

Roles: `section` (the 绩效指标 block label), `l1`/`l2`/`name` (the three levels; `l2b`/`nameb` for the second
half of a two-sided 中期/年度 table), `period`/`annual` (the value columns), `comparator`/`unit` (parts of a
value split over columns, joined into one), `weight`, `descriptive` (never a value), `actual` (last year's
result), `extra` (a column the vocabulary does not know). Which words give which role is `labels.yaml` data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import field
from operator import itemgetter

from goallint.layout.vocab import Vocabulary, cell_key
from goallint.model import Cell
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.records import record

SECTION, L1, L2, NAME, PERIOD, ANNUAL, L2B, NAMEB = "section", "l1", "l2", "name", "period", "annual", "l2b", "nameb"
COMPARATOR, UNIT, WEIGHT, DESCRIPTIVE, ACTUAL, EXTRA = "comparator", "unit", "weight", "descriptive", "actual", "extra"
FIELD = "field:"
"""A header field's column in a list table of many projects (`field:name` for 项目名称, `field:budget` …)."""
LIST_FIELDS = ("name", "department", "spending_unit", "budget", "annual_goal", "period_goal", "project_type")
VALUE = "value"
"""A value column whose period the header does not say (resolved by `header_layout`)."""
_ROLE_OF = {"section": SECTION, "level1": L1, "level2": L2, "name": NAME, "period_value": PERIOD,
            "annual_value": ANNUAL, "value": VALUE, "comparator": COMPARATOR, "unit": UNIT, "weight": WEIGHT,
            "descriptive": DESCRIPTIVE, "actual": ACTUAL}
_SQUEEZE = on_use(r"<[^>]{0,80}>|[#*`$\\?？\s]")
_VALUE_WORDS = re.compile(r"(?:指标|目标|实现|计划)值")
_QUALIFIER_ONLY = re.compile(r"(?:\d{4}年)?(?:本年度|当年度|年度|当年|本年|中期|长期|实施期|实施周期)")
_REPEATABLE = (DESCRIPTIVE, WEIGHT, ACTUAL, EXTRA)


def _squeezed(raw: str) -> str:
    return _SQUEEZE.sub("", raw)


def column_role(cell: Cell, vocab: Vocabulary) -> str | None:
    """The role a header cell gives its column, or None when it is no indicator-table heading."""
    key = cell_key(cell)
    if not key and _squeezed(cell.raw) != "指标":
        return None
    match = vocab.indicator_header.match(key)  # `指标` alone keys as '' (114: 指标 | 指标权重 | …)
    role = _ROLE_OF[match[0]] if match is not None else None
    if role is None and _VALUE_WORDS.search(key):
        role = VALUE  # `预期2022年实现值`
    if role is None and _QUALIFIER_ONLY.fullmatch(key):
        role = VALUE  # a sub-heading under 指标值 that only names the target: `年度 | 中期`
    if role == VALUE:
        text = _squeezed(cell.raw)
        for qualified in (PERIOD, ANNUAL):
            if any(word in text for word in vocab.value_qualifiers[qualified]):
                return qualified
    return role


@record(frozen=True, slots=True)
class Layout:
    """Column index → role."""

    roles: dict[int, str]
    list_fields: dict[str, int] = field(default_factory=dict, compare=False)
    """Header field → column, in a list table holding many projects (`项目名称` a column); else empty."""

    name_column: int | None = field(default=None, compare=False)
    width: int = field(default=0, compare=False, repr=False)
    """One past the last column (asked for every data row)."""
    role_names: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """The roles in column order, and `pick` of a row (at least `width` long) its cells in those columns: a
    data row standing where the header says is read by these two, without a loop over the columns."""
    pick: Callable[[list[Cell]], tuple[Cell, ...]] = field(default=tuple, compare=False, repr=False)

    def __post_init__(self) -> None:
        found = {role[len(FIELD):]: index for index, role in self.roles.items() if role.startswith(FIELD)}
        if "name" in found:
            object.__setattr__(self, "list_fields", found)
        object.__setattr__(self, "name_column", self.column(NAME))
        object.__setattr__(self, "width", max(self.roles) + 1)
        object.__setattr__(self, "role_names", tuple(self.roles.values()))
        columns = tuple(self.roles)
        # `itemgetter` of one column gives the cell itself, not a tuple of it
        object.__setattr__(self, "pick", itemgetter(*columns) if len(columns) > 1 else
                           lambda row: (row[columns[0]],))

    @property
    def two_sided(self) -> bool:
        return L2B in self.roles.values()

    def column(self, role: str) -> int | None:
        return next((index for index, found in self.roles.items() if found == role), None)


DEFAULT_LAYOUT = Layout({0: SECTION, 1: L1, 2: L2, 3: NAME, 4: PERIOD, 5: ANNUAL})


def header_layout(filled: list[tuple[int, Cell]], vocab: Vocabulary, keys: list[str] | None = None) -> Layout | None:
    """The layout of an indicator header row given its non-blank (column, cell) pairs (and their label keys,
    when the caller has them), or None when the row is not one: it needs 一级 with 二级/三级, or (a table without
    levels, 114) 三级 with a value and one more heading."""
    if keys is None:
        keys = [cell_key(cell) for _, cell in filled]
    if not vocab.indicator_header.knows(keys, 2):  # every row is asked: a header names two columns in known words
        return None
    found: dict[int, str] = {}
    unknown: list[int] = []
    generic: list[int] = []
    for index, cell in filled:
        role = column_role(cell, vocab)
        if role is None:
            match = vocab.field("project", cell_key(cell))
            if match is not None and match[0] in LIST_FIELDS:
                found[index] = FIELD + match[0]
            else:
                unknown.append(index)
            continue
        if role == VALUE:
            generic.append(index)
            continue
        if role in found.values():
            role = {L2: L2B, NAME: NAMEB}.get(role, role if role in _REPEATABLE else EXTRA)
            if role in (L2B, NAMEB) and role in found.values():
                role = EXTRA
        found[index] = role
    roles = set(found.values())
    known = len(found) + len(generic)
    levelled = L1 in roles and bool(roles & {L2, NAME})
    flat = NAME in roles and bool(generic or roles & {ANNUAL, PERIOD}) and known >= 3
    if not (levelled or flat):
        return None
    explicit = roles & {PERIOD, ANNUAL}
    if len(generic) == 1 and not explicit:
        found[generic[0]] = ANNUAL  # one value column: the year's target
    else:
        for index in generic:
            taken = set(found.values())
            found[index] = PERIOD if PERIOD not in taken else ANNUAL if ANNUAL not in taken else EXTRA
    _complete(found, unknown)
    return Layout(dict(sorted(found.items())))


def _complete(found: dict[int, str], unknown: list[int]) -> None:
    """Add the columns a damaged header lacks: section before 一级, name after 二级, the value columns; a
    heading the vocabulary does not know is the value column of a table that has none (118: one column per
    village), else a column to pass over."""
    column = {role: index for index, role in found.items()}
    if L1 in column and SECTION not in column and column[L1] > 0 and column[L1] - 1 not in found:
        found[column[L1] - 1] = SECTION
    if NAME not in column:
        column[NAME] = column[L2] + 1
        found.setdefault(column[NAME], NAME)
    values = {PERIOD, ANNUAL} & set(found.values())
    if not values:
        after = [index for index in unknown if index > column[NAME]]
        if after:
            found[after[0]] = ANNUAL
            unknown = [index for index in unknown if index != after[0]]
        else:
            spot = column[NAME] + 1
            found[spot if spot not in found else max(found) + 1] = ANNUAL
    elif ANNUAL not in values:  # `实施周期指标值` with the 年度 heading lost (seeds)
        spot = column[PERIOD] + 1
        found[spot if spot not in found else max(found) + 1] = ANNUAL
    for index in unknown:
        found.setdefault(index, EXTRA)


def refine(layout: Layout, filled: list[tuple[int, Cell]], vocab: Vocabulary) -> Layout | None:
    """A sub-heading row under the value heading (`2021年实际实现值 | 预期2022年实现值`): the layout with those
    columns re-roled, or None when the row is not one (every filled cell must be a value-column heading)."""
    roles = dict(layout.roles)
    for index, cell in filled:
        role = column_role(cell, vocab)
        if role not in (VALUE, ANNUAL, PERIOD, ACTUAL):
            return None
        roles[index] = ANNUAL if role == VALUE else role
    return Layout(dict(sorted(roles.items())))
