"""`goallint init`: a commented starter goallint.yaml that the config loader and `goallint check` accept."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_engine import write_form

from goallint.cli import main
from goallint.config import Config, load_config

EXAMPLE = re.compile(r"^# ([a-z-]+): (.+)$")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def keys() -> set[str]:
    return {item.metadata.get("alias", item.name) for item in fields(Config) if item.name != "path"}


def test_init_writes_a_config_that_loads_and_check_uses(folder: Path) -> None:
    status, _, err = run("init")
    assert status == 0 and "已写入 goallint.yaml" in err
    text = (folder / "goallint.yaml").read_text(encoding="utf-8")
    config = load_config()
    assert config.path == str(folder / "goallint.yaml") and config.fail_on == "error"
    assert replace(config, path="") == Config(fail_on="error")
    for key in keys():  # every key is there, set or as a commented example, with a comment above it
        line = re.search(rf"^(?:# )?{key}: ", text, re.MULTILINE)
        assert line is not None, key
        assert text[:line.start()].rstrip("\n").rsplit("\n", 1)[-1].startswith("#"), key
    write_form(folder, "form.yaml")
    status, out, err = run("check", "--no-progress", "--format", "concise", ".")
    assert status == 0 and "（1 个文件，1 张表）" in out, err  # goallint.yaml itself is not read as a form
    assert out == run("check", "--isolated", "--no-progress", "--format", "concise", ".")[1]  # the defaults


def test_the_commented_examples_are_valid_too(folder: Path) -> None:
    run("init")
    examples = {}
    for line in (folder / "goallint.yaml").read_text(encoding="utf-8").splitlines():
        match = EXAMPLE.match(line)
        if match and match.group(1) in keys():
            examples.update(yaml.safe_load(f"{match.group(1)}: {match.group(2)}"))
    assert set(examples) == keys() - {"fail-on"}  # fail-on's values are listed in its comment
    write_form(folder, "form.yaml", indicators=[{"level1": "产出指标", "level2": "数量指标", "name": "数量",
                                                  "annual": "有效提升"}])
    (folder / "goallint-rules").mkdir()
    (folder / "goallint.yaml").write_text(yaml.safe_dump(examples, allow_unicode=True), encoding="utf-8")
    assert load_config().severity == {"GL303": "info", "GL9": "warning"}
    assert run("check", "--format", "concise", ".")[0] == 2  # the baseline it names is not written yet
    assert run("check", "--write-baseline", "goallint-baseline.yaml", ".")[0] == 0
    status, out, err = run("check", "--no-progress", "--format", "concise", ".")
    assert status == 0 and err == "" and "未发现新问题" in out and "基线隐藏" in out, out + err  # the baseline (from the config) hides every finding, and says so


def test_init_refuses_to_overwrite_unless_forced(folder: Path) -> None:
    (folder / "goallint.yaml").write_text("select: [GL4]\n", encoding="utf-8")
    status, _, err = run("init")
    assert status == 2 and err.count("\n") == 1 and "goallint.yaml 已存在" in err
    assert (folder / "goallint.yaml").read_text(encoding="utf-8") == "select: [GL4]\n"
    assert run("init", "--force")[0] == 0
    assert "# 指标层级" in (folder / "goallint.yaml").read_text(encoding="utf-8")


def test_init_refuses_when_a_hidden_config_is_there(folder: Path) -> None:
    (folder / ".goallint.yaml").write_text("select: [GL4]\n", encoding="utf-8")
    status, _, err = run("init")
    assert status == 2 and ".goallint.yaml 已存在" in err and not (folder / "goallint.yaml").exists()
