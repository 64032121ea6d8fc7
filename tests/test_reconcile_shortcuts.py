"""The reconcile kind's per-form shortcuts answer as the general code does, on every form of the bundled
examples and the real corpus: `no_cost` and `unquantified` take the cost level's money from the form's
analysis when the arithmetic rules made one (`_cost_money_found`), and the general scan of the cells must
agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from goallint.checks import reconcile
from goallint.checks.support.base import FormContext
from goallint.engine import make_engine
from goallint.model import ProjectForm
from goallint.readers import read_path

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "tests" / "corpus" / "real").rglob("*.txt"))


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_the_analysis_shortcut_agrees_with_the_scan(path: Path) -> None:
    shortcuts: list[str] = []
    engine = make_engine()
    for form in read_path(path).forms:
        profile = engine._profile(form)
        general = FormContext(form=form, profile=profile, vocabularies=engine.vocabularies)
        money, worded = reconcile._has_money(general), reconcile._first_worded(general)
        assert not reconcile._cost_money_found(general)  # no analysis yet: the scan answered
        if not isinstance(form, ProjectForm):
            continue
        analysed = FormContext(form=form, profile=profile, vocabularies=engine.vocabularies,
                               where=reconcile.COST_LEVEL)
        reconcile.analyse(analysed)
        if reconcile._cost_money_found(analysed):
            shortcuts.append(path.name)
            assert money and worded is None
        assert (reconcile._has_money(analysed), reconcile._first_worded(analysed)) == (money, worded)
    SHORTCUTS.extend(shortcuts)


SHORTCUTS: list[str] = []


def test_the_shortcut_was_taken() -> None:
    """The comparison above is not empty: most forms with a money standard take the shortcut."""
    SHORTCUTS.clear()
    for path in FILES:
        test_the_analysis_shortcut_agrees_with_the_scan(path)
    assert len(SHORTCUTS) >= 20 and len(set(SHORTCUTS)) >= 5


def _standards_one_by_one(ctx: FormContext, column: str) -> list[tuple[object, ...]]:
    """Each money amount of each selected cost cell made into a standard on its own (no per-text memo)."""
    out: list[tuple[object, ...]] = []
    for item in ctx.selected():
        filled = item.filled_values
        if not filled:
            continue
        cell = filled[-1 if column == "annual" else 0][1]
        for amount in reconcile.money_of(cell.raw).amounts:
            if reconcile.is_money(amount.unit):
                standard = reconcile.Standard(reconcile._per_event(amount, item.name), item.name, None,
                                              reconcile._name_counts(item.name))
                out.append((standard, cell, item))
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_forms_standards_are_each_amount_made_into_one(path: Path) -> None:
    """`_standards` takes a cost cell's standards from a memo per (raw text, 三级 name): the same as making each."""
    engine = make_engine()
    for _ in range(2):  # the second time from the memo
        for form in read_path(path).forms:
            ctx = FormContext(form=form, profile=engine._profile(form), vocabularies=engine.vocabularies,
                              where=reconcile.COST_LEVEL)
            for column in reconcile.COLUMNS:
                made = [(standard, standard.ref.cell, standard.ref.item)
                        for standard in reconcile._standards(ctx, column)]
                assert made == _standards_one_by_one(ctx, column)
