"""Walk rows of located cells, split them into forms and fill ProjectForm / DepartmentForm.

Format-agnostic: text rows and Excel sheet rows are both `list[list[Cell]]`. Labels are recognised through
the vocabulary (labels.yaml and the profiles), never by line position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from goallint.layout.cells import sub_cell
from goallint.layout.indicators import IndicatorTable, header_layout
from goallint.layout.profile import detect_profile, repair_levels
from goallint.layout.tasks import DEFAULT_COLUMNS, is_task_label, read_task, task_header
from goallint.layout.vocab import FormKind, Vocabulary, cell_key, is_blank, key_of, vocabulary
from goallint.model import AnyForm, Cell, DepartmentForm, ProjectForm, Span, Task, build

_SPLIT = re.compile(r"[:：]|\s+")
_WAN_HEADING = re.compile(r"[（(]\s*万\s*元\s*[)）]")
_YEARS = re.compile(r"(\d{4})\s*年?\s*[-—–~至到]+\s*(\d{4})")
_MARKUP = re.compile(r"<[^>]{0,80}>|[#*`$\\]|\s+")
SECTION_KEY = "绩效"
"""`绩效指标` as keyed: the indicator table's row label (also the cell a goal text gets pushed next to)."""
GOALS = ("period_goal", "annual_goal")
Item = tuple[str, int, Cell, str]
"""(kind, column, cell, field): kind `label` (field set), `text`, or `structural`."""


@dataclass
class FormBuilder:
    """The fields of one form as they are found."""

    kind: FormKind
    path: str
    vocab: Vocabulary
    title: Cell | None = None
    span: Span | None = None
    budget_year: int | None = None
    fields: dict[str, Cell] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    pending_goals: list[tuple[str, int]] = field(default_factory=list)
    table: IndicatorTable | None = None
    section: str = "header"
    """Where the walk is: `header`, `tasks`, `other_tasks` or `indicators`."""
    task_columns: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    tasks: list[Task] = field(default_factory=list)
    other_tasks: list[Task] = field(default_factory=list)

    def note_span(self, cell: Cell) -> None:
        if self.span is None:
            self.span = cell.span

    def set_year(self, year: int | None) -> None:
        if self.budget_year is None and year is not None and 1990 <= year <= 2100:
            self.budget_year = year

    def set_field(self, name: str, cell: Cell) -> None:
        if name not in self.fields or (is_blank(self.fields[name]) and not is_blank(cell)):
            self.fields[name] = cell

    def indicator_table(self) -> IndicatorTable:
        if self.table is None:
            self.table = IndicatorTable(self.vocab)
        return self.table

    def build(self) -> AnyForm:
        indicators = self.table.indicators if self.table is not None else []
        common = {"path": self.path, "span": self.span, "title": self.title, "budget_year": self.budget_year,
                  "indicators": indicators}
        form: AnyForm
        if self.kind == "department":
            form = build(DepartmentForm, **common, **self.fields, tasks=self.tasks, other_tasks=self.other_tasks)
        else:
            units = {f"{name}_unit": unit for name, unit in self.units.items()}
            form = build(ProjectForm, **common, **self.fields, **units)
        two_sided = self.table is not None and self.table.two_sided
        form.profile = detect_profile(form, two_sided)
        if self.table is not None:
            repair_levels(form, self.table.own_level1)
        return form


@dataclass
class Assembler:
    path: str
    vocab: Vocabulary = field(default_factory=vocabulary)
    forms: list[FormBuilder] = field(default_factory=list)

    @property
    def current(self) -> FormBuilder | None:
        return self.forms[-1] if self.forms else None

    def start(self, kind: FormKind, cell: Cell | None = None) -> FormBuilder:
        builder = FormBuilder(kind, self.path, self.vocab)
        if cell is not None:
            builder.title = cell
            builder.note_span(cell)
        self.forms.append(builder)
        return builder

    def run(self, rows: list[list[Cell]]) -> list[AnyForm]:
        for row in rows:
            # `is_blank`, inlined: this runs for every cell the reader makes
            filled = [(index, cell) for index, cell in enumerate(row) if cell.raw and not cell.raw.isspace()]
            if filled:
                self.row(row, filled)
        return [builder.build() for builder in self.forms if _is_form(builder)]

    def row(self, row: list[Cell], filled: list[tuple[int, Cell]]) -> None:
        vocab = self.vocab
        distinct = {cell.raw for _, cell in filled}
        first_key = cell_key(filled[0][1])
        if len(distinct) == 1:
            kind = vocab.title_kind(first_key)
            if kind is not None:
                self.start(kind, filled[0][1])
                return
            year = vocab.year_line.match(_squeeze(filled[0][1].raw))
            if year is not None:
                if self.current is None:
                    self.start("project")
                self.current.set_year(int(year.group(1)))  # type: ignore[union-attr]
                return
        builder = self.current
        starter = self._starter(first_key)
        if starter is not None:
            if builder is None or "name" in builder.fields or builder.section != "header":
                builder = self.start(starter)
            else:
                builder.kind = starter  # the 名称 label decides over a title
        if builder is None:
            builder = self.start("project")
        layout = header_layout(filled, vocab)
        if layout is not None:
            builder.section = "indicators"
            builder.pending_goals.clear()
            builder.indicator_table().set_layout(layout)
            return
        if builder.kind == "department":
            columns = task_header(row, vocab)
            if columns is not None:
                builder.task_columns = columns
                if builder.section not in ("tasks", "other_tasks"):
                    builder.section = "tasks"
                return
        if builder.section in ("tasks", "other_tasks") and self._task_row(builder, row, filled):
            return
        if builder.section == "indicators" and vocab.field(builder.kind, first_key) is None:
            builder.indicator_table().add_row(row)
            return
        if first_key == SECTION_KEY and not builder.pending_goals and len(filled) > 1:
            builder.section = "indicators"
            builder.indicator_table().add_row(row)
            return
        self.label_row(builder, row, filled)

    def _starter(self, key: str) -> FormKind | None:
        match = self.vocab.field("project", key)
        if match is not None and match[0] == "name":
            return "project"
        match = self.vocab.field("department", key)
        if match is not None and match[0] == "name":
            return "department"
        return None

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
        return True

    def items(self, builder: FormBuilder, filled: list[tuple[int, Cell]]) -> list[Item]:
        """Classify a row's non-blank cells; split `标签：内容` / `标签 内容` cells into a label and its text."""
        items: list[Item] = []
        for position, (index, cell) in enumerate(filled):
            key = cell_key(cell)
            match = self.vocab.field(builder.kind, key)
            if match is not None:
                builder.set_year(match[1])
                items.append(("label", index, cell, match[0]))
                continue
            if key in self.vocab.structural or key == SECTION_KEY:
                items.append(("structural", index, cell, ""))
                continue
            if position == 0 or items[-1][0] == "label":
                split = self._split(builder, cell)
                if split is not None:
                    items.extend((kind, index, part, name) for kind, part, name in split)
                    continue
            items.append(("text", index, cell, ""))
        return items

    def _split(self, builder: FormBuilder, cell: Cell) -> list[tuple[str, Cell, str]] | None:
        raw = cell.raw
        for separator in _SPLIT.finditer(raw[:40]):
            head = raw[: separator.start()]
            match = self.vocab.field(builder.kind, key_of(head)) if head.strip() else None
            if match is None:
                continue
            rest = raw[separator.end():]
            if not rest.strip():
                return None
            builder.set_year(match[1])
            begin = separator.end() + len(rest) - len(rest.lstrip())
            return [("label", sub_cell(cell, 0, separator.start()), match[0]),
                    ("text", sub_cell(cell, begin, len(raw.rstrip())), "")]
        return None

    def label_row(self, builder: FormBuilder, row: list[Cell], filled: list[tuple[int, Cell]]) -> None:
        """A row of labels and their values (header fields, goals, the approval)."""
        items = self.items(builder, filled)
        if builder.section == "indicators" and items and items[0][0] == "label":
            builder.section = "header"
        consumed: set[int] = set()
        for position, (kind, index, cell, name) in enumerate(items):
            if kind != "label":
                continue
            builder.note_span(cell)
            following = items[position + 1] if position + 1 < len(items) else None
            value = following[2] if following is not None and following[0] == "text" else None
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
                value = _blank_after(row, index, items, position)
            if value is not None:
                builder.set_field(name, value)
                if name in ("budget", "period_budget"):
                    # the unit is in the label (`预算金额（万元）`) or in a heading cell before it on the row
                    # (`项目资金(万元) ⇥ 年度资金总额 ⇥ 120`)
                    wan = "万元" in "".join(cell.raw.split()) or any(
                        _WAN_HEADING.search(item[2].raw) for item in items[:position])
                    builder.units[name] = "万元" if wan else "元"
        texts = [(index, cell) for position, (kind, index, cell, _) in enumerate(items)
                 if kind == "text" and position not in consumed]
        if texts and builder.pending_goals:
            self._goal_texts(builder, texts)

    def _goal_label(self, builder: FormBuilder, name: str, index: int, label: Cell, value: Cell | None) -> None:
        if name == "goal_section":
            if value is None:
                return
            name = "period_goal"  # 总体绩效目标 with its text right there: the form's one goal
        if name == "period_goal":
            years = _YEARS.search(label.raw)
            if years is not None:
                builder.set_field("period_start", sub_cell(label, years.start(1), years.end(1)))
                builder.set_field("period_end", sub_cell(label, years.start(2), years.end(2)))
        if value is not None:
            builder.set_field(name, value)
        elif name not in builder.fields:
            builder.pending_goals.append((name, index))

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
            pending.remove(chosen)

def _blank_after(row: list[Cell], index: int, items: list[Item], position: int) -> Cell | None:
    """The (blank) cell right after a label whose value is missing, to locate the finding; None at row end."""
    if index + 1 < len(row) and is_blank(row[index + 1]):
        following = items[position + 1] if position + 1 < len(items) else None
        if following is None or following[1] > index + 1:
            return row[index + 1]
    return None


def _squeeze(raw: str) -> str:
    """The raw text without spaces or markup, parentheses kept (for `（ 2020 年度）`)."""
    return _MARKUP.sub("", raw)


def _is_form(builder: FormBuilder) -> bool:
    """A builder that found a name or any field beyond its title and goals (a lone title line, or a goal table
    of another kind of document, is no form: the file then gets GL001)."""
    return any(name not in GOALS for name in builder.fields) or \
        (builder.table is not None and bool(builder.table.indicators)) or bool(builder.tasks)


def assemble(rows: list[list[Cell]], path: str) -> list[AnyForm]:
    """Turn rows of located cells (any input format) into the forms they hold, in order."""
    return Assembler(path).run(rows)
