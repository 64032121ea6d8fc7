"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real `pre-commit` tool on real `git commit`s.

pre-commit installs this checkout the way `pre-commit try-repo` does: HEAD plus the staged and modified
tracked files, committed in a shadow clone (so uncommitted work is tried, new untracked files are not).
One hook environment is built (a pip install, 15-35 s) and shared by both hooks and every commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "structured" / "党建组织员工资补贴.yaml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(home), NO_COLOR="1", GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    return env


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def shadow_of_this_checkout(env: dict[str, str], folder: Path) -> str:
    """Clone this checkout and commit its uncommitted tracked changes there (what try-repo does); its HEAD."""
    assert run(env, ROOT, "git", "rev-parse", "HEAD").returncode == 0, "not a git checkout"
    run(env, folder.parent, "git", "clone", "-q", str(ROOT), str(folder)).check_returncode()
    changes = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=ROOT, env=env, capture_output=True,
                             check=True).stdout
    if changes:
        subprocess.run(["git", "apply", "--binary", "-"], cwd=folder, env=env, input=changes, check=True)
        run(env, folder, "git", "add", "-A").check_returncode()  # new files too, not only the changed ones
        run(env, folder, "git", "-c", "commit.gpgsign=false", "commit", "-qm", "uncommitted changes").check_returncode()
    return run(env, folder, "git", "rev-parse", "HEAD").stdout.strip()


def commit(env: dict[str, str], repo: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    run(env, repo, "git", "add", *paths).check_returncode()
    return run(env, repo, "git", "-c", "commit.gpgsign=false", "commit", "-m", "forms")


def test_the_hooks_refuse_a_form_with_an_error_fix_markup_and_accept_a_clean_form(tmp_path: Path) -> None:
    env = environment(tmp_path / "pre-commit-home")
    rev = shadow_of_this_checkout(env, tmp_path / "goallint")
    repo = tmp_path / "forms"
    repo.mkdir()
    run(env, repo, "git", "init", "-q").check_returncode()
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tmp_path / 'goallint'}\n    rev: {rev}\n    hooks:\n      - id: goallint-fix\n"
        "      - id: goallint\n",
        encoding="utf-8")
    run(env, repo, sys.executable, "-m", "pre_commit", "install").check_returncode()
    (repo / "goallint.yaml").write_text("fail-on: error\n", encoding="utf-8")  # a config file: not a form
    (repo / "notes.md").write_text("not a form\n", encoding="utf-8")
    form = repo / "党建.yaml"
    marked = SEED.read_text(encoding="utf-8").replace("工作考核达标率, period: ≥95%, annual: ≥95%",
                                                      "工作考核达标率, period: ≥95%, annual: $\\geq 95\\%$")
    assert marked != SEED.read_text(encoding="utf-8")
    form.write_text(marked, encoding="utf-8")

    refused = commit(env, repo, ".")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "goallint" in output and "Failed" in output
    assert "党建.yaml:21:80: GL401 [错误] 【党建组织员工资补贴】" in output and "1 个文件" in output  # only the form was linted
    assert "files were modified by this hook" in output  # goallint-fix rewrote the markup in place
    assert form.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")
    assert run(env, repo, "git", "rev-parse", "--verify", "-q", "HEAD").returncode != 0  # nothing committed

    form.write_text(SEED.read_text(encoding="utf-8").replace("budget: 1893200", "budget: 2369000"),
                    encoding="utf-8")
    accepted = commit(env, repo, ".")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr
    assert run(env, repo, "git", "log", "--format=%s").stdout.split() == ["forms"]
