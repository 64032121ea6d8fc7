"""The package's data folders are found, and the console script answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from goallint.cli import main
from goallint.plumbing.resources import data_dir
from goallint.profiles import get_profile, profiles


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


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    form = Path(__file__).resolve().parents[1] / "examples" / "000_9fd6cdad8612f9fc.txt"
    args = ["check", "--isolated", "--no-progress", "--format", "concise", str(form)]
    done = subprocess.run([sys.executable, "-m", "goallint", *args], capture_output=True, text=True,
                          cwd=tmp_path, check=False, timeout=120)
    assert done.returncode == 1 and "GL" in done.stdout
    assert done.stdout == CliRunner().invoke(main, args).stdout
    usage = subprocess.run([sys.executable, "-m", "goallint", "--help"], capture_output=True, text=True,
                           cwd=tmp_path, check=False, timeout=120)
    assert usage.returncode == 0 and usage.stdout.startswith("Usage: goallint ")
