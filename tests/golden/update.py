"""Write the golden snapshots of the seed forms: one YAML per seed file in tests/golden/ (run after a reviewed change).

Run: .venv/bin/python tests/golden/update.py   (tests/test_text_reader.py compares against these files)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from goallint.model import AnyForm, Cell, DepartmentForm, ProjectForm, Task
from goallint.readers import read_path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
GOAL_CHARS = 30
VALUE_CHARS = 40
PROJECT_FIELDS = ("project_type", "project_level", "department", "spending_unit", "issuer", "period_start",
                  "period_end", "budget", "budget_unit", "period_budget", "period_budget_unit")
DEPARTMENT_FIELDS = ("staff_count", "subunit_count", "basic", "project", "special", "other_development",
                     "appropriation", "other_income", "city_level", "transfer")


def _text(cell: Cell | None, limit: int | None = None) -> str | None:
    if cell is None:
        return None
    return cell.raw[:limit] if limit else cell.raw


def _where(cell: Cell | None) -> str | None:
    if cell is None or cell.span is None:
        return None
    return f"{cell.span.line}:{cell.span.column}"


def _task(task: Task) -> dict[str, Any]:
    return {"name": _text(task.name), "content": _text(task.content, GOAL_CHARS), "amount": _text(task.amount),
            "expected": _text(task.expected, GOAL_CHARS)}


def snapshot_form(form: AnyForm) -> dict[str, Any]:
    """The fields a reviewer checks, as plain data (cells as their raw text; goals cut to 30 characters)."""
    out: dict[str, Any] = {"kind": form.kind, "name": _text(form.name), "at": _where(form.name),
                           "title": _text(form.title), "profile": form.profile, "budget_year": form.budget_year}
    if isinstance(form, ProjectForm):
        for name in PROJECT_FIELDS:
            value = getattr(form, name)
            out[name] = value if isinstance(value, str) else _text(value)
        out["period_goal"] = _text(form.period_goal, GOAL_CHARS)
        out["annual_goal"] = _text(form.annual_goal, GOAL_CHARS)
        out["annual_goal_at"] = _where(form.annual_goal)
        out["approval"] = _text(form.approval, GOAL_CHARS)
    elif isinstance(form, DepartmentForm):
        for name in DEPARTMENT_FIELDS:
            out[name] = _text(getattr(form, name))
        out["overall_goal"] = _text(form.overall_goal, GOAL_CHARS)
        out["tasks"] = [_task(task) for task in form.tasks]
        out["other_tasks"] = [_task(task) for task in form.other_tasks]
    out["indicators"] = [
        [_text(item.level1), _text(item.level2), _text(item.name), _text(item.period_value, VALUE_CHARS),
         _text(item.annual_value, VALUE_CHARS), _where(item.name or item.level2 or item.level1)]
        for item in form.indicators
    ]
    return out


def snapshot(path: Path) -> str:
    result = read_path(path, path.name)
    data = {"file": path.name, "problem": list(result.problem) if result.problem else None,
            "forms": [snapshot_form(form) for form in result.forms]}
    return "# Golden snapshot written by tests/golden/update.py; indicators: [一级, 二级, 三级, 周期值, 年度值, at]\n" + \
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)


def golden_path(seed: Path) -> Path:
    return GOLDEN / (seed.stem + ".yaml")


def main() -> int:
    for seed in SEEDS:
        golden_path(seed).write_text(snapshot(seed), encoding="utf-8")
        print(f"wrote {golden_path(seed).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
