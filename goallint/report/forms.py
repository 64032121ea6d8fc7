"""What the reviewer's reports (html, xlsx) say of a form besides its findings: its 主管部门 and its budget, and
which cells an arithmetic finding used (a finding of a rule whose message shows the `{arithmetic}` its check
kind worked out)."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from goallint.model import Cell, ProjectForm

if TYPE_CHECKING:
    from collections.abc import Iterable

    from goallint.model import AnyForm
    from goallint.packs import Rule


def shows_arithmetic(rule: Rule) -> bool:
    """Whether a rule's messages show the arithmetic its check kind worked out (`standard × quantities =
    product`): one of its message templates names the `{arithmetic}` fact. Decided by the pack, not by code."""
    check = rule.check
    if not is_dataclass(check):
        return False
    return any(isinstance(value, str) and "{arithmetic}" in value
               for value in (getattr(check, f.name) for f in fields(check) if f.name.startswith("message")))


def arithmetic_codes(rules: Iterable[Rule]) -> frozenset[str]:
    """The codes of the rules whose findings show arithmetic (`shows_arithmetic`)."""
    return frozenset(rule.code for rule in rules if shows_arithmetic(rule))


class FormFacts(NamedTuple):
    department: str
    """主管部门 of a project form; a department form's own 部门名称."""
    budget: str
    """The budget as the form writes it, with its unit (`189.32 万元`), or ''."""
    budget_yuan: Decimal | None
    """The annual budget in 元 when it reads as one amount (sorting, the workbook's number cell)."""


def _text(cell: Cell | None) -> str:
    return cell.raw.strip() if cell is not None and not cell.is_empty else ""


def form_facts(form: AnyForm) -> FormFacts:
    if isinstance(form, ProjectForm):
        from goallint.checks.reconcile import budget_yuan

        budget = _text(form.budget)
        shown = f"{budget} {form.budget_unit}".strip() if budget and form.budget_unit and \
            not budget.endswith(form.budget_unit) else budget
        return FormFacts(_text(form.department), shown, budget_yuan(form))
    return FormFacts(_text(form.name), "", None)


def arithmetic(message: str) -> str:
    """The arithmetic a budget finding shows (`1000元/人/月 × 36人 × 12月 = 432,000元`), or ''."""
    return next((part.strip() for part in re.split(r"[，；]", message) if "×" in part or " = " in part), "")


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def used_cells(form: AnyForm, standard: Cell | None, message: str) -> list[Cell]:
    """The cells an arithmetic finding used: the standard it was reported on, each quantity cell whose value
    the arithmetic multiplies (matched by number and unit in the same column as the standard, else the
    other), and the budget. Time factors (`12月`) stand in no cell."""
    shown = arithmetic(message)
    if not shown:
        return []
    out: list[Cell] = [standard] if standard is not None else []
    left = shown.split("=")[0].split("≤")[0].split("≥")[0].split("<")[0].split(">")[0]
    factors = [f.strip(" ()（）") for f in re.split(r"[×+]", left)][1:]
    rows = [(ind.annual_value, ind.period_value) for ind in form.indicators]
    in_annual = any(standard is not None and annual is standard for annual, _ in rows)
    columns = [0, 1] if in_annual or standard is None else [1, 0]
    for factor in factors:
        number = _NUMBER.search(factor)
        if number is None:
            continue
        unit = factor[number.end():].strip()
        for column in columns:
            found = [cell for cell in (row[column] for row in rows) if cell is not None and cell is not standard
                     and _counts(cell, number.group(), unit)]
            if found:
                out.extend(cell for cell in found if all(cell is not seen for seen in out))
                break
    if isinstance(form, ProjectForm) and form.budget is not None and not form.budget.is_empty:
        out.append(form.budget)
    return out


def _counts(cell: Cell, number: str, unit: str) -> bool:
    """Whether a cell's value is the quantity `number unit` (`23名党建组织员` is `23名`)."""
    text = cell.raw.replace(" ", "").lstrip("≥≤<>约=")
    for prefix in ("不少于", "不低于", "不超过", "不高于", "大于", "小于"):
        text = text.removeprefix(prefix)
    plain = number.replace(",", "")
    return (text.startswith(number + unit) or text.startswith(plain + unit)) and not \
        text[len(plain) + len(unit):len(plain) + len(unit) + 1].isdigit()
