"""The assembler's label vocabulary (labels.yaml + the profiles' level labels), matched by `label_key`."""

from __future__ import annotations

import re
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from goallint.model import Cell
from goallint.plumbing.memo import Memo
from goallint.plumbing.records import record
from goallint.plumbing.resources import cached_parse, load_yaml
from goallint.profiles import label_key, profiles

FormKind = Literal["project", "department"]
_MARKUP = re.compile(r"<[^>]{0,80}>|[#*`$\\]|\s+")
_YEAR = "{year}"


key_of = label_key
"""The label key of a cell's raw text (`profiles.label_key`, cached there)."""


def cell_key(cell: Cell | None) -> str:
    return key_of(cell.raw) if cell is not None else ""


def squeeze(raw: str) -> str:
    """The raw text without spaces or markup, parentheses kept (for `（ 2020 年度）`)."""
    return _MARKUP.sub("", raw)


def is_blank(cell: Cell | None) -> bool:
    return cell is None or not cell.raw.strip()


@record
class FieldIndex:
    """Labels of one section of labels.yaml: exact keys, and `{year}` patterns that capture a year."""

    exact: dict[str, str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    lengths: set[int] = field(default_factory=set)
    """The lengths of the keys the patterns match (each is literal text and the year's four digits)."""
    ranks: dict[str, int] = field(default_factory=dict)
    """Preference of a label key within its field (0 first): where a form prints two labels of one field."""
    matches: Memo[str, tuple[str, int | None] | None] = field(init=False, repr=False, compare=False)
    """`match` by key (every cell of every row is asked; most are no label and went through every pattern)."""

    def __post_init__(self) -> None:
        self.matches = Memo(self._match)

    def add(self, name: str, labels: list[str]) -> None:
        self.matches.clear()
        for rank, label in enumerate(labels):
            if _YEAR in label:
                key = label_key(label.replace(_YEAR, "\0"))
                self.lengths.add(len(key) + 3 * key.count("\0"))
                body = re.escape(key).replace("\\\x00", "\0")
                self.patterns.append((re.compile("^" + body.replace("\0", r"(\d{4})") + "$"), name))
            else:
                self.exact.setdefault(label_key(label), name)
                self.ranks.setdefault(label_key(label), rank)

    def rank(self, key: str) -> int:
        """How far down its field's list a label is (a `{year}` label ranks first)."""
        return self.ranks.get(key, 0)

    def match(self, key: str) -> tuple[str, int | None] | None:
        """(field, year captured by a `{year}` label or None), or None when the key is no label here."""
        return self.matches[key]

    def knows(self, keys: list[str], enough: int) -> bool:
        """Whether at least `enough` of the keys are labels here (one call for a whole row's keys)."""
        if self.exact.keys().isdisjoint(keys) and self.lengths.isdisjoint(map(len, keys)):
            return False  # no key is an exact label, nor as long as a `{year}` label (most rows)
        matches = self.matches
        known = 0
        for key in keys:
            if matches[key] is not None:
                known += 1
                if known == enough:
                    return True
        return False

    def _match(self, key: str) -> tuple[str, int | None] | None:
        name = self.exact.get(key)
        if name is not None:
            return name, None
        if len(key) not in self.lengths:
            return None  # a `{year}` pattern matches keys of one length
        for pattern, name in self.patterns:
            found = pattern.match(key)
            if found:
                return name, int(found.group(1))
        return None


@record
class Vocabulary:
    titles: list[tuple[re.Pattern[str], FormKind]]
    year_line: re.Pattern[str]
    fields: dict[FormKind, FieldIndex]
    structural: frozenset[str]
    other_labels: frozenset[str]
    sub_items: tuple[str, ...]
    footer_starts: tuple[str, ...]
    footer_marks: tuple[str, ...]
    footer_lines: re.Pattern[str]
    unit_note: re.Pattern[str]
    subtotals: frozenset[str]
    task_header: FieldIndex
    indicator_header: FieldIndex
    value_qualifiers: dict[str, tuple[str, ...]]
    comparators: frozenset[str]
    notes: tuple[str, ...]
    level1: frozenset[str]
    level2: frozenset[str]
    cost_titles: frozenset[str] = frozenset()
    cost_items: frozenset[str] = frozenset()
    cost_amount: re.Pattern[str] = re.compile("$^")
    cost_not_amount: re.Pattern[str] = re.compile("$^")
    footers: Memo[str, bool] = field(init=False, repr=False, compare=False)
    """`is_footer` by key (asked for the first cell of every indicator row)."""
    starters: Memo[str, FormKind | None] = field(init=False, repr=False, compare=False)
    """`starter` by key (asked for every row)."""
    titles_by_key: Memo[str, FormKind | None] = field(init=False, repr=False, compare=False)
    """`title_kind` by key (asked for every row of one distinct text)."""
    years: Memo[str, str | None] = field(init=False, repr=False, compare=False)
    """`year_of` by raw text."""
    classes: dict[FormKind, Memo[str, tuple[str, str, int | None]]] = field(init=False, repr=False, compare=False)
    """`classify` by form kind, then key (asked for every cell of every header row)."""
    closers: dict[FormKind, Memo[str, bool]] = field(init=False, repr=False, compare=False)
    """`closes_table` by form kind, then key."""
    header_words: Memo[str, bool] = field(init=False, repr=False, compare=False)
    """Whether a key is a heading of the indicator table (every row is asked before its header test)."""

    def __post_init__(self) -> None:
        self.footers = Memo(self._is_footer)
        self.starters = Memo(self._starter)
        self.titles_by_key = Memo(self._title_kind)
        self.years = Memo(self._year_of)
        self.classes = {kind: Memo(lambda key, kind=kind: self._classify(kind, key))  # type: ignore[misc]
                        for kind in ("project", "department")}
        self.closers = {kind: Memo(lambda key, kind=kind: self._closes_table(kind, key))  # type: ignore[misc]
                        for kind in ("project", "department")}
        self.header_words = Memo(lambda key: self.indicator_header.matches[key] is not None)

    def title_kind(self, key: str) -> FormKind | None:
        """The kind of form a title row announces (`项目支出绩效目标申报表`), or None."""
        return self.titles_by_key[key]

    def _title_kind(self, key: str) -> FormKind | None:
        if len(key) > 60:
            return None
        return next((kind for pattern, kind in self.titles if pattern.search(key)), None)

    def year_of(self, raw: str) -> str | None:
        """The budget year's digits in a row holding only it (`(2025年)`, `（ 2020 年度）`), or None."""
        return self.years[raw]

    def _year_of(self, raw: str) -> str | None:
        found = self.year_line.match(squeeze(raw))
        return found.group(1) if found is not None else None

    def field(self, kind: FormKind, key: str) -> tuple[str, int | None] | None:
        return self.fields[kind].matches[key] if key else None

    def classify(self, kind: FormKind, key: str) -> tuple[str, str, int | None]:
        """What a header-area cell is: (`label`, its field, a year its label captured), (`structural`|`sub_item`|
        `other`, '', None), or ('', '', None) for text."""
        return self.classes[kind][key]

    def _classify(self, kind: FormKind, key: str) -> tuple[str, str, int | None]:
        match = self.field(kind, key)
        return ("label", match[0], match[1]) if match is not None else \
            ("structural", "", None) if key in self.structural or key == "绩效" else \
            ("sub_item", "", None) if self.is_sub_item(key) else \
            ("other", "", None) if key in self.other_labels else ("", "", None)

    def starter(self, key: str) -> FormKind | None:
        """The kind of form a row whose first cell has this key starts (its 名称 label: `项目名称`, `部门名称`), or
        None."""
        return self.starters[key]

    def _starter(self, key: str) -> FormKind | None:
        match = self.field("project", key)
        if match is not None and match[0] == "name":
            return "project"
        match = self.field("department", key)
        if match is not None and match[0] == "name":
            return "department"
        return None

    def closes_table(self, kind: FormKind, key: str) -> bool:
        """A header label that is no level label nor 绩效 (asked of an indicator row's first cell before the
        三级 column): the indicator table is over."""
        return self.closers[kind][key]

    def _closes_table(self, kind: FormKind, key: str) -> bool:
        return self.is_label(kind, key) and key not in self.level1 and key not in self.level2 and key != "绩效"

    def is_sub_item(self, key: str) -> bool:
        """`其中:财政拨款`: a part of the amount above, never a field nor a field's value."""
        return key.startswith(self.sub_items)

    def is_other(self, key: str) -> bool:
        """A label of something goallint does not read (contacts, codes, descriptions): its value is skipped."""
        return key in self.other_labels or self.is_sub_item(key)

    def is_label(self, kind: FormKind, key: str) -> bool:
        """A label of the form's kind, a structural or another known one: never a field's value."""
        return bool(key) and (key in self.structural or self.is_other(key) or self.fields[kind].match(key) is not None)

    def is_footer(self, key: str) -> bool:
        """An approval, signature or note row's first cell: the indicator table has ended."""
        return self.footers[key]

    def _is_footer(self, key: str) -> bool:
        return bool(key) and (key.startswith(self.footer_starts) or any(mark in key for mark in self.footer_marks)
                              or self.footer_lines.match(key) is not None)

    def is_note(self, key: str) -> bool:
        return any(note in key for note in self.notes)

    def is_level1(self, key: str) -> bool:
        return key in self.level1

    def is_level2(self, key: str) -> bool:
        return key in self.level2


def _load_yaml() -> dict[str, Any]:
    # kept between runs as JSON by its text (`cached_parse`): read back far faster than YAML is composed
    data: dict[str, Any] = cached_parse((Path(__file__).parent / "labels.yaml").read_text(encoding="utf-8"), load_yaml)
    return data


def _index(section: dict[str, list[str]]) -> FieldIndex:
    index = FieldIndex()
    for name, labels in section.items():
        index.add(name, labels)
    return index


def _keys(labels: list[str]) -> tuple[str, ...]:
    return tuple(label_key(label) for label in labels)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, loaded once."""
    data = _load_yaml()
    titles: list[tuple[re.Pattern[str], FormKind]] = []
    for kind in ("department", "project"):
        titles.extend((re.compile(pattern), kind) for pattern in data["titles"][kind])
    level1: set[str] = set()
    level2: set[str] = set()
    for profile in profiles().values():
        for level in profile.level1.values():
            level1.update(level.keys())
        for children in profile.level2.values():
            for level in children.values():
                level2.update(level.keys())
    return Vocabulary(
        titles=titles,
        year_line=re.compile(data["year_line"]),
        fields={"project": _index(data["project"]), "department": _index(data["department"])},
        structural=frozenset(_keys(data["structural"])),
        other_labels=frozenset(_keys(data["other_labels"])),
        sub_items=_keys(data["sub_items"]),
        footer_starts=tuple(data["footer_starts"]),
        footer_marks=tuple(data["footer_marks"]),
        footer_lines=re.compile(data["footer_lines"]),
        unit_note=re.compile(data["unit_note"]),
        subtotals=frozenset(_keys(data["subtotals"])),
        task_header=_index(data["task_header"]),
        indicator_header=_index(data["indicator_header"]),
        value_qualifiers={role: tuple(words) for role, words in data["value_qualifiers"].items()},
        comparators=frozenset(data["comparators"]),
        notes=tuple(data["notes"]),
        level1=frozenset(level1),
        level2=frozenset(level2),
        cost_titles=frozenset(_keys(data["cost_table"]["titles"])),
        cost_items=frozenset(_keys(data["cost_table"]["item"])),
        cost_amount=re.compile(data["cost_table"]["amount"]),
        cost_not_amount=re.compile(data["cost_table"]["not_amount"]),
    )
