"""Property tests (hypothesis): the value layer's fast paths answer as its general code does (a text that no
normalisation step changes is its own normal form)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.values.normalize import _STEP_MARKS, STEPS, normalize_text


def _every_step(raw: str) -> tuple[str, tuple[str, ...]]:
    """`normalize_text` without its unchanged-text shortcut: every step run until nothing changes."""
    text = raw
    changed: list[str] = []
    for _ in range(4):
        before = text
        for name, step in STEPS:
            after = step(text)
            if after != text:
                if name not in changed:
                    changed.append(name)
                text = after
        if text == before:
            break
    order = [name for name, _ in STEPS]
    return text, tuple(sorted(changed, key=order.index))


_MARKED = st.sampled_from(list("0123456789.,%≥≤<>=~-/·*XＸ０％＞＝＜ 　\u00a0\t\n$\\{}&;，；、。：①》《约万元人年月") +
                          ["\\geq", "\\%", "<p>", "</b>", "&nbsp;", "&amp;", "\u200b", "\ufeff", "1,234", ">=",
                           "$\\leq$", "\\text{元}", "﹪", "～", "•", "元", "&#20803;", "<b title=\"元\">"])
_TEXTS = st.one_of(st.text(max_size=40), st.lists(_MARKED, max_size=20).map("".join))


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_normalize_text_is_every_step_run(raw: str) -> None:
    assert normalize_text(raw) == _every_step(raw)


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
    """What lets `reconcile.money_of` answer a raw text without `元` before normalising it."""
    for _name, step in STEPS:
        assert step(raw).count("元") <= raw.count("元")
    assert normalize_text(raw)[0].count("元") <= raw.count("元")


def test_the_html_and_ocr_steps_do_not_write_a_yuan_from_markup() -> None:
    for raw in ("&#20803;", "\\text{yuan}", "$\\yen$", "<span>元</span>", "\\mathrm{元}"):
        assert normalize_text(raw)[0].count("元") <= raw.count("元")
