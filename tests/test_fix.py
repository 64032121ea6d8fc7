"""`check --fix`, `--unsafe-fixes` and `--diff`: byte-exact, atomic rewrites of the fixed cells only.

The seeds are fixed in a temporary copy and checked again; text files in GB18030, UTF-8 with a BOM and
UTF-16 keep their encoding and CRLF line endings; YAML and JSON scalars are rewritten only where that is
safe; workbooks are never touched; a failed write leaves the original intact and the run goes on.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]

from goallint import fixer
from goallint.cli import main
from goallint.engine import make_engine
from goallint.fixer import FixRefused, fix_source, iter_cells
from goallint.model import Edit
from goallint.readers import read_bytes
from goallint.values import parse_value

ROOT = Path(__file__).parent.parent
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0-excerpt.json"
FIXABLE = ("GL901", "GL902", "GL904", "GL905", "GL906")


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", *args])
    return result.exit_code, result.stdout, result.stderr


def report(*args: str) -> list[dict[str, Any]]:
    status, out, err = check("--format", "json", *args)
    assert status in (0, 1), err
    diagnostics: list[dict[str, Any]] = json.loads(out)["diagnostics"]
    return diagnostics


def offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based (line, column) in `text` (lines split at '\\n', as the spans are)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[line - 1] + column - 1


def fixed_spans(text: str, diagnostics: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """The merged character spans of every edit the findings carry."""
    spans = sorted((offset(text, e["line"], e["column"]), offset(text, e["end_line"], e["end_column"]))
                   for d in diagnostics if d["fix"] for e in d["fix"]["edits"])
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1] or merged and (start, end) == merged[-1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def assert_only_spans_changed(before: bytes, after: bytes, encoding: str, text: str,
                              spans: list[tuple[int, int]]) -> list[bytes]:
    """Every byte outside the spans is identical and in place; returns the bytes that replaced each span."""
    pattern, done = b"", 0
    bom = {"utf-8-sig": b"\xef\xbb\xbf"}.get(encoding, b"")
    codec = {"utf-8-sig": "utf-8"}.get(encoding, encoding)
    for start, end in spans:
        pattern += re.escape(text[done:start].encode(codec)) + b"([^\t\r\n]*?)"
        done = end
    pattern += re.escape(text[done:].encode(codec))
    assert before.startswith(bom) and after.startswith(bom)
    match = re.fullmatch(pattern, after[len(bom):], re.DOTALL)
    assert match is not None, "bytes outside the fixed cells changed"
    return list(match.groups())


# -------------------------------------------------------------------------------------------- the seeds


def _unpunctuated(d: dict[str, Any]) -> tuple[str, ...]:
    """A finding as compared across a fix: the stray full stop GL904 removes from a name (`发放及时性.`) is
    left out of its field and message, which quote the name."""
    return (d["code"], d["path"], d["form"], re.sub(r"[.。](?=$|/)", "", d["field"]),
            re.sub(r"[.。]”", "”", d["message"]))


def test_fix_the_seeds_then_check_again(tmp_path: Path) -> None:
    for seed in SEEDS:
        shutil.copy(seed, tmp_path / seed.name)
    before_bytes = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    before = report(str(tmp_path))
    fixable = [d for d in before if d["fix"]]
    # a form's GL9xx findings are grouped into one finding whose fix edits every cell (74 cells on the seeds)
    assert sum(len(d["fix"]["edits"]) for d in fixable) >= 70
    assert {d["code"] for d in fixable} == {"GL901", "GL902", "GL904", "GL906"}

    assert f"[*] 其中 {len(fixable)} 个问题可用 `goallint check --fix` 自动修复。" in check("--format", "concise", str(tmp_path))[2]
    status, _, err = check("--fix", "--format", "concise", str(tmp_path))
    assert status == 1  # the seeds keep findings that have no fix
    after = report(str(tmp_path))
    assert not [d for d in after if d["fix"]]
    assert f"共 {len(before)} 个问题：已修复 {len(fixable)} 个，剩余 {len(after)} 个。" in err
    unfixed = {_unpunctuated(d) for d in before if not d["fix"]}
    assert {_unpunctuated(d) for d in after} <= unfixed
    assert not {d["code"] for d in after} & {"GL901", "GL902", "GL904", "GL906"}

    changed = 0
    for name, original in before_bytes.items():
        path = tmp_path / name
        mine = [d for d in fixable if Path(d["path"]).name == name]
        if not mine:
            assert path.read_bytes() == original
            continue
        changed += 1
        text = original.decode("utf-8")
        news = assert_only_spans_changed(original, path.read_bytes(), "utf-8", text, fixed_spans(text, mine))
        assert all(b"$" not in new and b"<" not in new for new in news)
    assert changed == 4
    assert check("--diff", str(tmp_path))[0] == 0  # nothing left to fix
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    seed = tmp_path / SEEDS[0].name
    shutil.copy(SEEDS[0], seed)
    status, out, err = check("--diff", str(seed))
    assert status == 1 and seed.read_bytes() == SEEDS[0].read_bytes()
    assert out.startswith(f"--- {seed}\n+++ {seed}\n@@ ")
    assert "-\t\t质量指标\t人员出勤率\t$\\geq 95\\%$\t$\\geq 95\\%$\n" in out
    assert "+\t\t质量指标\t人员出勤率\t≥95%\t≥95%\n" in out
    assert re.search(r"^可自动修复 \d+ 个问题（--diff 未写入任何文件）。$", err, re.MULTILINE)
    out_file = tmp_path / "fixes.diff"
    assert check("--diff", "-o", str(out_file), str(seed))[0] == 1 and out_file.read_text(encoding="utf-8") == out


def test_many_files_are_fixed_in_parallel_with_the_same_result(tmp_path: Path) -> None:
    for copy in range(2):
        for seed in SEEDS:
            shutil.copy(seed, tmp_path / f"{copy}_{seed.name}")
    serial, parallel = check("--diff", "-j", "1", str(tmp_path)), check("--diff", "-j", "2", str(tmp_path))
    assert serial[0] == parallel[0] == 1 and serial[1] == parallel[1] and serial[1].count("\n+++ ") == 8


# -------------------------------------------------------------------------------------------- encodings

TEXT_FORM = ("项目名称\t测试项目\n年度目标\t<b>完成</b>年度任务\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
             "\t产出指标\t质量指标\t合格率\t＞＝９５％\n\t\t数量指标\t活动次数\t≥ 12 次\n")
TEXT_FIXED = ("项目名称\t测试项目\n年度目标\t完成年度任务\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
              "\t产出指标\t质量指标\t合格率\t≥95%\n\t\t数量指标\t活动次数\t≥12次\n")


@pytest.mark.parametrize(("codec", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""),
                                            ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_text_forms_keep_encoding_bom_and_line_endings(tmp_path: Path, codec: str, bom: bytes, newline: str) -> None:
    path = tmp_path / "form.txt"
    path.write_bytes(bom + TEXT_FORM.replace("\n", newline).encode(codec))
    status, _, err = check("--fix", "--select", "GL9", "--format", "concise", str(path))
    assert status == 0, err
    assert path.read_bytes() == bom + TEXT_FIXED.replace("\n", newline).encode(codec)
    assert report("--select", "GL9", str(path)) == []


def test_a_file_whose_encoding_does_not_round_trip_is_left_alone(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + TEXT_FORM.encode("utf-8")
    engine = make_engine(select=["GL9"])
    with pytest.raises(FixRefused, match="不能还原为原来的字节"):
        fixer.codec_of(data, TEXT_FORM + "x", "utf-8-sig")
    assert fix_source(engine, "form.txt", data, unsafe=False).after.startswith(b"\xef\xbb\xbf")


# -------------------------------------------------------------------------------------------- YAML and JSON

YAML_FORM = r"""forms:
  - kind: project
    name: 测试项目
    budget_year: 2025
    period_goal: <p>开展法治宣传。</p>
    annual_goal: "<b>年度</b>目标"
    approval: |
      <p>经审核，同意。</p>
    indicators:
      - {level1: 产出指标, level2: 质量指标, name: 验收合格率。, period: ">=９０％", annual: $\geq 95\%$}
      - level1: 效益指标
        level2: 社会效益指标
        name: 活动次数
        period: ≥ 12 次
        annual: '≥ 12 次'
      - {name: <b>#1</b>覆盖率, period: "$\\geq 90\\%$", annual: "<b>完成</b>, 达标"}
"""


def test_yaml_scalars_are_fixed_in_place_and_unsafe_rewrites_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text(YAML_FORM, encoding="utf-8")
    before = report("--select", "GL9", str(path))
    skipped = _unfixed_cells(before)
    # the block scalar, the double-quoted scalar with escapes, and a fix that cannot stand as a plain scalar; the
    # other cells of their (grouped) findings keep their edits
    assert skipped == [(7, "GL902"), (16, "GL901"), (16, "GL902")]
    status, _, err = check("--fix", "--select", "GL9", "--format", "concise", str(path))
    # both columns of 活动次数: one finding, two edits; a form's GL901 and GL902 cells: one finding each
    assert status == 0 and "共 7 个问题：已修复 5 个，剩余 2 个" in err
    assert path.read_text(encoding="utf-8") == YAML_FORM.replace(
        "<p>开展法治宣传。</p>", "开展法治宣传。").replace('"<b>年度</b>目标"', '"年度目标"').replace(
        'name: 验收合格率。, period: ">=９０％", annual: $\\geq 95\\%$', 'name: 验收合格率, period: "≥90%", annual: ≥95%').replace(
        "period: ≥ 12 次\n        annual: '≥ 12 次'", "period: ≥12次\n        annual: '≥12次'").replace(
        '"<b>完成</b>, 达标"', '"完成, 达标"')
    assert _unfixed_cells(report("--select", "GL9", str(path))) == skipped


def _unfixed_cells(diagnostics: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(line, code) of each cell a finding names (its own and `related`) that its fix does not edit."""
    out = []
    for d in diagnostics:
        edited = {(e["line"], e["column"]) for e in (d["fix"] or {"edits": []})["edits"]}
        out += [(place["line"], d["code"]) for place in (d, *d["related"])
                if (place["line"], place["column"]) not in edited]
    return sorted(out)


def test_json_strings_are_fixed_when_no_escaping_is_needed(tmp_path: Path) -> None:
    path = tmp_path / "form.json"
    source = ('{"kind": "project", "name": "测试", "budget_year": 2025,\r\n "period_goal": "<p>目标</p>",\r\n'
              ' "indicators": [{"level1": "产出指标", "level2": "质量指标", "name": "合格率",'
              ' "period": "\\u2265 95%", "annual": "≥ 95 %"}]}\r\n')
    path.write_bytes(b"\xef\xbb\xbf" + source.encode("utf-8"))
    # GL906's finding names both value cells; the escaped one is not edited
    assert _unfixed_cells(report("--select", "GL9", str(path))) == [(3, "GL906")]
    assert check("--fix", "--select", "GL9", str(path))[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + source.replace("<p>目标</p>", "目标").replace(
        '"≥ 95 %"', '"≥95%"').encode("utf-8")


def test_overlapping_fixes_are_applied_over_several_passes(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text("kind: project\nname: 测试项目\nindicators:\n"
                    '  - {level1: 产出指标, level2: 质量指标, name: 合格率, period: "<b>＞＝ ９５ ％</b>"}\n',
                    encoding="utf-8")
    assert [d["code"] for d in report("--select", "GL9", str(path))] == ["GL902", "GL905"]
    status, _, err = check("--fix", "--select", "GL9", "--format", "concise", str(path))
    assert status == 0 and "共 3 个问题：已修复 3 个，剩余 0 个。" in err  # GL906 shows up once the tags go
    assert 'period: "≥95%"}' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("content", "skipped"), [
    ("项目名称", {"re-reading the fixed file would change its forms": 1}),
    ("完成\t任务", {}),  # a tab splits the cell: the finding's report already carries no fix
])
def test_a_fix_that_would_change_the_forms_is_not_applied(monkeypatch: pytest.MonkeyPatch, content: str,
                                                           skipped: dict[str, int]) -> None:
    from goallint.checks import markup

    real = markup._fix

    def damaging(cell: Any, fixed: str, message: str) -> Any:  # the goal's fix turns it into a label
        return real(cell, content if fixed == "完成年度任务" else fixed, message)

    monkeypatch.setattr(markup, "_fix", damaging)
    outcome = fix_source(make_engine(select=["GL9"]), "form.txt", TEXT_FORM.encode("utf-8"), unsafe=False)
    assert outcome.after_text == TEXT_FIXED.replace("完成年度任务", "<b>完成</b>年度任务")
    assert outcome.fixed == 2 and outcome.skipped == skipped
    if not skipped:
        goal = next(d for d in make_engine(select=["GL9"]).lint_result(read_bytes(TEXT_FORM.encode(), "f.txt"))
                    .diagnostics if d.field == "年度目标")
        assert goal.fix is None and fixer.unfit(Edit(line=2, column=6, end_line=2, end_column=19, content=content,
                                                     start=15, end=28), TEXT_FORM, {(15, 28): "<b>完成</b>年度任务"},
                                                ".txt", "utf-8") == "新内容含制表符（即单元格分隔符）"


# -------------------------------------------------------------------------------------------- workbooks


def test_workbooks_are_never_rewritten(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "项目表"
    rows = [("项目名称", "测试项目"), ("年度目标", "<p>完成任务</p>"),
            ("绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"),
            (None, "产出指标", "质量指标", "合格率", "$\\geq 95\\%$", "≥ 95 %")]
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row, column, value)
    stream = io.BytesIO()
    workbook.save(stream)
    path = tmp_path / "form.xlsx"
    path.write_bytes(stream.getvalue())
    found = report("--select", "GL9", str(path))
    assert {d["code"] for d in found} >= {"GL901", "GL902", "GL906"} and all(d["fix"] is None for d in found)
    status, _, err = check("--fix", "--select", "GL9", str(path))
    assert status == 0 and path.read_bytes() == stream.getvalue()
    assert f"{path}: 工作簿中的修复不会应用" in err and err.count("工作簿中的修复不会应用") == 1
    assert check("--diff", "--select", "GL9", str(path))[0] == 0


# -------------------------------------------------------------------------------------------- writing


def _two_forms(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(TEXT_FORM, encoding="utf-8")
    second.write_text(TEXT_FORM, encoding="utf-8")
    return first, second


@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
def test_a_failed_write_leaves_the_file_intact_and_the_run_goes_on(tmp_path: Path, where: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _two_forms(tmp_path)
    real = {"replace": os.replace, "fsync": os.fsync}

    def failing(*args: Any) -> Any:
        if where == "replace" and Path(args[1]).name != "a.txt" or where == "fsync" and calls.append(1):
            return real[where](*args)
        raise OSError(errno.ENOSPC, "No space left on device")

    calls: list[int] = []
    if where == "write":
        monkeypatch.setattr(fixer.os, "fdopen", lambda fd, mode: _FullDisk(fd))
    else:
        monkeypatch.setattr(fixer.os, where, failing)
    status, out, err = check("--fix", "--select", "GL0,GL9", "--format", "concise", str(first), str(second))
    failed = [first, second] if where == "write" else [first] if where == "replace" else [first, second]
    for path in (first, second):
        assert path.read_text(encoding="utf-8") == (TEXT_FORM if path in failed else TEXT_FIXED)
    lines = [line for line in err.splitlines() if "修复未写入" in line]
    assert [line.removeprefix("goallint: 错误：").split(": ")[0] for line in lines] == [str(p) for p in failed]
    assert all("No space left on device" in line and "文件保持原样" in line for line in lines)
    assert status == 1 and f"{failed[0]}:1:1: GL003 [错误]" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # temporary files removed


class _FullDisk(io.RawIOBase):
    """A file object whose writes fail as on a full disk (the descriptor is closed)."""

    def __init__(self, fd: int) -> None:
        os.close(fd)

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders: the monkeypatched cases cover it")
def test_a_read_only_folder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    first, _ = _two_forms(folder)
    folder.chmod(0o500)
    try:
        status, out, err = check("--fix", "--select", "GL0,GL9", "--format", "concise", str(folder))
    finally:
        folder.chmod(0o700)
    assert first.read_text(encoding="utf-8") == TEXT_FORM
    assert f"{first}: 修复未写入：PermissionError" in err and "GL003" in out and status == 1


def test_a_file_changed_during_the_run_is_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = _two_forms(tmp_path)
    real = fixer.fix_source

    def meddling(*args: Any, **kwargs: Any) -> Any:
        outcome = real(*args, **kwargs)
        first.write_text(TEXT_FORM + "\n", encoding="utf-8")  # someone saves the file meanwhile
        return outcome

    monkeypatch.setattr(fixer, "fix_source", meddling)
    status, _, err = check("--fix", "--select", "GL0,GL9", str(first))
    assert first.read_text(encoding="utf-8") == TEXT_FORM + "\n" and "changed while goallint was fixing it" in err


def test_mode_and_symlinks_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text(TEXT_FORM, encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    status, _, err = check("--fix", "--select", "GL9", str(link), str(target), str(link))
    assert status == 0 and "已修复 3 个，剩余 0 个" in err  # the same file named three times is fixed once
    assert link.is_symlink() and target.read_text(encoding="utf-8") == TEXT_FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_stdin_is_never_written_but_can_be_diffed(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["check", "--isolated", "--select", "GL9", "--stdin-filename", "form.txt"]
    fixed = runner.invoke(main, [*args, "--fix", "-"], input=TEXT_FORM)
    assert fixed.exit_code == 0 and "form.txt: 修复未写入：从标准输入读入的表单不会写回" in fixed.stderr
    assert "已修复 0 个，剩余 3 个" in fixed.stderr
    diffed = runner.invoke(main, [*args, "--diff", "-"], input=TEXT_FORM)
    assert diffed.exit_code == 1 and "+\t产出指标\t质量指标\t合格率\t≥95%\n" in diffed.stdout


# -------------------------------------------------------------------------------------------- unsafe fixes


def test_unsafe_fixes_need_the_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from goallint.checks import markup

    real = markup._fix

    def unsafe(*args: Any) -> Any:
        fix = real(*args)
        return replace(fix, applicability="unsafe") if fix is not None else None

    monkeypatch.setattr(markup, "_fix", unsafe)
    path = tmp_path / "form.txt"
    path.write_text(TEXT_FORM, encoding="utf-8")
    assert {d["fix"]["applicability"] for d in report("--select", "GL9", str(path))} == {"unsafe"}
    assert check("--select", "GL9", "--format", "concise", str(path))[2] == (
        "另有 3 个不安全的修复，可用 `--fix --unsafe-fixes` 启用。\n")
    status, _, err = check("--fix", "--select", "GL9", "--format", "concise", str(path))
    assert status == 0 and path.read_text(encoding="utf-8") == TEXT_FORM
    assert "另有 3 个不安全的修复未应用，可加 `--unsafe-fixes` 启用。" in err
    assert check("--diff", "--select", "GL9", str(path))[0] == 0
    assert check("--diff", "--unsafe-fixes", "--select", "GL9", str(path))[0] == 1
    assert check("--fix", "--unsafe-fixes", "--select", "GL9", str(path))[0] == 0
    assert path.read_text(encoding="utf-8") == TEXT_FIXED


# -------------------------------------------------------------------------------------------- reports


def test_json_and_sarif_carry_the_fixes(tmp_path: Path) -> None:
    path = tmp_path / "form.txt"
    path.write_text(TEXT_FORM, encoding="utf-8")
    found = report("--select", "GL9", str(path))
    fix = next(d["fix"] for d in found if d["code"] == "GL905")
    assert fix == {"applicability": "safe", "message": "改为“≥95%”",
                   "edits": [{"line": 4, "column": 16, "end_line": 4, "end_column": 21, "content": "≥95%"}]}
    status, out, _ = check("--format", "sarif", "--select", "GL9", str(path))
    document = json.loads(out)
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    result = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "GL905")
    assert result["fixes"] == [{
        "description": {"text": "改为“≥95%”（安全修复）"},
        "artifactChanges": [{"artifactLocation": {"uri": result["locations"][0]["physicalLocation"]
                                                  ["artifactLocation"]["uri"]},
                             "replacements": [{"deletedRegion": {"startLine": 4, "startColumn": 16, "endLine": 4,
                                                                 "endColumn": 21},
                                               "insertedContent": {"text": "≥95%"}}]}]}]


# -------------------------------------------------------------------------------------------- properties

BASES = st.tuples(st.sampled_from(["", "≥", "≤"]), st.integers(1, 99999), st.sampled_from(["%", "次", "人", "元/人", "个"]))
INJECT = st.sampled_from(["none", "ocr", "html", "wide", "space", "html+wide"])
WIDE = str.maketrans("0123456789%", "０１２３４５６７８９％")


def _value(base: tuple[str, int, str], how: str) -> str:
    sign, number, unit = base
    plain = f"{sign}{number}{unit}"
    if how == "ocr":
        latex = {"≥": "\\geq ", "≤": "\\leq ", "": ""}[sign]
        tail = "\\%" if unit == "%" else unit
        return f"${latex}{number}{tail}$"
    if how == "html":
        return f"<b>{plain}</b>"
    if how == "space":
        return f"{sign} {number} {unit}".strip()
    wide = plain.translate(WIDE).replace("≥", "＞＝").replace("≤", "<=")
    return f"<p>{wide}</p>" if how == "html+wide" else wide


ROWS = st.lists(st.tuples(BASES, INJECT, INJECT), min_size=1, max_size=6)


def _text_form(rows: list[tuple[tuple[str, int, str], str, str]]) -> str:
    lines = ["项目名称\t测试项目", "年度目标\t完成年度任务", "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t年度指标值"]
    for number, (base, period, annual) in enumerate(rows):
        lead = "\t产出指标\t数量指标" if number == 0 else "\t\t"
        lines.append(f"{lead}\t指标{number}\t{_value(base, period)}\t{_value(base, annual)}")
    return "\n".join(lines) + "\n"


def _yaml_form(rows: list[tuple[tuple[str, int, str], str, str]]) -> str:
    indicators = [{"level1": "产出指标", "level2": "数量指标", "name": f"指标{i}", "period": _value(base, period),
                   "annual": _value(base, annual)} for i, (base, period, annual) in enumerate(rows)]
    return yaml.safe_dump({"kind": "project", "name": "测试项目", "indicators": indicators}, allow_unicode=True,
                          sort_keys=False, width=1000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, as_yaml=st.booleans())
def test_fixes_change_exactly_the_reported_cells_keep_the_numbers_and_are_idempotent(
        rows: list[tuple[tuple[str, int, str], str, str]], as_yaml: bool) -> None:
    engine = make_engine(select=["GL9"])
    name = "form.yaml" if as_yaml else "form.txt"
    source = (_yaml_form if as_yaml else _text_form)(rows)
    data = source.encode("utf-8")
    first = engine.lint_result(read_bytes(data, name)).diagnostics
    reported = {(e.start, e.end) for d in first if d.fix for e in d.fix.edits}
    outcome = fix_source(engine, name, data, unsafe=False)

    before, after = read_bytes(data, name), read_bytes(outcome.after, name)
    assert after.problem is None and len(after.forms) == len(before.forms) == 1
    old_cells, new_cells = list(iter_cells(before.forms)), list(iter_cells(after.forms))
    assert len(old_cells) == len(new_cells)
    spans = sorted(reported)
    news = assert_only_spans_changed(data, outcome.after, "utf-8", source, [(s or 0, e or 0) for s, e in spans])
    assert all(new != source[s or 0:e or 0].encode("utf-8") for new, (s, e) in zip(news, spans, strict=True))
    for old, new in zip(old_cells, new_cells, strict=True):
        assert old.span is not None
        if (old.span.start, old.span.end) in reported:
            assert parse_value(new.raw) == parse_value(old.raw)  # the same number, unit and comparison
        else:
            assert new.raw == old.raw
    assert not [d for d in engine.lint_result(after).diagnostics if d.fix]
    again = fix_source(engine, name, outcome.after, unsafe=False)
    assert again.after == outcome.after and again.fixed == 0
