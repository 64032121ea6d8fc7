"""The text reader's shortcuts read exactly what the plain way reads: the split of clean fields, the
vocabulary's memos (row starters, titles, year lines, table closers), its quick header test and the length
test before its `{year}` patterns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.layout.cells import located_cell
from goallint.layout.vocab import key_of, squeeze, vocabulary
from goallint.model import Cell
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
