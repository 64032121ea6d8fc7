"""Normalisation of a value cell before parsing: each step stands alone (the GL9xx fixes use them)."""

from __future__ import annotations

import re
from collections.abc import Callable

from goallint.plumbing.lazy_regex import on_use

# --- invisible characters ----------------------------------------------------------------------------------

_INVISIBLE_CHARS = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                    "\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0")
INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
"""Characters that show nothing or only reorder text: zero-width space and joiners (U+200B–U+200D), direction
marks and overrides (LRM, RLM, RLO …), the word joiner U+2060, the soft hyphen, a BOM inside text, Hangul fillers."""


def find_invisible(text: str) -> list[str]:
    """The invisible characters in `text`, in order (repeats kept)."""
    return [] if text.isascii() else INVISIBLE.findall(text)


def strip_invisible(text: str) -> str:
    """Remove invisible characters: `10.3\u200b万元/人/年` reads as `10.3万元/人/年`."""
    if text.isascii():
        return text
    return INVISIBLE.sub("", text)


# --- OCR / LaTeX math markup -------------------------------------------------------------------------

_LATEX_SYMBOLS = {
    "geqslant": "≥", "leqslant": "≤", "geq": "≥", "leq": "≤", "ge": "≥", "le": "≤",
    "gt": ">", "lt": "<", "pm": "±", "sim": "~", "times": "×", "cdot": "·", "approx": "≈",
}
_LATEX_COMMAND = on_use(
    r"\$?\s*\\(" + "|".join(sorted(_LATEX_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])\s*\$?\s*"
)
_LATEX_PERCENT = on_use(r"\s*\\%\s*\$?")
_LATEX_TEXT = on_use(r"\\(?:text|mathrm|mathbf|rm)\s*\{([^{}]*)\}")
_LATEX_SPACING = on_use(r"\\[,;!: ]")
_MATH_DOLLARS = on_use(r"\$([^$]*)\$")


def strip_ocr_markup(text: str) -> str:
    """Turn LaTeX/OCR math markup into plain symbols: `$\\geq 95\\%$` → `≥95%`, `$\\geq$ 8000宗` → `≥8000宗`."""
    if "\\" not in text and "$" not in text:
        return text
    had_markup = "\\" in text
    out = _LATEX_TEXT.sub(r"\1", text)
    out = _LATEX_SPACING.sub("", out)
    out = _LATEX_COMMAND.sub(lambda m: _LATEX_SYMBOLS[m.group(1)], out)
    out = _LATEX_PERCENT.sub("%", out)
    if had_markup or _MATH_DOLLARS.search(out):
        out = _MATH_DOLLARS.sub(lambda m: m.group(1).strip(), out)
        if had_markup:
            out = out.replace("$", "")
    return out


# --- HTML ------------------------------------------------------------------------------------------------

_HTML_TAG = on_use(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_HTML_ENTITIES = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'"}
_HTML_ENTITY = on_use("|".join(map(re.escape, _HTML_ENTITIES)))


def strip_html(text: str) -> str:
    """Remove HTML tags (`<p>`, `</p>`, `<b>`, `<br/>`, any tag) and decode the common entities."""
    if "<" not in text and "&" not in text:
        return text
    out = _HTML_TAG.sub("", text)
    return _HTML_ENTITY.sub(lambda m: _HTML_ENTITIES[m.group(0)], out)


# --- look-alike symbols ----------------------------------------------------------------------------------

_SYMBOL_PAIRS = on_use(r"(?:>|＞)\s*(?:=|＝)|≥\s*(?:=|＝)|(?:<|＜)\s*(?:=|＝)|≤\s*(?:=|＝)")
_SYMBOL_CHARS = str.maketrans(
    {
        "≧": "≥", "⩾": "≥", "≦": "≤", "⩽": "≤", "＞": ">", "＜": "<", "＝": "=", "％": "%", "﹪": "%",
        "～": "~", "〜": "~", "∼": "~", "／": "/", "＊": "*", "－": "-", "＋": "+", "．": ".",
        "\u3000": " ", "\u00a0": " ", "•": "·", "・": "·", "∙": "·",
        # full-width digits and letters → ASCII
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    }
)
_GUILLEMET_GEQ = on_use(r"》(?=\s*[\d*])")


_SYMBOL_MARKS = re.compile("[" + re.escape("".join(chr(c) for c in _SYMBOL_CHARS) + "=》") + "]")
"""A character without which `standardize_symbols` leaves a text as it is."""


def standardize_symbols(text: str) -> str:
    """Standard comparators and half-width forms: `>=` `＞＝` `≧` → `≥`, `％` → `%`, `９０` → `90`, `》95%` → `≥95%`."""
    if _SYMBOL_MARKS.search(text) is None:  # most texts: one search instead of a copy through the table
        return text
    return symbols_by_the_table(text)


def symbols_by_the_table(text: str) -> str:
    """`standardize_symbols` without its no-mark shortcut (what the shortcut is tested against)."""
    out = text.translate(_SYMBOL_CHARS)
    if "=" in out:
        out = _SYMBOL_PAIRS.sub(lambda m: "≤" if m.group(0)[0] in "<≤" else "≥", out)
    if "》" in out and "《" not in out:
        out = _GUILLEMET_GEQ.sub("≥", out)
    return out


# --- spaces ------------------------------------------------------------------------------------------------

_SPACE_RUN = re.compile(r"\s+")
_INNER_SPACE = re.compile(r"(?<=(.)) (?=(.))")


def _is_wordish(char: str) -> bool:
    return char.isalpha()


def _keep_space(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    if (_is_wordish(left) and _is_wordish(right)) or (left.isdigit() and right.isdigit()):
        return " "
    return ""


def collapse_spaces(text: str) -> str:
    """Trim, collapse runs of white space, and drop spaces next to comparators, numbers and units
    (`≥ 12 次` → `≥12次`); a space between two words (or two numbers) is kept."""
    if _SPACE_RUN.search(text) is None:  # nothing to trim or collapse (`\s` is what `strip` strips)
        return text
    return spaces_collapsed(text)


def spaces_collapsed(text: str) -> str:
    """`collapse_spaces` without its no-space shortcut (what the shortcut is tested against)."""
    out = _SPACE_RUN.sub(" ", text).strip()
    if " " in out:
        out = _INNER_SPACE.sub(_keep_space, out)
    return out


# --- thousands separators -------------------------------------------------------------------------------

_THOUSANDS = on_use(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")


def strip_thousands(text: str) -> str:
    """Drop thousands separators between digit groups of three: `240,939.54` → `240939.54`."""
    if "," not in text:
        return text
    return _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)


STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("invisible", strip_invisible),
    ("html", strip_html),
    ("ocr", strip_ocr_markup),
    ("symbol", standardize_symbols),
    ("space", collapse_spaces),
    ("thousands", strip_thousands),
)
"""The normalisation steps in the order they run, each with the change name `normalize` reports."""


_ORDER = {name: index for index, (name, _step) in enumerate(STEPS)}

_STEP_MARKS = re.compile("[" + _INVISIBLE_CHARS + re.escape("".join(chr(c) for c in _SYMBOL_CHARS) + "<&\\$=》,")
                         + "\\s]")
"""A character without which no step changes a text: an invisible one (`strip_invisible`), `<` or `&` (`strip_html`),
`\\` or `$` (`strip_ocr_markup`), a look-alike symbol, `=` or `》` (`standardize_symbols`), white space
(`collapse_spaces`: what `\\s` matches is what `str.strip` strips) or `,` (`strip_thousands`)."""


def normalize_text(raw: str) -> tuple[str, tuple[str, ...]]:
    """Run every step until nothing changes; return the text and the names of the steps that changed it.
    Most cells are written plainly (`≥95%`, `3500元/月/人`): a text with none of `_STEP_MARKS` is its own
    normal form, found by one search."""
    if _STEP_MARKS.search(raw) is None:
        return raw, ()
    return every_step(raw)


def every_step(raw: str) -> tuple[str, tuple[str, ...]]:
    """`normalize_text` without its shortcut: every step run until nothing changes (what the shortcut is
    tested against)."""
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
    return text, tuple(sorted(changed, key=_ORDER.__getitem__))
