"""The data-driven rule tests: every `tests/cases/GLxxx.yaml` case, run with only its rule selected."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from goallint.engine import Input, make_engine

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("GL*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = data["rule"]
        for index, case in enumerate(data.get("cases") or []):
            name = case.get("name", f"case {index}")
            params.append(pytest.param(rule, case, id=f"{rule}-{index}-{name}"))
    return params


CASES = _load_cases()


def _matches(diagnostic: dict[str, Any], spec: dict[str, Any]) -> bool:
    """Each key's text is in the finding's; `related: N` asks for N other cells named by the finding."""
    return all(len(diagnostic.get("related", [])) == value if key == "related" else
               str(value) in str(diagnostic.get(key, "")) for key, value in spec.items())


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_rule_case(rule: str, case: dict[str, Any], tmp_path: Path) -> None:
    document = {"forms": case["forms"]} if "forms" in case else case["form"]
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    engine = make_engine(select=[rule, "GL001", "GL002"], profile=case.get("profile"))
    report = engine.run([Input(str(path), path)])
    assert not report.errors, report.errors
    found = [asdict(d) for d in report.diagnostics]
    problems = [d for d in found if d["code"] in ("GL001", "GL002") and d["code"] != rule]
    assert not problems, f"the case form could not be read: {problems}"
    mine = [d for d in found if d["code"] == rule]
    shown = "\n".join(f"  {d['field']}: {d['message']}" for d in mine)
    expect = case["expect"]
    if isinstance(expect, int):
        assert len(mine) == expect, f"{rule} reported {len(mine)} finding(s), expected {expect}:\n{shown}"
        return
    assert len(mine) == len(expect), f"{rule} reported {len(mine)} finding(s), expected {len(expect)}:\n{shown}"
    unmatched = list(mine)
    for spec in expect:
        hit = next((d for d in unmatched if _matches(d, spec)), None)
        assert hit is not None, f"no {rule} finding matches {spec}:\n{shown}"
        unmatched.remove(hit)


def test_every_case_file_names_its_rule_and_has_both_outcomes() -> None:
    for path in sorted(CASES_DIR.glob("GL*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] == path.stem, f"{path.name}: rule {data['rule']} does not match the file name"
        expects = [case["expect"] for case in data["cases"]]
        assert any(e == 0 for e in expects), f"{path.name}: needs a passing case (expect: 0)"
        assert any(e != 0 for e in expects), f"{path.name}: needs a failing case"
