"""The text reader's shortcuts read exactly what the plain way reads: the split of clean fields, the
vocabulary's memos (row starters, titles, year lines, table closers, cell classes; one bounded `Memo`), its
quick header tests and the length test before its `{year}` patterns, the split test on a cell's head, a layout's
cell pick, indicators made through their slots, and the profile and 一级 re-homing remembered per labels."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goallint import profiles as profiles_module
from goallint.layout.assembler import _SPLIT, Assembler
from goallint.layout.builder import FormBuilder
from goallint.layout.cells import located_cell
from goallint.layout.columns import Layout
from goallint.layout.indicators import new_indicator
from goallint.layout.profile import profile_of, repair_levels
from goallint.layout.vocab import key_of, squeeze, vocabulary
from goallint.model import Cell, Indicator
from goallint.profiles import get_profile, profiles
from goallint.readers.encoding import _CONTROL, control_count
from goallint.readers.text import LINE_BREAKS, split_rows

_SPACES = st.sampled_from(["", " ", "  ", "\u3000", "\xa0", " \u3000"])
_WORD = st.text(alphabet=st.characters(blacklist_characters="\t" + LINE_BREAKS, blacklist_categories=("Cs",)),
                max_size=8)
_FIELD = st.one_of(_WORD, st.tuples(_SPACES, _WORD, _SPACES).map("".join))
_BREAK = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x85"])
_LABELS = ["项目名称", "部门名称", "绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标",
           "项目绩效目标批复表", "部门整体支出绩效目标表", "(2025年)", "（ 2020 年度）", "２０２５年", "审核意见",
           "财政部门审核意见（盖章）", "成本构成", "合计", "名称", "主要实施内容", "年度目标", "其中:财政拨款", "",
           "2021年实际实现值", "指标", "表十二", "２０２５年预算金额", "2024年目标", "12345年目标", "2024年度目标值"]
_KEYS = st.one_of(st.sampled_from(_LABELS), _WORD)


def _plain_split(text: str) -> list[list[Cell]]:
    """The split as the reader's contract states it, field by field: the field's text without surrounding
    whitespace, its span exactly that text."""
    rows: list[list[Cell]] = []
    offset = 0
    lines = text.splitlines(keepends=True)
    if not text or text[-1] in LINE_BREAKS:
        lines.append("")
    for number, line in enumerate(lines, start=1):
        body = line.splitlines()[0] if line.splitlines() else ""
        cells: list[Cell] = []
        if body.strip():
            column = 0
            for part in body.split("\t"):
                lead = len(part) - len(part.lstrip()) if part.strip() else 0
                cells.append(located_cell(part.strip(), number, column + lead + 1, offset + column + lead))
                column += len(part) + 1
        rows.append(cells)
        offset += len(line)
    return rows


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(_FIELD, max_size=7), _BREAK), max_size=12), st.booleans())
def test_split_rows_is_the_plain_split(lines: list[tuple[list[str], str]], last_break: bool) -> None:
    text = "".join("\t".join(fields) + end for fields, end in lines)
    if not last_break and text:
        text = text[: -len(lines[-1][1])]
    assert split_rows(text) == _plain_split(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_KEYS, max_size=6))
def test_vocabulary_memos_answer_as_the_labels_do(texts: list[str]) -> None:
    vocab = vocabulary()
    keys = [key_of(text) for text in texts]
    for _ in range(2):  # the second answer comes from the memo
        for text, key in zip(texts, keys, strict=True):
            project, department = vocab.field("project", key), vocab.field("department", key)
            assert vocab.starter(key) == ("project" if project is not None and project[0] == "name" else
                                          "department" if department is not None and department[0] == "name" else None)
            assert vocab.title_kind(key) == (None if len(key) > 60 else next(
                (kind for pattern, kind in vocab.titles if pattern.search(key)), None))
            year = vocab.year_line.match(squeeze(text))
            assert vocab.year_of(text) == (year.group(1) if year is not None else None)
            for kind in ("project", "department"):
                assert vocab.closes_table(kind, key) == (  # type: ignore[arg-type]
                    vocab.is_label(kind, key) and not vocab.is_level1(key)  # type: ignore[arg-type]
                    and not vocab.is_level2(key) and key != "绩效")
        for index in (vocab.indicator_header, vocab.task_header, *vocab.fields.values()):
            for key in keys:  # the exact labels, else the first `{year}` pattern that matches
                year = next((found for pattern, _ in index.patterns if (found := pattern.match(key))), None)
                assert index.match(key) == ((index.exact[key], None) if key in index.exact else None if year is None
                                            else (next(name for pattern, name in index.patterns if pattern.match(key)),
                                                  int(year.group(1))))
            known = sum(index.match(key) is not None for key in keys)
            for enough in (1, 2, 3):
                assert index.knows(keys, enough) == (known >= enough)


_CELLS = st.one_of(st.none(), st.builds(lambda raw, line: located_cell(raw, line, 1, 0), _KEYS,
                                         st.integers(min_value=1, max_value=50)))


@settings(max_examples=200, deadline=None)
@given(_CELLS, _CELLS, _CELLS, _CELLS, _CELLS)
def test_new_indicator_is_the_dataclass_made(level1: Cell | None, level2: Cell | None, name: Cell | None,
                                             period: Cell | None, annual: Cell | None) -> None:
    made = new_indicator(level1, level2, name, period, annual, [])
    plain = Indicator(level1=level1, level2=level2, name=name, period_value=period, annual_value=annual)
    assert made == plain and repr(made) == repr(plain)
    assert pickle.loads(pickle.dumps(made)) == plain
    assert made.ignore == [] and made.ignore is not new_indicator(None, None, None, None, None, []).ignore
    with pytest.raises(FrozenInstanceError):
        made.name = None  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.lists(_KEYS, max_size=6))
def test_row_heading_count_is_the_header_test(texts: list[str]) -> None:
    vocab = vocabulary()
    keys = [key_of(text) for text in texts]
    for _ in range(2):
        assert (sum(map(vocab.header_words.__getitem__, keys)) >= 2) == vocab.indicator_header.knows(keys, 2)
        for kind in ("project", "department"):
            for key in keys:
                assert vocab.classify(kind, key) == vocab._classify(kind, key)  # type: ignore[arg-type]


_SEPARATED = st.lists(st.one_of(_KEYS, st.sampled_from([":", "：", " ", "\u3000", "  ", "\t", "x" * 41])),
                      max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(_SEPARATED, st.booleans(), st.sampled_from(["project", "department"]))
def test_a_cell_without_separator_in_its_head_is_never_split(raw: str, spaces: bool, kind: str) -> None:
    builder = FormBuilder(kind, "x", vocabulary())  # type: ignore[arg-type]
    split = Assembler("x")._split(builder, located_cell(raw, 1, 1, 0), spaces)
    if _SPLIT.search(raw, 0, 40) is None:
        assert split is None


_ROLES = st.dictionaries(st.integers(min_value=0, max_value=9),
                         st.sampled_from(["section", "l1", "l2", "name", "period", "annual", "extra"]),
                         min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(_ROLES, st.integers(min_value=0, max_value=4))
def test_layout_picks_the_cells_of_its_columns(roles: dict[int, str], longer: int) -> None:
    layout = Layout(dict(sorted(roles.items())))
    row = [located_cell(str(index), 1, index + 1, index) for index in range(layout.width + longer)]
    assert dict(zip(layout.role_names, layout.pick(row), strict=True)) == {
        role: row[column] for column, role in layout.roles.items()}


_LEVEL1 = sorted({label for profile in profiles().values() for level in profile.level1.values()
                  for label in (level.label, *level.aliases)})
_LEVEL2 = sorted({label for profile in profiles().values() for children in profile.level2.values()
                  for level in children.values() for label in (level.label, *level.aliases)})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_LEVEL1 + ["", "产出", "效益指标"]), st.sampled_from(_LEVEL2 + ["", "数量"]),
                          st.booleans()), max_size=6), st.booleans())
def test_profile_and_rehoming_are_the_profiles_own_answers(rows: list[tuple[str, str, bool]],
                                                           two_sided: bool) -> None:
    indicators = [Indicator(level1=located_cell(one, 1, 1, 0) if one else None,
                            level2=located_cell(two, 1, 1, 0) if two else None) for one, two, _ in rows]
    level1 = {key_of(item.level1.raw) for item in indicators if item.level1 is not None}
    level2 = {key_of(item.level2.raw) for item in indicators if item.level2 is not None}
    known = sorted(profiles().values(), key=lambda profile: (profile.detect.order, profile.name))
    expected = next((profile.name for profile in known
                     if profile.detect.matches(two_sided, level1, level2, not indicators)),
                    next((profile.name for profile in known if profile.detect.default), known[-1].name))
    for _ in range(2):
        assert profile_of(indicators, two_sided) == expected
        repaired = repair_levels(indicators, expected, [own for _, _, own in rows])
        for indicator, after, (_, _, own) in zip(indicators, repaired, rows, strict=True):
            dropped = False
            if not own and indicator.level1 is not None and indicator.level2 is not None:
                profile = get_profile(expected)
                home_level1 = profile.level1_key(indicator.level1.raw)
                home = profile.level2_key(key_of(indicator.level2.raw), home_level1) if home_level1 else None
                dropped = home is not None and home[0] != home_level1
            assert after.level1 is (None if dropped else indicator.level1)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x9f), st.characters(), st.sampled_from(["\ud800"]))))
def test_control_count_is_the_count_of_control_characters(text: str) -> None:
    assert control_count(text) == len(_CONTROL.findall(text))


_TRADITIONAL_TEXT = st.text(alphabet=st.one_of(st.sampled_from("門單稱職責總體績標級產數質時會態指标分（）():： "),
                                               st.characters(blacklist_categories=("Cs",))), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_TRADITIONAL_TEXT)
def test_label_key_reads_traditional_characters_only_where_there_are_some(text: str) -> None:
    translated = profiles_module.label_key.__wrapped__(text.translate(profiles_module._TRADITIONAL))
    assert profiles_module.label_key.__wrapped__(text) == translated  # translating first or after the markup is one
