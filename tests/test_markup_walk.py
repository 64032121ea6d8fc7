"""The markup kind's one walk per form (cells noted with the defects they may have, detector facts remembered
per text) finds exactly what looking at every cell of every rule's groups, one by one, finds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.checks import markup
from goallint.checks.support import markup_text as text
from goallint.checks.support.base import Finding, FormContext, Selector
from goallint.checks.support.fields import FIELD_LABELS
from goallint.engine import make_engine
from goallint.model import Cell, DepartmentForm, DerivedCell, Indicator, ProjectForm, Span, Task
from goallint.profiles import get_profile

PIECES = ["≥", "95", "%", "$\\geq$", "<b>", "</b>", "**", "。", ".", "＞＝", "９", " ", "\u200b", "\ufeff", "次",
          "项目", "满意度", "\\%", "~", "12", "万元", "≤", "<br/>", "，"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=5).map("".join)
GROUPS = ["header", "texts", "tasks", "levels", "names", "values"]


@st.composite
def cells(draw: Any, line: int) -> Cell | None:
    """A cell on `line` (or at one of a few shared spans, as carried-down and derived cells are), or none."""
    if draw(st.integers(0, 5)) == 0:
        return None
    raw = draw(TEXTS)
    column = draw(st.sampled_from([1, 3, 5]))
    shared = draw(st.booleans())
    span = Span(line=1 if shared else line, column=column, end_line=1 if shared else line,
                end_column=column + len(raw), start=None if shared else line * 100 + column,
                end=None if shared else line * 100 + column + len(raw))
    kind = DerivedCell if draw(st.integers(0, 4)) == 0 else Cell
    return kind(raw, span if draw(st.integers(0, 6)) else None)


@st.composite
def forms(draw: Any) -> ProjectForm | DepartmentForm:
    line = iter(range(2, 10_000))
    rows: list[Indicator] = []
    above: Indicator | None = None
    for _ in range(draw(st.integers(0, 6))):
        carry = above is not None and draw(st.booleans())
        rows.append(Indicator(level1=above.level1 if carry and above else draw(cells(next(line))),
                              level2=above.level2 if carry and above else draw(cells(next(line))),
                              name=draw(cells(next(line))), period_value=draw(cells(next(line))),
                              annual_value=draw(cells(next(line)))))
        above = rows[-1]
    if draw(st.booleans()):
        return ProjectForm(title=draw(cells(next(line))), name=draw(cells(next(line))),
                           budget=draw(cells(next(line))), annual_goal=draw(cells(next(line))), indicators=rows)
    tasks = [Task(name=draw(cells(next(line))), amount=draw(cells(next(line))))
             for _ in range(draw(st.integers(0, 2)))]
    return DepartmentForm(name=draw(cells(next(line))), overall_goal=draw(cells(next(line))), tasks=tasks,
                          other_tasks=tasks[:1], indicators=rows)


def _one_by_one(params: markup.Params, ctx: FormContext) -> list[Finding]:
    """Every cell of the rule's groups, each once by its place, each asked of the detector directly."""
    form, groups = ctx.form, params.cells
    places: list[tuple[str, Cell, Any]] = []

    def add(group: str, cell: Cell | None, where: Any) -> None:
        if group in groups and cell is not None and not cell.is_empty:
            places.append((group, cell, where))

    add("header", form.title, "标题")
    for group, names in (("header", markup.HEADER_FIELDS), ("texts", markup.TEXT_FIELDS)):
        for name in names:
            value = getattr(form, name, None)
            add(group, value if isinstance(value, Cell) else None, FIELD_LABELS.get(name, name))
    if isinstance(form, DepartmentForm):
        for title, tasks in (("年度重点工作任务", form.tasks), ("其他任务", form.other_tasks)):
            for number, task in enumerate(tasks, 1):
                for key, label in markup.TASK_LABELS.items():
                    add("tasks", getattr(task, key), f"{title}{number}/{label}")
    for item in ctx.selected():
        add("levels", item.indicator.level1, item)
        add("levels", item.indicator.level2, item)
        add("names", item.indicator.name, item)
        for _, cell in item.value_cells(ctx.where.columns):
            add("values", cell, item)
    seen: set[object] = set()
    out = []
    detect = {"ocr": text.ocr, "html": text.html, "masked": text.masked, "punctuation": text.punctuation,
              "symbol": text.symbol, "space": text.space, "invisible": text.invisible}[params.defect]
    for group, cell, where in places:
        span = cell.span
        key = (span.line, span.column, span.end_line, span.end_column, span.ref) if span else (id(cell),)
        if key in seen:
            continue
        seen.add(key)
        facts = detect(group, cell)
        if facts is None:
            continue
        label, named = markup._named(params, group, cell, where)  # type: ignore[arg-type]
        template = params.message_values if group == "values" and params.message_values else params.message
        fixed = facts.fixed
        fix = markup._fix(cell, fixed, str(params.fix_message).format(fixed=text.clip(fixed))) \
            if fixed is not None else None
        said = {"cell": named, "found": facts.found, "fixed": facts.shown,
                "name": where if isinstance(where, str) else where.name, "text": text.clip(cell.raw.strip())}
        out.append(Finding(template.format_map(said), cell, label, fix, facts=said))
    return out


RULES = [rule for rule in make_engine().rules if rule.kind == "markup"]


@settings(max_examples=150, deadline=None)
@given(forms(), st.sampled_from(GROUPS), st.booleans())
def test_each_markup_rule_finds_what_looking_at_every_cell_finds(form: ProjectForm | DepartmentForm,
                                                                  extra: str, narrowed: bool) -> None:
    ctx = FormContext(form=form, profile=get_profile("dg2025"))
    assert RULES
    for rule in RULES:
        params = rule.check
        if extra not in params.cells and extra not in ("levels", "names", "values"):
            params = markup.Params(**{**params.__dict__, "cells": [*params.cells, extra]})
        # the shared walk (every indicator, both columns), or a rule's own (a narrower `where`)
        ctx.where = Selector(columns=["annual"]) if narrowed else Selector()
        assert list(markup.run(params, ctx)) == _one_by_one(params, ctx), rule.code
        assert list(markup.run(params, ctx)) == _one_by_one(params, ctx), rule.code  # remembered: the same


def _defects(form: ProjectForm | DepartmentForm, non_empty: bool) -> set[str]:
    """The defects `defects_in` names for the form's cells, each in its group (only the non-empty ones, which
    a walk can note, or all)."""
    groups: list[tuple[str, Cell | None]] = [("header", form.title)]
    groups += [("header", getattr(form, name, None)) for name in markup.HEADER_FIELDS]
    groups += [("texts", getattr(form, name, None)) for name in markup.TEXT_FIELDS]
    if isinstance(form, DepartmentForm):
        groups += [("tasks", getattr(task, key)) for task in (*form.tasks, *form.other_tasks)
                   for key in markup.TASK_LABELS]
    for row in form.indicators:
        groups += [("levels", row.level1), ("levels", row.level2), ("names", row.name),
                   ("values", row.period_value), ("values", row.annual_value)]
    return {defect for group, cell in groups if isinstance(cell, Cell) and (cell.raw.strip() or not non_empty)
            for defect in text.defects_in(cell.raw, group)}


@settings(max_examples=200, deadline=None)
@given(forms())
def test_the_defects_a_form_may_have_hold_every_cells(form: ProjectForm | DepartmentForm) -> None:
    """`_possible` (its labels' part remembered per form labels) names every defect a non-empty cell may have,
    and no other: a form whose only marked cells are its labels is walked too."""
    for _ in range(2):
        found = markup._possible(FormContext(form=form, profile=get_profile("dg2025")))
        assert _defects(form, non_empty=True) <= found <= _defects(form, non_empty=False)
