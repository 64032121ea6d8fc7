"""The README's worked example: a bureau's own pack (docs/bureau/) found through its goallint.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from goallint.cli import main

ROOT = Path(__file__).resolve().parent.parent
BUREAU = ROOT / "docs" / "bureau"
SEED_000 = ROOT / "examples" / "000_9fd6cdad8612f9fc.txt"


@pytest.fixture(autouse=True)
def _in_bureau(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BUREAU)


def test_the_bureau_rules_run_from_the_discovered_config() -> None:
    result = CliRunner().invoke(main, ["check", "--no-progress", "--select", "GL8", "--format", "json",
                                       str(SEED_000)])
    assert result.exit_code == 0, result.stderr  # a warning and infos only: below --fail-on error
    found = json.loads(result.stdout)["diagnostics"]
    share = [d for d in found if d["code"] == "GL801"]
    assert [d["form"] for d in share] == ["东莞市清溪镇党建和组织人事办公室"]
    assert "574.11万元" in share[0]["message"]
    big = {d["form"]: d["message"] for d in found if d["code"] == "GL802"}
    assert set(big) == {"党建组织员工资补贴", "村两委干部补贴", "村党组织服务群众经费", "清溪镇党委党校升级改造一期工程专项经费"}
    assert all("100 万元" in message for message in big.values())


def test_rule_and_rules_see_the_config_packs() -> None:
    runner = CliRunner()
    explained = runner.invoke(main, ["rule", "GL801"])
    assert explained.exit_code == 0 and "规则包 bureau" in explained.stdout
    listed = runner.invoke(main, ["rules", "--json"])
    assert {"GL801", "GL802"} <= {row["code"] for row in json.loads(listed.stdout)}
    isolated = runner.invoke(main, ["rule", "GL801", "--isolated"])
    assert isolated.exit_code == 2 and "未知的规则" in isolated.stderr


def test_walking_the_repository_skips_its_own_rule_packs() -> None:
    """docs/bureau/packs/bureau.yaml is a .yaml file in the walked folder, but it is the config's pack, no form."""
    result = CliRunner().invoke(main, ["check", "--no-progress", "--format", "json", "."])
    assert result.exit_code == 2, result.stdout + result.stderr  # no form file at all: said, not a clean pass
    assert "没有找到表格文件" in result.stderr and result.stdout == ""
