"""The registry of check kinds: one explicit table, kind name → module (a new kind is one line here)."""

from __future__ import annotations

from types import ModuleType

import goallint.checks.assert_ as assert_
import goallint.checks.blank as blank
import goallint.checks.breakdown as breakdown
import goallint.checks.copies as copies
import goallint.checks.deadline as deadline
import goallint.checks.echo as echo
import goallint.checks.goal_counts as goal_counts
import goallint.checks.group as group
import goallint.checks.input_problem as input_problem
import goallint.checks.levels as levels
import goallint.checks.markup as markup
import goallint.checks.names as names
import goallint.checks.pair as pair
import goallint.checks.period as period
import goallint.checks.reconcile as reconcile
import goallint.checks.required as required
import goallint.checks.task_costs as task_costs
import goallint.checks.tasks as tasks
import goallint.checks.unique as unique
import goallint.checks.value as value

KINDS: dict[str, ModuleType] = {
    "assert": assert_,
    "blank": blank,
    "breakdown": breakdown,
    "copies": copies,
    "deadline": deadline,
    "echo": echo,
    "goal_counts": goal_counts,
    "group": group,
    "input": input_problem,
    "levels": levels,
    "markup": markup,
    "names": names,
    "pair": pair,
    "reconcile": reconcile,
    "period": period,
    "required": required,
    "task_costs": task_costs,
    "tasks": tasks,
    "unique": unique,
    "value": value,
}
"""Every check kind. Each module has `Params` (with `kind: Literal[<name>]`) and `run(params, ctx)`;
group kinds also `summarize(params, ctx)` and `run_group(params, summaries)`."""
