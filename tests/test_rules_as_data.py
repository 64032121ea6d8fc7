"""Rules as data: a rule's wording is in its pack, a check kind computes facts and fills the placeholders.

The table of placeholders in the README is the one the kinds declare (`PLACEHOLDERS` in each kind's module),
so a pack author reads what the loader will accept; the kinds name no rule code and build no message of their
own words (the loader's refusal of unknown and missing placeholders is in test_hostile_packs.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from goallint.checks import KINDS

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "goallint" / "checks"
_HAN = re.compile(r"[\u4e00-\u9fff]")


def placeholder_table() -> str:
    """The README's table, from the kinds' `PLACEHOLDERS` (tests of one kind with the same keys share a row)."""
    rows = ["| kind | test / report | message keys: placeholders |", "|---|---|---|"]
    for kind, module in sorted(KINDS.items()):
        placeholders = getattr(module, "PLACEHOLDERS", None)
        if placeholders is None:
            continue
        per_test = all(isinstance(keys, dict) for keys in placeholders.values())
        grouped: dict[str, list[str]] = {}
        for test, keys in placeholders.items() if per_test else [("", placeholders)]:
            cells = "; ".join(f"`{key}`: " + (" ".join(f"`{{{name}}}`" for name in names) or "none")
                              for key, names in keys.items())
            grouped.setdefault(cells, []).append(f"`{test}`" if test else "")
        rows += [f"| `{kind}` | {', '.join(tests)} | {cells} |" for cells, tests in grouped.items()]
    return "\n".join(rows) + "\n"


def test_the_readme_lists_the_placeholders_each_kind_fills() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert placeholder_table() in readme, "README: paste tests/test_rules_as_data.py:placeholder_table() output"


def test_every_kind_but_input_declares_its_messages() -> None:
    assert {kind for kind, module in KINDS.items() if not hasattr(module, "PLACEHOLDERS")} == {"input"}


def test_no_check_module_names_a_rule_code() -> None:
    for path in sorted(CHECKS.glob("*.py")):
        found = re.findall(r"GL\d{3}|GL\dxx", path.read_text(encoding="utf-8"))
        assert not found, f"{path.name}: {found}"


def _has_words(node: ast.AST) -> bool:
    """Chinese text written in Python inside `node` (a literal or an f-string's literal parts)."""
    return any(isinstance(part, ast.Constant) and isinstance(part.value, str) and _HAN.search(part.value)
               for part in ast.walk(node))


def test_no_check_module_words_a_finding() -> None:
    """A finding's message (and a fix's) comes from a template of the rule: never a Chinese literal here."""
    for path in sorted(CHECKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in ("Finding", "_finding", "_fix") and node.args:
                message = node.args[-1] if name == "_fix" else node.args[0] if name == "Finding" else node.args[2]
                assert not _has_words(message), f"{path.name}:{node.lineno}: {ast.unparse(message)}"
