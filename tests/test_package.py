"""The package's data folders are found, and the console script answers."""

from __future__ import annotations

from click.testing import CliRunner

from goallint.cli import main
from goallint.profiles import get_profile, profiles
from goallint.resources import data_dir


def test_data_folders_exist() -> None:
    assert (data_dir("rules") / "profiles").is_dir()
    assert data_dir("grammar").is_dir()


def test_profiles_load_and_resolve_levels() -> None:
    assert set(profiles()) >= {"dg2025", "legacy", "dg2019"}
    dg2019 = get_profile("dg2019")
    assert dg2019.level2_key("数量指标（或建筑规模指标）") == ("output", "quantity")
    assert dg2019.rules["GL209"] == "off"
    assert get_profile("dg2025").level1_key("成本指标") == "cost"


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "0.1.0" in result.output
