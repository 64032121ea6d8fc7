"""`--fix`, `-o`, `--write-baseline` and `init` never lose an edit nor write where they should not (issue 21,
items 13 and 14). docs/robustness.md lists these cases."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from goallint.cli import main

FORM = ("项目名称\t测试项目\n年度目标\t<b>完成</b>年度任务\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
        "\t产出指标\t质量指标\t合格率\t＞＝９５％\n")
FIXED = ("项目名称\t测试项目\n年度目标\t完成年度任务\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
         "\t产出指标\t质量指标\t合格率\t≥95%\n")


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", "--no-cache", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# -- item 13: an edit made while --fix writes is kept ---------------------------------------------------------
def test_an_edit_between_the_comparison_and_the_rename_is_kept(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    form = tmp_path / "form.txt"
    form.write_text(FORM, encoding="utf-8")
    edited = FORM + "其他\t一位同事刚保存的修改\n"
    real_chmod = os.chmod

    def busy_writer(path: Any, mode: int, *args: Any, **kwargs: Any) -> None:
        if str(path).endswith(".tmp"):  # the fixed text is written, not yet renamed: a colleague saves now
            form.write_text(edited, encoding="utf-8")
        real_chmod(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", busy_writer)
    status, out, err = check("--fix", "--select", "GL0,GL9", str(form))
    assert form.read_text(encoding="utf-8") == edited
    assert "changed while goallint was fixing it" in err and "GL003" in out
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("what", ["--fix", "-o", "--write-baseline"])
def test_a_form_named_with_80_cjk_characters_can_be_written_beside(tmp_path: Path, what: str) -> None:
    form = tmp_path / ("党建组织员工资补贴绩效目标表" * 6 + "补贴绩效目标表")[:80]
    form = form.with_name(form.name + ".txt")
    assert len(form.name.encode("utf-8")) == 244
    form.write_text(FORM, encoding="utf-8")
    beside = form.with_name(form.stem + ".out")
    if what == "--fix":
        status, _, err = check("--fix", "--select", "GL9", str(form))
        assert status == 0 and form.read_text(encoding="utf-8") == FIXED, err
    else:
        status, _, err = check(what, str(beside), "--format", "json", str(form))
        assert status in (0, 1) and beside.stat().st_size > 0, err


# -- item 14: no write through a symbolic link to a place outside the folder ----------------------------------
def test_fix_does_not_write_through_a_link_out_of_the_folder(tmp_path: Path) -> None:
    outside, folder = tmp_path / "outside", tmp_path / "forms"
    outside.mkdir()
    folder.mkdir()
    target = outside / "elsewhere.txt"
    target.write_text(FORM, encoding="utf-8")
    (folder / "form.txt").symlink_to(target)
    status, out, err = check("--fix", "--select", "GL0,GL9", str(folder / "form.txt"))
    assert target.read_text(encoding="utf-8") == FORM and (folder / "form.txt").is_symlink()
    assert "符号链接" in err and "GL003" in out


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
def test_init_force_does_not_write_through_a_link_out_of_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    dangling: bool) -> None:
    outside, folder = tmp_path / "outside", tmp_path / "project"
    outside.mkdir()
    folder.mkdir()
    target = outside / "settings.yaml"
    if not dangling:
        target.write_text("precious: true\n", encoding="utf-8")
    (folder / "goallint.yaml").symlink_to(target)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["init", "--force"])
    assert result.exit_code == 2 and "符号链接" in result.stderr
    assert (target.read_text(encoding="utf-8") == "precious: true\n") if not dangling else not target.exists()


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be", "utf-16-le"])
def test_utf32_and_utf16_without_a_bom_are_fixed_in_their_encoding(tmp_path: Path, codec: str) -> None:
    form = tmp_path / "form.txt"
    form.write_bytes(FORM.encode(codec))
    status, _, err = check("--fix", "--select", "GL9", str(form))
    assert status == 0 and form.read_bytes() == FIXED.encode(codec), err
