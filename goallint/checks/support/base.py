"""What every check kind sees and returns: the form context, selectors over indicators, and findings.

A check kind is one module in `goallint/checks/` with a `Params` dataclass (its `kind` literal is the
name used in rule packs) and a `run(params, ctx)` generator of `Finding`s. Group kinds (rules that look at
all forms of a department across a run) also define `summarize(params, ctx)` and `run_group(params, summaries)`;
a form's summary is made once per kind and shared by the kind's rules, so it must not depend on `params`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field, fields
from functools import cached_property
from typing import Any, Literal, Protocol

from goallint.checks.support.patterns import search
from goallint.model import AnyForm, Cell, Fix, Indicator, cell_text
from goallint.plumbing.memo import make_room
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES
from goallint.plumbing.validation import STRICT
from goallint.profiles import Profile, label_key

Column = Literal["period", "annual"]
BOTH_COLUMNS: tuple[Column, Column] = ("period", "annual")
"""Both value columns in the form's order (what most rules look at)."""
FormKind = Literal["project", "department"]


@record(kw_only=True)
class Selector:
    """Where a rule applies: form kinds, canonical levels of the profile, a pattern on the 三级 name."""

    __pydantic_config__ = STRICT

    forms: list[FormKind] = field(default_factory=lambda: list[FormKind](["project", "department"]))
    level1: list[str] | None = None
    """Canonical 一级 keys (`cost`, `output`, `benefit`, `satisfaction`); None: any."""
    level2: list[str] | None = None
    """Canonical 二级 keys (`quantity`, `quality`, `economic_cost` …); `cost_level` / `quantity_level`
    stand for the profile's cost and quantity levels; None: any."""
    name: str | None = None
    """A regular expression searched in the normalised 三级 name."""
    name_not: str | None = None
    columns: list[Column] = field(default_factory=lambda: list[Column](["period", "annual"]))

    @cached_property
    def picks_all(self) -> bool:
        """No level or name condition: every indicator of the form (most rules)."""
        return self.level1 is None and self.level2 is None and not self.name and not self.name_not

    @cached_property
    def picking(self) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None, str | None, str | None]:
        """What decides which indicators the selector picks: rules with equal conditions (the six cost-level
        rules) share one answer per form and across forms."""
        return (None if self.level1 is None else tuple(self.level1),
                None if self.level2 is None else tuple(self.level2), self.name, self.name_not)

    @cached_property
    def name_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.name) if self.name else None

    @cached_property
    def name_not_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.name_not) if self.name_not else None


ANYWHERE = Selector()
"""The selector of a rule without `where`: every form kind, level, name and column."""


@record(frozen=True)
class Finding:
    """One problem a check found. `cell` None means the form as a whole (reported at the form's start)."""

    message: str
    cell: Cell | None = None
    field: str = ""
    fix: Fix | None = None
    related: tuple[Cell, ...] = ()
    """Other cells with the same defect, named by this one finding (the other column, other generic names)."""
    related_fields: tuple[str, ...] = ()
    """The field of each cell in `related`, where it is not this finding's own (a form's findings grouped into
    one name other indicators); a cell past its end is in this finding's field."""
    facts: Mapping[str, Any] | None = None
    """What the message was written from, by placeholder (`{name}`, `{value}` …): a kind that lists them in
    its `FACTS` gives them, so that a rule's `group.item` can name this cell in a form's grouped finding."""


def made_finding(message: str, cell: Cell | None, field: str, fix: Fix | None, related: tuple[Cell, ...],
                 related_fields: tuple[str, ...], facts: Mapping[str, Any] | None) -> Finding:
    """`Finding(...)` with every field given in order, its attributes set at once past the frozen guards (what
    `__init__` sets, one field at a time): the value rules and the engine make one per value cell they report."""
    finding: Finding = _new(Finding)
    _set(finding, "__dict__", {"message": message, "cell": cell, "field": field, "fix": fix, "related": related,
                               "related_fields": related_fields, "facts": facts})
    return finding


_new = object.__new__
_set = object.__setattr__


def _filled_columns(period: Cell | None, annual: Cell | None) -> tuple[tuple[Column, Cell], ...]:
    """An indicator's non-empty value cells, 实施周期 then 年度 (`Cell.is_empty`, asked without a call)."""
    if period is not None and period.raw.strip():
        if annual is not None and annual.raw.strip():
            return ("period", period), ("annual", annual)
        return (("period", period),)
    return (("annual", annual),) if annual is not None and annual.raw.strip() else ()


@record(slots=True)
class ResolvedIndicator:
    """An indicator with its levels resolved through the profile, and what nearly every rule asks of it (its
    name and its filled value cells) worked out once when it is made."""

    indicator: Indicator
    level1: str | None
    level2: str | None
    index: int
    name: str = field(init=False, repr=False, compare=False)
    """The 三级 name's normalised text."""
    filled_values: tuple[tuple[Column, Cell], ...] = field(init=False, repr=False, compare=False)
    """The non-empty value cells, 实施周期 then 年度."""
    _field: str | None = field(init=False, repr=False, compare=False)

    def __init__(self, indicator: Indicator, level1: str | None, level2: str | None, index: int) -> None:
        self.indicator, self.level1, self.level2, self.index = indicator, level1, level2, index
        name = indicator.name
        self.name = name.text if name is not None else ""
        self.filled_values = _filled_columns(indicator.period_value, indicator.annual_value)
        self._field = None

    @property
    def field(self) -> str:
        """The indicator's path as written: `成本指标/经济成本指标/支出标准` (named by every finding on it)."""
        known = self._field
        if known is None:
            indicator = self.indicator
            first, second, name = parts = (indicator.level1, indicator.level2, indicator.name)
            key = (None if first is None else first.raw, None if second is None else second.raw,
                   None if name is None else name.raw)  # all the texts depend on
            known = _FIELDS.get(key)
            if known is None:
                if len(_FIELDS) >= CACHE_ENTRIES:
                    make_room(_FIELDS)
                known = _FIELDS[key] = "/".join(cell_text(part) for part in parts)
            self._field = known
        return known

    def value_cells(self, columns: Sequence[Column] = BOTH_COLUMNS) -> Iterable[tuple[Column, Cell]]:
        """Each non-empty value cell in the chosen columns, in their order."""
        if columns is BOTH_COLUMNS or (len(columns) == 2 and columns[0] == "period" and columns[1] == "annual"):
            return self.filled_values
        return [(column, cell) for wanted in columns for column, cell in self.filled_values if column == wanted]


@record
class FormContext:
    """One form, its profile, and the helpers checks share. Built once per form by the engine."""

    form: AnyForm
    profile: Profile
    where: Selector = field(default_factory=lambda: ANYWHERE)
    """The selector of the rule being run (set by the engine before each rule)."""
    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    """The named word lists of the loaded rule packs (`vague_words`, `placeholders` …)."""
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    """What a check kind works out once per form and shares between its rules (keyed by the kind)."""
    _picked: dict[tuple[object, ...], list[ResolvedIndicator]] = field(default_factory=dict, repr=False)
    """Per selector's conditions (`Selector.picking`): the indicators it picks in this form."""
    resolved: list[ResolvedIndicator] = field(init=False, repr=False, compare=False)
    """The form's indicators with their levels resolved, in order (made with the context: every form's rules
    ask for them, many times)."""

    def __init__(self, form: AnyForm, profile: Profile, where: Selector = ANYWHERE, vocabularies: dict[str, list[str]] | None = None,
                 memo: dict[str, Any] | None = None,
                 _picked: dict[tuple[object, ...], list[ResolvedIndicator]] | None = None) -> None:
        # written out: the engine makes one per form, and `dataclass`'s calls a factory for each dict
        self.form, self.profile, self.where = form, profile, where
        self.vocabularies = vocabularies if vocabularies is not None else {}
        self.memo = memo if memo is not None else {}
        self._picked = _picked if _picked is not None else {}
        self.resolved = _resolve(form, profile)

    def indicators(self, where: Selector) -> Iterator[ResolvedIndicator]:
        """The indicators a selector picks (form kind is the engine's business, not this)."""
        if where.picks_all:
            return iter(self.resolved)
        picking = where.picking
        picked = self._picked.get(picking)
        if picked is None:
            picked = self._picked[picking] = []
            profile = self.profile
            for item in self.resolved:  # `picks` for each, without a call per indicator
                known = _PICKS.get((picking, id(profile), item.level1, item.level2, item.name))
                if known is not None and known[0] is profile:
                    if known[1]:
                        picked.append(item)
                elif self.picks(where, item):
                    picked.append(item)
        return iter(picked)

    def picks(self, where: Selector, item: ResolvedIndicator) -> bool:
        """Whether a selector picks an indicator: a function of the selector, the profile and the indicator's
        resolved levels and name, remembered across forms (the same rows recur form after form)."""
        profile = self.profile
        key = (where.picking, id(profile), item.level1, item.level2, item.name)
        known = _PICKS.get(key)
        if known is not None and known[0] is profile:
            return known[1]
        if len(_PICKS) >= _PICKS_MAX:
            make_room(_PICKS)
        answer = self._picks(where, item)
        _PICKS[key] = (profile, answer)  # the profile kept alive: its id is not reused while this is here
        return answer

    def _picks(self, where: Selector, item: ResolvedIndicator) -> bool:
        if where.level1 is not None and item.level1 not in where.level1:
            return False
        if where.level2 is not None and not self._level2_matches(item, where.level2):
            return False
        name = item.name  # a pack pattern sees at most MAX_MATCH_INPUT characters, for a bounded time
        if where.name_pattern is not None and not search(where.name_pattern, name):
            return False
        return where.name_not_pattern is None or not search(where.name_not_pattern, name)

    def selected(self) -> Iterator[ResolvedIndicator]:
        """The indicators the current rule's `where` picks."""
        return self.indicators(self.where)

    def vocabulary(self, name: str) -> list[str]:
        """A named word list of the packs ([] when absent; the pack loader checks names it can see)."""
        return self.vocabularies.get(name, [])

    def _level2_matches(self, item: ResolvedIndicator, wanted: list[str]) -> bool:
        if item.level2 in wanted:
            return True
        if "cost_level" in wanted and self.profile.is_cost_level(item.level1, item.level2):
            return True
        return "quantity_level" in wanted and self.profile.is_quantity_level(item.level1, item.level2)


def _resolve(form: AnyForm, profile: Profile) -> list[ResolvedIndicator]:
    """The form's indicators with their 一级/二级 labels resolved through the profile (each made as its
    `__init__` makes it, written out here: a form has a dozen, and a class call costs more than the work)."""
    out = []
    levels = _LEVELS
    new = object.__new__
    for index, indicator in enumerate(form.indicators):
        first, second, name = indicator.level1, indicator.level2, indicator.name
        key = (id(profile), first.raw if first is not None else None, second.raw if second is not None else None,
               name.raw if name is not None else None)
        known = levels.get(key)
        if known is None or known[0] is not profile:
            if len(levels) >= CACHE_ENTRIES:
                make_room(levels)
            known = levels[key] = (profile, *_levels(profile, first, second),  # the profile kept alive
                                   name.text if name is not None else "")
        item = new(ResolvedIndicator)
        item.indicator, item.level1, item.level2, item.index, item.name = indicator, known[1], known[2], index, known[3]
        item.filled_values = _filled_columns(indicator.period_value, indicator.annual_value)
        item._field = None
        out.append(item)
    return out


def _levels(profile: Profile, first: Cell | None, second: Cell | None) -> tuple[str | None, str | None]:
    """The canonical (一级, 二级) keys of an indicator's labels as written (a 二级 implies its 一级)."""
    level1 = profile.level1_key(first.text) if first is not None else None
    level2: str | None = None
    if second is not None:
        pair = profile.level2_key(second.text, level1)
        if pair is not None:
            level2 = pair[1]
            if level1 is None:
                level1 = pair[0]
    return level1, level2


_FIELDS: dict[tuple[str | None, str | None, str | None], str] = {}
"""An indicator's path as written (`ResolvedIndicator.field`), by its three labels' raw texts. Bounded."""


_LEVELS: dict[tuple[int, str | None, str | None, str | None], tuple[Profile, str | None, str | None, str]] = {}
"""Resolved levels and the 三级 name's text, remembered by the profile's id and the raw texts of the two labels
and the name (the same rows recur on every form of a template). Bounded."""


_PICKS: dict[tuple[object, ...], tuple[Profile, bool]] = {}
_PICKS_MAX = 4 * CACHE_ENTRIES
"""Selector answers remembered across forms, by the selector's conditions and the profile's id (a mutable
dataclass does not hash). Bounded."""


Placeholders = Mapping[str, Sequence[str]]
"""A check kind's message keys, each with the placeholders it fills (its module's `PLACEHOLDERS`, or one such
mapping per `test` / `report`)."""


def check_template(template: str | None, fields: Sequence[str], key: str = "message") -> None:
    """Raise ValueError (a pack error naming `key`) when a message template uses a placeholder outside
    `fields` or is malformed: found when the pack is loaded, not on the first form that fires."""
    if template is None:
        return
    try:
        template.format(**dict.fromkeys(fields, ""))
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"{key}: 占位符 {exc} 不存在（可用：{', '.join(fields)}）") from None


def check_messages(params: Any, placeholders: Placeholders, optional: Sequence[str] = ()) -> None:
    """Check a rule's message templates when the pack loads. `placeholders` maps each message key the rule's
    check (and test) reports with to the placeholders it fills: each must be set (unless `optional`) and use
    only those; a `message…` key the check never uses is refused too. The wording is the rule's; the kind
    fills it in."""
    for key, value in fields_of(params):
        if key.startswith("message") and key not in placeholders and value is not None:
            raise ValueError(f"{key}: 这种检查不用这一项（它用 {', '.join(placeholders)}）")
    for key, names in placeholders.items():
        if getattr(params, key) is None and key not in optional:
            raise ValueError(f"{key}: 缺少这一项（占位符：{', '.join(names) or '无'}）")
        check_template(getattr(params, key), names, key)


def fields_of(params: Any) -> Iterator[tuple[str, Any]]:
    """A dataclass's fields as (name, value) pairs, in their order."""
    for item in fields(params):
        yield item.name, getattr(params, item.name)


COLUMN_NAMES: dict[str, str] = {"period": "实施周期", "annual": "年度"}
"""How a column is named in the `{column}` placeholder (a message writes `{column}指标值`)."""


name_key = label_key
"""Normalised indicator-name key used for comparisons (`profiles.label_key`, cached there)."""


class CheckKind(Protocol):
    """The shape of a check-kind module."""

    Params: type[Any]
    """A dataclass: what a rule's `check` holds, validated when its pack is loaded."""

    def run(self, params: Any, ctx: FormContext) -> Iterable[Finding]: ...


@record(frozen=True, slots=True, kw_only=True)
class GroupFinding:
    """A finding of a group rule, already placed: the form summary it belongs to and the cell's location."""

    path: str
    form: str
    message: str
    field: str = ""
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1
