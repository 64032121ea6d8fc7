"""Which staged files the pre-commit hooks hand to goallint (the `files`/`exclude` patterns of
.pre-commit-hooks.yaml, matched as pre-commit matches them: re.search on the repository-relative path)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

HOOKS = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text("utf-8"))

FORMS = ["forms/2025/党建组织员工资补贴.txt", "a.TSV", "forms/x.yaml", "x.yml", "forms/x.json", "budget/表.xlsx",
         "received/批复表.PDF", "received/申报表.docx", "old/表.xls", "web/公开.html", "web/公开.htm"]
NOT_FORMS = [".github/workflows/ci.yml", "goallint.yaml", "sub/.goallint.yaml", "goallint-baseline.yaml",
             ".pre-commit-config.yaml", "requirements.txt", "ci/requirements-dev.txt", "LICENSE.txt",
             "package.json", "web/package-lock.json", "tsconfig.json", "mkdocs.yml", "docker-compose.yaml",
             "forms/.drafts/x.txt", "README.md", "bench/run.py"]


def linted(hook: dict[str, str], path: str) -> bool:
    return bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)


@pytest.mark.parametrize("hook", HOOKS, ids=[hook["id"] for hook in HOOKS])
def test_forms_are_handed_over_and_project_files_are_not(hook: dict[str, str]) -> None:
    assert [path for path in FORMS if not linted(hook, path)] == []
    assert [path for path in NOT_FORMS if linted(hook, path)] == []


def test_both_hooks_take_the_same_files() -> None:
    assert len({(hook["files"], hook["exclude"]) for hook in HOOKS}) == 1
    assert [hook["id"] for hook in HOOKS] == ["goallint", "goallint-fix"]


def test_every_kind_the_readers_read_is_handed_over() -> None:
    from goallint.readers import FORM_SUFFIXES

    assert [suffix for suffix in FORM_SUFFIXES if not linted(HOOKS[0], f"forms/a{suffix}")] == []
