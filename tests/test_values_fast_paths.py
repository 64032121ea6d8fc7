"""Property tests (hypothesis): the value layer's fast paths answer as its general code does (a text that no
normalisation step changes is its own normal form)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.values.normalizer import _STEP_MARKS, STEPS, every_step, normalize_text

_MARKED = st.sampled_from(list("0123456789.,%≥≤<>=~-/·*XＸ０％＞＝＜ 　\u00a0\t\n$\\{}&;，；、。：①》《约万元人年月") +
                          ["\\geq", "\\%", "<p>", "</b>", "&nbsp;", "&amp;", "\u200b", "\ufeff", "1,234", ">=",
                           "$\\leq$", "\\text{元}", "﹪", "～", "•", "元", "&#20803;", "<b title=\"元\">"])
_TEXTS = st.one_of(st.text(max_size=40), st.lists(_MARKED, max_size=20).map("".join))


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_normalize_text_is_every_step_run(raw: str) -> None:
    assert normalize_text(raw) == every_step(raw)


def test_every_white_space_character_marks_a_text_for_the_steps() -> None:
    """`collapse_spaces` strips what `str.isspace` calls space: each such character is a step mark."""
    missing = [hex(code) for code in range(0x110000) if chr(code).isspace() and not _STEP_MARKS.search(chr(code))]
    assert missing == []


def test_an_unmarked_text_is_left_as_it_is_by_every_step() -> None:
    for text in ("≥95%", "3500元/月/人", "良好", "2024年12月底前", "①村（社区）办公经费补助：每村（社区）9万元/年"):
        assert _STEP_MARKS.search(text) is None
        assert all(step(text) == text for _name, step in STEPS)
        assert normalize_text(text) == (text, ())


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_no_normalisation_step_writes_a_yuan(raw: str) -> None:
    """What lets `arith.cells.money_of` answer a raw text without `元` before normalising it."""
    for _name, step in STEPS:
        assert step(raw).count("元") <= raw.count("元")
    assert normalize_text(raw)[0].count("元") <= raw.count("元")


def test_the_html_and_ocr_steps_do_not_write_a_yuan_from_markup() -> None:
    for raw in ("&#20803;", "\\text{yuan}", "$\\yen$", "<span>元</span>", "\\mathrm{元}"):
        assert normalize_text(raw)[0].count("元") <= raw.count("元")


def test_the_lean_parse_with_every_scanner_switched_reads_what_lark_reads() -> None:
    """A long run switches each state's scanner to its alternation, which the lean parse then matches with
    directly: the values are Lark's own (the seeds' values, and pieces of the shapes forms write)."""
    from pathlib import Path

    from goallint.values.grammar import _ENUMERATOR, _circle, _parse_lean, _tables, parser

    for lexer in _tables().lexers.values():
        if lexer.scanner.alternation is None:
            lexer.scanner.alternate()
    lines = (Path(__file__).parent / "data" / "seed_values.txt").read_text(encoding="utf-8").splitlines()
    texts = [normalize_text(line.split("\t")[0])[0] for line in lines if line and not line.startswith("#")]
    texts += ["劳务派遣人员≤6万元/人/年，社工≤107099元/人/年", "①社工：4人②党建组织员：16人", "1-4年：167元/月",
              "2024年12月31日前", "约749人/年；约568人/年", "≥**%", "全年", "±3%以内", "14-24℃", "不少于2场"]
    compared = 0
    for text in texts:
        text = _ENUMERATOR.sub(_circle, text) if "、" in text or "." in text else text
        try:
            wanted: object = parser().parse(text)
        except Exception as exc:  # noqa: BLE001 - any error is "no parse"
            wanted = type(exc)
        try:
            got: object = _parse_lean(text)
        except Exception as exc:  # noqa: BLE001
            got = type(exc)
        if isinstance(wanted, type) or isinstance(got, type):
            assert isinstance(wanted, type) and isinstance(got, type), text
        else:
            compared += 1
            assert got == wanted, text
    assert compared > 50


_BREAKDOWN_TEXTS = st.lists(st.sampled_from(["10", "万", "元", "其", "中", "其中", "：", "(", ")", "（", "）", "，", "<b>",
                                             "</b>", "\u200b", "&nbsp;", "$", "\\text{", "}", "培训费", "6", " "]),
                            max_size=16).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_TEXTS, _BREAKDOWN_TEXTS), st.sampled_from(["", "万元", "亿元"]))
def test_a_raw_text_passed_over_holds_no_breakdown(raw: str, unit: str) -> None:
    """`breakdown.may_break_down` passes over a raw text only where the normalised text holds no breakdown."""
    from goallint.checks.breakdown import breakdown_of, may_break_down

    if not may_break_down(raw):
        assert breakdown_of(normalize_text(raw)[0], unit) is None
    assert may_break_down("其<b>中：培训费6万元") and breakdown_of(normalize_text("10万元其<b>中：培训费6万元，宣传费4万元")[0])


_DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**9, max_value=10**9)
_WORDS = st.one_of(st.none(), st.sampled_from(["", "慰问品", "社工", "每村（社区）"]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["=", ">=", "<=", ">", "<"]), _DECIMALS, st.sampled_from(["", "人", "元/人/年", "%"]), _WORDS,
       _WORDS, st.booleans())
def test_values_made_by_their_makers_are_the_constructed_ones(op: str, number: object, unit: str, noun: str | None,
                                                              label: str | None, approx: bool) -> None:
    import dataclasses

    from goallint.values.types import (
        Bound,
        Compound,
        Qualitative,
        Quantity,
        Range,
        Text,
        replaced,
        value_maker,
    )

    cases = [(Quantity, {"kind": "quantity", "label": label, "op": "=", "value": number, "unit": unit, "noun": noun,
                         "approx": approx}),
             (Bound, {"kind": "bound", "label": label, "op": op, "value": number, "unit": unit, "noun": noun,
                      "approx": approx}),
             (Qualitative, {"kind": "qualitative", "label": label, "vague": approx, "text": unit}),
             (Text, {"kind": "text", "label": label, "text": unit}),
             (Range, {"kind": "range", "label": label, "low": number, "high": number, "unit": unit, "low_unit": noun}),
             (Compound, {"kind": "compound", "label": label, "items": [Text(text=unit), Quantity(value=number)]})]
    for cls, fields in cases:
        built = cls(**fields)  # type: ignore[arg-type]
        made = value_maker(cls)(*fields.values())
        assert made == built and repr(made) == repr(built)
        if cls is not Compound:  # a compound holds a list: unhashable, as built
            assert hash(made) == hash(built)
        assert made.to_contract() == built.to_contract()
        third = {"text": "y"} if "text" in fields else {"unit": "件"} if "unit" in fields else {"items": []}
        for change in ({"label": noun}, {"label": "x"}, third):
            again = replaced(built, **change)
            wanted = dataclasses.replace(built, **change)
            assert again == wanted and repr(again) == repr(wanted) and type(again) is type(wanted)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_the_symbol_and_space_steps_answer_as_without_their_shortcuts(raw: str) -> None:
    from goallint.values.normalizer import (
        collapse_spaces,
        spaces_collapsed,
        standardize_symbols,
        symbols_by_the_table,
    )

    assert standardize_symbols(raw) == symbols_by_the_table(raw)
    assert collapse_spaces(raw) == spaces_collapsed(raw)


def test_every_character_the_symbol_table_changes_is_a_symbol_mark() -> None:
    from goallint.values.normalizer import _SYMBOL_CHARS, _SYMBOL_MARKS

    assert all(_SYMBOL_MARKS.search(chr(code)) for code in _SYMBOL_CHARS)
    assert not any(chr(code).translate(_SYMBOL_CHARS) != chr(code) and not _SYMBOL_MARKS.search(chr(code))
                   for code in range(0x110000))
