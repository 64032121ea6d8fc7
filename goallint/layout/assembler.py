"""Walk rows of located cells, split them into forms and fill ProjectForm / DepartmentForm.

Format-agnostic: text rows and Excel sheet rows are both `list[list[Cell]]`. Labels are recognised through
the vocabulary (labels.yaml and the profiles), never by line position: a header field is a label with its
value beside it (`项目名称 ⇥ …`), in the same cell (`年度资金总额:16`), or in the row below a row of labels
(`部门(单位)名称 ⇥ 填报人` then `广水市人民政府办公室 ⇥ …`); the indicator table is found by its header row
(`columns.py`) and ends at an approval, signature or note row.
"""

from __future__ import annotations

import re
from dataclasses import field
from decimal import Decimal

from goallint.layout.builder import FormBuilder, empty_at_end, is_form
from goallint.layout.cells import sub_cell
from goallint.layout.columns import Layout, column_role, header_layout
from goallint.layout.costs import CostTableBuilder
from goallint.layout.explain import Trace
from goallint.layout.fields import (
    GOALS,
    strip_code,
    wan_amounts,
)
from goallint.layout.tasks import is_task_label, read_task, task_header
from goallint.layout.vocab import FormKind, Vocabulary, cell_key, is_blank, key_of, vocabulary
from goallint.layout.vocab import squeeze as _squeeze
from goallint.model import AnyForm, Cell
from goallint.plumbing.records import record

_SPLIT = re.compile(r"[:：]|\s+")
_WAN_HEADING = re.compile(r"[（(]\s*万\s*元\s*[)）]")
_YUAN_HEADING = re.compile(r"[（(]\s*元\s*[)）]")
_YEARS = re.compile(r"(\d{4})\s*年?\s*[-—–~至到]+\s*(\d{4})")
SECTION_KEY = "绩效"
"""`绩效指标` as keyed: the indicator table's row label (also the cell a goal text gets pushed next to)."""
Item = tuple[str, int, Cell, str]
"""(kind, column, cell, field): kind `label` (field set), `other` (a label goallint does not read), `text`, or
`structural`."""


def stated_unit(raw: str) -> str | None:
    """`万元` or `元` when a heading states it (`资金情况(万元)`, `预算金额（元）`), else None."""
    if _WAN_HEADING.search(raw):
        return "万元"
    if _YUAN_HEADING.search(raw):
        return "元"
    return None


@record
class Assembler:
    path: str
    vocab: Vocabulary = field(default_factory=vocabulary)
    forms: list[FormBuilder] = field(default_factory=list)
    trace: Trace | None = None

    @property
    def current(self) -> FormBuilder | None:
        return self.forms[-1] if self.forms else None

    def start(self, kind: FormKind, cell: Cell | None = None) -> FormBuilder:
        if self.forms and not is_form(self.forms[-1], strict=True):
            self.forms.pop()  # text before a form's title (105's (1)–(7) block) is no form of its own
        builder = FormBuilder(kind, self.path, self.vocab)
        if cell is not None:
            builder.title = cell
            builder.note_span(cell)
            if self.trace is not None:
                self.trace.event(cell, "新表开始（标题）")
        self.forms.append(builder)
        return builder

    def run(self, rows: list[list[Cell]]) -> list[AnyForm]:
        for row in rows:
            # `is_blank`, inlined: this runs for every cell the reader makes
            filled = [(index, cell) for index, cell in enumerate(row) if cell.raw and not cell.raw.isspace()]
            if filled:
                self.row(row, filled)
        found: list[set[Decimal]] = []

        def mentions() -> set[Decimal]:  # worked out once per file, and only for an amount with no unit stated
            if not found:
                found.append(wan_amounts(rows))
            return found[0]

        return [builder.build(mentions) for builder in self.forms if is_form(builder)]

    def row(self, row: list[Cell], filled: list[tuple[int, Cell]]) -> None:
        vocab = self.vocab
        trace = self.trace
        keys = [key_of(cell.raw) for _, cell in filled]  # each cell's label key, once for every layer below
        first_key = keys[0]
        if len(filled) == 1 or filled[0][1].raw == filled[-1][1].raw and len({cell.raw for _, cell in filled}) == 1:
            kind = vocab.titles_by_key[first_key]
            if kind is not None:
                self.start(kind, filled[0][1])
                if trace is not None:
                    trace.note(filled[0][1], "title", "部门整体表" if kind == "department" else "项目表")
                return
            year = vocab.years[filled[0][1].raw]
            if year is not None:
                current = self.forms[-1] if self.forms else self.start("project")
                current.set_year(int(year))
                if trace is not None:
                    trace.note(filled[0][1], "year", year)
                return
        builder = self.forms[-1] if self.forms else None
        starter = vocab.starters[first_key]
        if starter is not None:
            if builder is None or "name" in builder.fields or builder.section != "header":
                builder = self.start(starter)
                if trace is not None:
                    trace.event(filled[0][1], "新表开始（名称）")
            else:
                builder.kind = starter  # the 名称 label decides over a title
        if builder is None:
            builder = self.start("project")
        # a header row names two columns in the table's words: most rows name none and skip the header test
        layout = header_layout(filled, vocab, keys) if sum(map(vocab.header_words.__getitem__, keys)) >= 2 else None
        if layout is not None:
            self._table_start(builder, layout, filled)
            return
        section = builder.section
        if builder.kind == "department" and vocab.task_header.knows(keys, 3):  # a task header names 3 columns
            columns = task_header(row, vocab)
            if columns is not None:
                builder.task_columns = columns
                amount = next((row[index] for index, name in columns.items() if name == "amount"), None)
                if amount is not None and stated_unit(amount.raw) == "万元":
                    builder.task_amount_unit = "万元"
                if section not in ("tasks", "other_tasks"):
                    builder.section = "tasks"
                if trace is not None:
                    for index, name in columns.items():
                        trace.note(row[index], "task_header", name)
                return
        if (section == "tasks" or section == "other_tasks") and self._task_row(builder, row, filled):
            return
        if section == "indicators":
            table = builder.indicator_table()
            if table.layout.list_fields:
                listed = self._list_row(builder, row, filled)
                if listed is None:
                    return
                builder = listed
                table = builder.indicator_table()
            if self._ends_table(builder, filled, first_key):
                builder.section = "footer"
                if trace is not None:
                    trace.event(filled[0][1], "指标表结束")
                    if vocab.footers[first_key]:
                        trace.note(filled[0][1], "footer")
            else:
                marks = [(index, cell, key) for (index, cell), key in zip(filled, keys, strict=True)]
                used = table.add_row(row, marks, explain=trace is not None)
                if trace is not None:
                    for role, cell, detail in used:
                        trace.note(cell, role, detail)
                return
        if builder.kind == "project" and self._cost_row(builder, row, filled, first_key):
            return
        if first_key == SECTION_KEY and not builder.pending_goals and len(filled) > 1 and builder.section == "header":
            builder.section = "indicators"
            if trace is not None:
                trace.event(filled[0][1], "指标表开始（无表头）")
            used = builder.indicator_table().add_row(row, explain=trace is not None)
            if trace is not None:
                for role, cell, detail in used:
                    trace.note(cell, role, detail)
            return
        self.label_row(builder, row, filled, keys)

    def _table_start(self, builder: FormBuilder, layout: Layout, filled: list[tuple[int, Cell]]) -> None:
        builder.section = "indicators"
        builder.pending_goals.clear()
        builder.pending_values.clear()
        builder.indicator_table().set_layout(layout)
        if layout.list_fields:
            headings = dict(filled)
            builder.list_units = {name: unit for name, column in layout.list_fields.items()
                                  if column in headings and (unit := stated_unit(headings[column].raw)) is not None}
        if self.trace is not None:
            self.trace.event(filled[0][1], "指标表开始")
            for index, cell in filled:
                self.trace.note(cell, "header", layout.roles.get(index, ""))

    def _list_row(self, builder: FormBuilder, row: list[Cell], filled: list[tuple[int, Cell]]) -> FormBuilder | None:
        """A row of a list table holding many projects: a new 项目名称 starts the next project's form (its
        budget and goals from their columns, the 主管部门 above the table shared); a blank or repeated name
        continues the project above; a subtotal row (合计, 小计) is no project and is skipped (None)."""
        table = builder.indicator_table()
        fields = table.layout.list_fields
        column = fields["name"]
        cell = row[column] if column < len(row) else None
        if cell is None or is_blank(cell):
            return builder
        if cell_key(cell) in self.vocab.subtotals:
            if self.trace is not None:
                self.trace.note(cell, "footer", "合计行")
            return None
        current = builder.fields.get("name")
        if current is not None and current.raw == cell.raw:
            return builder  # a merged 项目名称 repeated on each row it covers
        if current is not None or table.indicators:
            follower = FormBuilder("project", self.path, self.vocab, title=builder.title,
                                   budget_year=builder.budget_year, unit_note=builder.unit_note,
                                   block_unit=builder.block_unit, section="indicators",
                                   list_units=builder.list_units)
            for shared in ("department", "spending_unit"):
                if shared in builder.fields and shared not in fields:
                    follower.fields[shared] = builder.fields[shared]
            follower.indicator_table().set_layout(table.layout)
            self.forms.append(follower)
            builder = follower
            if self.trace is not None:
                self.trace.event(cell, "新表开始（列表中的下一个项目）")
        builder.note_span(cell)
        for name, index in fields.items():
            value = row[index] if index < len(row) else None
            if value is not None and not is_blank(value):
                builder.set_field(name, strip_code(value) if name in ("department", "spending_unit") else value)
                if name == "budget":
                    builder.units["budget"] = builder.list_units.get("budget", "")
        return builder

    def _ends_table(self, builder: FormBuilder, filled: list[tuple[int, Cell]], first_key: str) -> bool:
        """An approval, signature or note row, or a header label before the 三级 column: the table is over."""
        vocab = self.vocab
        if vocab.footers[first_key] or first_key in vocab.cost_titles:
            return True
        table = builder.table
        name_column = table.layout.name_column if table is not None else None
        if name_column is not None and filled[0][0] >= name_column:
            return False  # a row starting at the name is an indicator whatever its name
        return vocab.closers[builder.kind][first_key]

    def _cost_row(self, builder: FormBuilder, row: list[Cell], filled: list[tuple[int, Cell]], first_key: str) -> bool:
        """A row of a cost build-up table (its title, header, items, 合计); False when the row is not one (a
        label row after the table, which it ends)."""
        vocab = self.vocab
        trace = self.trace
        if first_key in vocab.cost_titles:
            title = filled[0][1]
            note = vocab.unit_note.search(_squeeze(title.raw))
            table = CostTableBuilder(title, stated_unit(title.raw) or (note.group(1) if note else None)
                                     or builder.unit_note or "元")
            builder.cost_tables.append(table)
            builder.section = "costs"
            if trace is not None:
                trace.note(title, "cost_title")
            rest = [cell if index > filled[0][0] else Cell("") for index, cell in enumerate(row)]
            self._cost_header(table, rest)
            return True
        if builder.section != "costs":
            return False
        table = builder.cost_tables[-1]
        if table.item_column is None and self._cost_header(table, row):
            return True
        if vocab.title_kind(first_key) is not None or (
                vocab.is_label("project", first_key) and first_key not in vocab.subtotals):
            builder.section = "header"
            return False
        for cell, role in table.add(row, filled, vocab):
            if trace is not None:
                trace.note(cell, role)
        if table.total is not None:
            builder.section = "header"
        return True

    def _cost_header(self, table: CostTableBuilder, row: list[Cell]) -> bool:
        used = table.header(row, self.vocab)
        if used is None:
            return False
        for cell, role in used:
            if role == "amount" and stated_unit(cell.raw) is not None:
                table.unit = stated_unit(cell.raw) or table.unit
            if self.trace is not None:
                self.trace.note(cell, "cost_header", "成本项目" if role == "item" else "金额栏")
        return True

    def _task_row(self, builder: FormBuilder, row: list[Cell], filled: list[tuple[int, Cell]]) -> bool:
        """Read a row of the task lists; False when the row is not one (the walk handles it otherwise)."""
        key = cell_key(filled[0][1])
        opener = is_task_label(key, self.vocab)
        if opener is not None:
            builder.section = opener
            cells = [(index, cell) for index, cell in enumerate(row) if index > filled[0][0]]
        elif self.vocab.is_label("department", key) or key == SECTION_KEY:
            return False
        else:
            cells = list(enumerate(row))
        task = read_task(cells, builder.task_columns)
        if task is not None:
            (builder.other_tasks if builder.section == "other_tasks" else builder.tasks).append(task)
            if self.trace is not None:
                for _, cell in cells:
                    if not is_blank(cell):
                        self.trace.note(cell, "task", builder.section)
        return True

    def items(self, builder: FormBuilder, filled: list[tuple[int, Cell]], keys: list[str]) -> list[Item]:
        """Classify a row's non-blank cells (`keys` their label keys); split `标签：内容` / `标签 内容` cells into a
        label and its text."""
        items: list[Item] = []
        classes = self.vocab.classes[builder.kind]
        for position, (index, cell) in enumerate(filled):
            kind, name, year = classes[keys[position]]
            if kind:
                if year is not None:
                    builder.set_year(year)
                items.append((kind, index, cell, name))
                continue
            # no separator in the cell's head: nothing to split (most text cells), without the call
            split = self._split(builder, cell, position == 0 or items[-1][0] == "label") if _SPLIT.search(
                cell.raw, 0, 40) is not None else None
            if split is not None:
                items.extend((kind, index, part, name) for kind, part, name in split)
                continue
            items.append(("text", index, cell, ""))
        return items

    def _split(self, builder: FormBuilder, cell: Cell, spaces: bool) -> list[tuple[str, Cell, str]] | None:
        """`年度资金总额:16`, `预算单位: 奉节县…` (and, first on a row or after a label, `标签 内容`)."""
        raw = cell.raw
        if not spaces and ":" not in raw[:40] and "：" not in raw[:40]:
            return None
        for separator in _SPLIT.finditer(raw[:40]):
            if not spaces and separator.group() not in ":：":
                continue
            head = raw[: separator.start()]
            match = self.vocab.field(builder.kind, key_of(head)) if head.strip() else None
            if match is None or match[0] == "overview":
                continue  # `项目概况:…` inside a cell is part of a description (107's goal text), not a field
            rest = raw[separator.end():]
            if not rest.strip():
                return None
            builder.set_year(match[1])
            begin = separator.end() + len(rest) - len(rest.lstrip())
            return [("label", sub_cell(cell, 0, separator.start()), match[0]),
                    ("text", sub_cell(cell, begin, len(raw.rstrip())), "")]
        return None

    def label_row(self, builder: FormBuilder, row: list[Cell], filled: list[tuple[int, Cell]],
                  keys: list[str]) -> None:
        """A row of labels and their values (header fields, goals, the approval); `keys`: the filled cells'."""
        level1 = self.vocab.level1
        if builder.table is None and len(builder.levels_seen) < 3 and not level1.isdisjoint(keys):
            builder.levels_seen.extend(cell.raw for (_, cell), key in zip(filled, keys, strict=True) if key in level1)
        items = self.items(builder, filled, keys)
        trace = self.trace
        if builder.section == "indicators" and items and items[0][0] == "label":
            builder.section = "header"
        if builder.section == "header":
            note = self._unit_note(items)
            if note is not None:
                builder.unit_note = note
        if builder.pending_values and all(item[0] == "text" for item in items):
            self._values_below(builder, items)
            return
        builder.pending_values.clear()
        heading_unit: str | None = None
        consumed: set[int] = set()
        for position, (kind, index, cell, name) in enumerate(items):
            if kind in ("structural", "other", "sub_item"):
                unit = stated_unit(cell.raw)
                if kind == "structural" and unit is not None:
                    heading_unit = builder.block_unit = unit
                following = items[position + 1] if position + 1 < len(items) else None
                if kind != "structural" and following is not None and following[0] == "text":
                    consumed.add(position + 1)
                    if trace is not None:
                        trace.note(following[2], "other_value")
                    if kind == "sub_item" and "财政拨款" in cell_key(cell) and builder.fallback_budget is None:
                        builder.fallback_budget = following[2]
                if trace is not None:
                    trace.note(cell, kind if kind != "sub_item" else "other")
                continue
            if kind != "label":
                continue
            builder.note_span(cell)
            following = items[position + 1] if position + 1 < len(items) else None
            value = following[2] if following is not None and following[0] == "text" else None
            if trace is not None:
                trace.note(cell, "label", name)
            if name == "goal_section" and builder.pending_goals:
                continue  # a merged 总体绩效目标 cell beside the text a sub-label announced (Excel)
            if name in GOALS or name == "goal_section" or name == "overall_goal":
                self._goal_label(builder, name, index, cell, value)
                if value is not None:
                    consumed.add(position + 1)
                continue
            if name in ("period", "tasks", "other_tasks"):
                if name != "period":
                    builder.section = name
                continue
            if value is not None:
                consumed.add(position + 1)
            else:
                value = _blank_after(row, index, items, position) or empty_at_end(cell)
            shown = value
            if name in ("department", "spending_unit"):
                value = strip_code(value)
            rank = self.vocab.fields[builder.kind].ranks.get(key_of(cell.raw), 0)
            if builder.set_field(name, value, rank):
                if trace is not None and not is_blank(value):
                    trace.note(shown, "value", name if value is shown else f"{name}（去掉代码）")
                if name in ("budget", "period_budget"):
                    # the unit is in the label (`预算金额（万元）`) or in a heading cell before it on the row
                    # (`项目资金(万元) ⇥ 年度资金总额 ⇥ 120`)
                    stated = stated_unit(cell.raw) or ("万元" if "万元" in "".join(cell.raw.split()) else None)
                    for item in reversed(items[:position]):
                        stated = stated or stated_unit(item[2].raw)
                    builder.units[name] = stated or heading_unit or ""
        texts = [(index, cell) for position, (kind, index, cell, _) in enumerate(items)
                 if kind == "text" and position not in consumed]
        if texts and builder.pending_goals:
            self._goal_texts(builder, texts)
        elif not texts and builder.section == "header" and len(items) > 1 and all(
                kind in ("label", "other") and name not in GOALS and name != "goal_section"
                for kind, _, _, name in items):
            builder.pending_values = {index: name if kind == "label" else "" for kind, index, _, name in items}

    def _values_below(self, builder: FormBuilder, items: list[Item]) -> None:
        """The row under a row of labels alone: each text is the value of the label above it."""
        pending = builder.pending_values
        builder.pending_values = {}
        for _, index, cell, _ in items:
            name = pending.get(index)
            if name:
                builder.set_field(name, cell)
                if self.trace is not None:
                    self.trace.note(cell, "value", name)

    def _unit_note(self, items: list[Item]) -> str | None:
        for _, _, cell, _ in items:
            if "单位" not in cell.raw:
                continue
            found = self.vocab.unit_note.search(_squeeze(cell.raw))
            if found is not None:
                if self.trace is not None:
                    self.trace.note(cell, "unit_note", found.group(1))
                return found.group(1)
        return None

    def _goal_label(self, builder: FormBuilder, name: str, index: int, label: Cell, value: Cell | None) -> None:
        if name == "goal_section":
            if value is None:
                return
            name = "annual_goal"  # 总体目标 with its text right there: the form's one goal, the year's
        if name == "period_goal":
            years = _YEARS.search(label.raw)
            if years is not None:
                builder.set_field("period_start", sub_cell(label, years.start(1), years.end(1)))
                builder.set_field("period_end", sub_cell(label, years.start(2), years.end(2)))
        if value is not None:
            builder.set_field(name, value)
            if self.trace is not None:
                self.trace.note(value, "goal", name)
        elif name not in builder.fields:
            builder.pending_goals.append((name, index))
            builder.goal_labels.setdefault(name, label)

    def _goal_texts(self, builder: FormBuilder, texts: list[tuple[int, Cell]]) -> None:
        """Give text cells to the goal labels still waiting (side by side: by column)."""
        pending = builder.pending_goals
        for index, cell in texts:
            if not pending:
                break
            chosen = pending[0]
            for goal in pending:
                if goal[1] <= index:
                    chosen = goal
            builder.set_field(chosen[0], cell)
            if self.trace is not None:
                self.trace.note(cell, "goal", chosen[0])
            pending.remove(chosen)


def _blank_after(row: list[Cell], index: int, items: list[Item], position: int) -> Cell | None:
    """The (blank) cell right after a label whose value is missing, to locate the finding; None at row end."""
    if index + 1 < len(row) and is_blank(row[index + 1]):
        following = items[position + 1] if position + 1 < len(items) else None
        if following is None or following[1] > index + 1:
            return row[index + 1]
    return None


def assemble(rows: list[list[Cell]], path: str, trace: Trace | None = None) -> list[AnyForm]:
    """Turn rows of located cells (any input format) into the forms they hold, in order; `trace` (when given)
    collects what each cell was read as."""
    return Assembler(path, trace=trace).run(rows)


__all__ = ["Assembler", "assemble", "column_role"]
