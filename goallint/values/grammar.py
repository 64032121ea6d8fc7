"""The value grammar (grammar/value.lark, loaded once) and the Transformer that builds typed values."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError
from lark.parse_tree_builder import ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

from goallint.lexing import PLUGINS
from goallint.plumbing.lazy_regex import on_use
from goallint.plumbing.resources import CACHE_ENTRIES, cached_parse, grammar_path, load_yaml, parser_cache
from goallint.values.types import (
    Bound,
    Compound,
    Deadline,
    Placeholder,
    Qualitative,
    Quantity,
    Range,
    Text,
    Value,
    replaced,
    value_maker,
)
from goallint.values.units import MAGNITUDES, canonical_unit

_OPS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "=": "="}
_WORD_OPS = {
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "大于等于": ">=", "至少": ">=", "最少": ">=", "达到": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "不大于": "<=", "小于等于": "<=", "至多": "<=", "最多": "<=",
    "大于": ">", "高于": ">", "超过": ">", "多于": ">",
    "小于": "<", "低于": "<", "少于": "<",
}
_SUFFIX_OPS = {"及以上": ">=", "或以上": ">=", "以上": ">=", "及以下": "<=", "或以下": "<=", "以下": "<=",
               "以内": "<=", "之内": "<=", "内": "<="}
_PARTS: dict[str, str] = {"底": "end", "末": "end", "下旬": "end", "初": "start", "上旬": "start", "中旬": "mid"}
_EVENT_DATES: dict[str, tuple[int, str]] = {"年底": (12, "end"), "年末": (12, "end")}
_EACH = on_use(r"^(.*?)每([^每]{1,6})$")
_SPLIT_ITEMS = on_use(r"\s*(?:[，,；;、。]\s*)?(?:[①-⑳]|\([1-9]\)|（[1-9]）)\s*|\s*[，,；;、。]\s*")


class Vocabulary(NamedTuple):
    """The qualitative vocabulary of grammar/vocabulary.yaml."""

    vague: tuple[str, ...]
    known: frozenset[str]
    max_chars: int
    max_list_chars: int
    vague_words: re.Pattern[str] | None
    """One alternation of `vague` (None without vague words): a search instead of one `in` per word."""


@cache
def vocabulary() -> Vocabulary:
    """Load grammar/vocabulary.yaml once."""
    data = cached_parse(grammar_path("vocabulary.yaml").read_text(encoding="utf-8"), load_yaml) or {}  # kept as JSON
    vague = tuple(sorted({str(word) for word in data.get("vague", [])}, key=len, reverse=True))
    return Vocabulary(vague, frozenset(str(word) for word in data.get("known", [])),
                      int(data.get("max_qualitative_chars", 16)), int(data.get("max_qualitative_list_chars", 12)),
                      # sorted: the same pattern in every process (a set's order is not), so its compilation is kept
                      re.compile("|".join(map(re.escape, sorted(vague)))) if vague else None)


def is_vague(text: str) -> bool:
    """True when the phrase contains a word the vocabulary calls vague."""
    words = vocabulary().vague_words
    return words is not None and words.search(text) is not None


def words_value(text: str) -> Value:
    """A phrase without a number: qualitative when short or known, else text."""
    vocab = vocabulary()
    vague = is_vague(text)
    if vague or text in vocab.known or len(text) <= vocab.max_chars:
        return _QUALITATIVE("qualitative", None, vague, text)
    return _TEXT("text", None, text)


_QUANTITY = value_maker(Quantity)
"""`Quantity(…)` from all its fields in order (kind, label, op, value, unit, noun, approx); `_BOUND`, `_RANGE`,
`_COMPOUND`, `_QUALITATIVE` and `_TEXT` the same for theirs: the values the grammar makes, one or two per item it
reads, made without the frozen classes' guarded keyword `__init__` (`values.types.value_maker`)."""
_BOUND = value_maker(Bound)
_RANGE = value_maker(Range)
_COMPOUND = value_maker(Compound)
_QUALITATIVE = value_maker(Qualitative)
_TEXT = value_maker(Text)


class _Amount(NamedTuple):
    value: Decimal
    unit: str
    noun: str | None


def _year_or_none(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() and 1900 <= value <= 2200 else None


def _small_int(value: Decimal) -> int:
    return int(value) if value == value.to_integral_value() and 0 <= value < 10000 else 0


class ValueTransformer(Transformer[Token, Any]):
    """Builds the typed values of goallint/values/types.py from the parse (inline, no tree is built)."""

    # --- numbers and units ---
    def unit(self, children: list[Token]) -> str:
        return canonical_unit("".join(children).replace("·", "/"))  # tokens are strings: joined as they are

    def amount(self, children: list[Any]) -> _Amount:
        value = Decimal(children[0])
        unit = ""
        noun = None
        for child in children[1:]:
            if not isinstance(child, Token):
                unit = child
            elif child.type == "MAG":
                for char in child:  # an exact shift of the exponent: no rounding however long the number
                    sign, digits, exponent = value.as_tuple()
                    value = Decimal((sign, digits, int(exponent) + MAGNITUDES[char].adjusted()))
            else:
                noun = str(child).strip()
        return _Amount(value, unit, noun)

    # --- measures ---
    def exact(self, children: list[_Amount]) -> Value:
        amount = children[0]
        if amount.unit == "年" and amount.noun is None:
            year = _year_or_none(amount.value)
            if year is not None:
                return Deadline(year=year)
        return _QUANTITY("quantity", None, "=", amount.value, amount.unit, amount.noun, False)

    def bound_pre(self, children: list[Any]) -> Value:
        token, amount = children[0], children[1]
        op = _OPS.get(str(token)) or _WORD_OPS[str(token)]
        if op == "=":
            return _QUANTITY("quantity", None, "=", amount.value, amount.unit, amount.noun, False)
        return _BOUND("bound", None, op, amount.value, amount.unit, amount.noun, False)

    def bound_post(self, children: list[Any]) -> Value:
        amount, token = children
        return _BOUND("bound", None, _SUFFIX_OPS[str(token)], amount.value, amount.unit, amount.noun, False)

    def approx(self, children: list[Any]) -> Value:
        value = next(child for child in children if not isinstance(child, Token))
        return replaced(value, approx=True) if isinstance(value, (Quantity, Bound)) else value

    # --- ranges ---
    def range(self, children: list[Any]) -> Value:
        low, high = children[0], children[2]
        unit = high.unit or low.unit
        low_unit = low.unit if low.unit and low.unit != unit else None
        return _RANGE("range", None, low.value, high.value, unit, low_unit)

    def plus_minus(self, children: list[Any]) -> Value:
        amount = children[1]
        return _RANGE("range", None, -amount.value, amount.value, amount.unit, None)

    # --- deadlines ---
    def day(self, children: list[Any]) -> int | str:
        first = children[0]
        return _PARTS[str(first)] if first.type == "PART" else _small_int(Decimal(first))

    def ymd(self, children: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"year": _year_or_none(Decimal(children[0])), "month": _small_int(Decimal(children[2]))}
        if len(children) > 4:
            out["day"] = children[4]
        return out

    def y_part(self, children: list[Any]) -> dict[str, Any]:
        return {"year": _year_or_none(Decimal(children[0])), "month": 12, "day": _PARTS[str(children[2])]}

    def y_tail(self, children: list[Any]) -> dict[str, Any]:
        return {"year": _year_or_none(Decimal(children[0]))}

    def md(self, children: list[Any]) -> dict[str, Any]:
        return {"month": _small_int(Decimal(children[0])), "day": children[2]}

    def m_tail(self, children: list[Any]) -> dict[str, Any]:
        return {"month": _small_int(Decimal(children[0]))}

    def deadline(self, children: list[Any]) -> Value:
        parts = next(child for child in children if isinstance(child, dict))
        return Deadline(**parts)

    def event(self, children: list[Any]) -> Value:
        tokens = [child for child in children if isinstance(child, Token)]
        name = next(token for token in tokens if token.type == "EVENT")
        text = "".join(str(token) for token in tokens if token.type != "WORDS")
        month, day = _EVENT_DATES.get(str(name), (None, None))
        return Deadline(event=text, month=month, day=day)

    # --- placeholders, words, labels ---
    def placeholder(self, children: list[Any]) -> Value:
        return Placeholder(text="".join(str(child) for child in children))

    def words_item(self, children: list[Token]) -> Value:
        words = [str(child).strip() for child in children if child.type == "WORDS"]
        if len(words) == 2:
            value = words_value(words[1])
            return replaced(value, label=words[0])
        return words_value(words[0])

    def label(self, children: list[Token]) -> list[str]:
        return [str(child).strip() for child in children if child.type == "WORDS"]

    def labelled(self, children: list[Any]) -> Value:
        parts: list[str] = children[0]
        value: Value = children[1]
        match = _EACH.match(parts[-1])
        if match and isinstance(value, (Quantity, Bound)) and value.unit:
            # `补助：每村（社区）10万元/年` → 100000 元/年/村（社区）, labelled 补助
            parts = [*parts[:-1], match.group(1)] if match.group(1) else parts[:-1]
            value = replaced(value, unit=canonical_unit(f"{value.unit}/{match.group(2)}"))
        label = "：".join(part for part in parts if part)
        return replaced(value, label=label) if label else value

    def start(self, children: list[Any]) -> Value:
        items = [child for child in children if not isinstance(child, Token)]
        return items[0] if len(items) == 1 else _COMPOUND("compound", None, items)


@cache
def parser() -> Lark:
    """The LALR parser of grammar/value.lark with the Transformer applied inline; built once per process."""
    return Lark(
        grammar_path("value.lark").read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        transformer=ValueTransformer(),
        maybe_placeholders=False,
        cache=parser_cache("value.lark"),
        _plugins=PLUGINS,  # each terminal compiled once, not one alternation per parser state
    )


def _parse_grammar(text: str) -> Value | None:
    try:
        result = _parse_lean(text)
    except (LarkError, InvalidOperation, ValueError, KeyError, StopIteration):
        return None
    return result


def _structured(value: Value) -> bool:
    return not isinstance(value, (Qualitative, Text))


def _merge_words(text: str, items: list[Value]) -> Value:
    """A compound made only of words: one qualitative phrase when short or every item is known or vague,
    else text (a sentence)."""
    vocab = vocabulary()
    if len(text) <= vocab.max_list_chars and all(isinstance(item, Qualitative) for item in items):
        return Qualitative(text=text, vague=any(isinstance(item, Qualitative) and item.vague for item in items))
    if all(isinstance(item, Qualitative) and (item.vague or item.text in vocab.known) for item in items):
        return Qualitative(text=text, vague=any(isinstance(item, Qualitative) and item.vague for item in items))
    return Text(text=text)


def _fallback(text: str) -> Value:
    if not text:
        return Placeholder(text="")
    pieces = [piece for piece in _SPLIT_ITEMS.split(text) if piece]
    if len(pieces) > 1:
        items = [_parse_grammar(piece) or _unparsed(piece) for piece in pieces]
        if any(map(_structured, items)):
            return Compound(items=items)
        return _merge_words(text, items)
    return _unparsed(text)


_NOT_WORDS = on_use(r"[\d/%‰≥≤<>=~±·*$\\]")


def _unparsed(text: str) -> Value:
    if _NOT_WORDS.search(text):
        return Text(text=text)
    return words_value(text)


_ENUMERATOR = on_use(r"(?:^|(?<=[。；;，,\s“]))(1[0-9]|20|[1-9])[、.](?=[^\d\s.%])")


def _circle(match: re.Match[str]) -> str:
    return chr(0x245F + int(match.group(1)))


_SIMPLE = re.compile(r"([≥≤<>=]?)(\d+(?:\.\d+)?)(\D*)")
"""The commonest values (`≥95%`, `34人`, `3500元/月/人`): a comparator, a number, at most a unit."""


@cache
def _lexing() -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """The grammar's UNIT terminal, and every terminal its lexer would try before UNIT at the same place."""
    terminals = parser().terminals
    unit = next(t for t in terminals if t.name == "UNIT")
    before = tuple(re.compile(t.pattern.to_regexp()) for t in terminals
                   if t.priority >= unit.priority and t.name != "UNIT")
    return re.compile(unit.pattern.to_regexp()), before


def _simple(text: str) -> Value | None:
    """What the grammar reads from a value of the commonest shape, without running the parser; None for
    anything else. The grammar would lex it as [CMP] NUMBER [UNIT], so the result is the grammar's own: the
    unit must be one whole UNIT token and no terminal the lexer tries first may match where it starts
    (`12月`, `5万元`, `3人以上` go to the parser). Tested against the parser on the seeds and generated values."""
    match = _SIMPLE.fullmatch(text)
    if match is None:
        return None
    sign, number, tail = match.groups()
    if tail:
        tail = _simple_unit(tail)
        if tail is None:
            return None
    op = _OPS[sign] if sign else "="
    if op == "=":
        return _QUANTITY("quantity", None, "=", Decimal(number), tail, None, False)
    return _BOUND("bound", None, op, Decimal(number), tail, None, False)


@lru_cache(maxsize=CACHE_ENTRIES)  # values are written in a few units: each is lexed once
def _simple_unit(tail: str) -> str | None:
    """The canonical unit of what follows a simple value's number, when the grammar would read it as one whole
    UNIT token that no terminal tried before UNIT contests (`_simple`); None otherwise."""
    unit_pattern, before = _lexing()
    token = unit_pattern.match(tail)
    if token is None or token.end() != len(tail) or any(p.match(tail) for p in before):
        return None
    return canonical_unit(tail.replace("·", "/"))


_Action = tuple[bool, Any]
"""(True, the state to shift to) or (False, (how many values the rule takes, its callback, the rule's name))."""


class _Tables(NamedTuple):
    """What Lark's LALR parser of the value grammar runs on, in plain dicts: its parse table with each reduction's
    rule resolved to (size, callback, name), the token callbacks, and the contextual lexer's per-state lexers."""

    actions: dict[Any, dict[str, _Action]]
    start: Any
    end: Any
    token_callbacks: dict[str, Any]
    lexers: dict[Any, Any]
    ignore: frozenset[str]


@cache
def _tables() -> _Tables:
    frontend = parser().parser
    lalr = frontend.parser.parser
    table = lalr.parse_table
    callbacks = lalr.callbacks
    actions = {state: {kind: (True, arg) if action is Shift
                       else (False, (len(arg.expansion), _unless_kept(len(arg.expansion), callbacks[arg]),
                                     arg.origin.name))
                       for kind, (action, arg) in row.items()}
               for state, row in table.states.items()}
    tokens = {kind: callback for kind, callback in callbacks.items() if isinstance(kind, str)}
    return _Tables(actions, table.start_states["start"], table.end_states["start"], tokens,
                   frontend.lexer.lexers, frozenset(parser().lexer_conf.ignore))


def _unless_kept(size: int, callback: Any) -> Any:
    """A reduction's callback, or None where it hands back its one child as it is: an inlined `?rule` with one
    child (`?core: measure`, `?item: core`), whose callback is Lark's `ExpandSingleChild` (`children[0]` when
    there is one). The lean parse then only moves to the rule's state."""
    return None if size == 1 and type(callback) is ExpandSingleChild else callback


def _parse_lean(text: str) -> Value:
    """What `Lark.parse` returns for `text`, by the same parse table, per-state lexers and callbacks, without
    the bookkeeping a parse pays for that the value grammar never uses (line and column counting, the lexer
    thread and state objects, error context): its loop is Lark's `ParserState.feed_token` and `ContextualLexer.lex`.
    Raises where Lark raises (any error: the caller reads it as no parse). Tested equal to `Lark.parse`."""
    actions, start, end_state, token_callbacks, lexers, ignore = _tables()
    scanners = _SCANNERS
    state_stack = [start]
    value_stack: list[Any] = []
    pos, end = 0, len(text)
    source = _Slice(text, end)
    while True:
        if pos < end:
            state = state_stack[-1]  # the lexer of the state the last token left the parser in
            scanner = scanners.get(state)
            if scanner is None:
                scanner = _scanner(state)
            alternation = scanner[0].alternation
            if alternation is not None:  # one call into `re`, the terminal named by the group that matched
                hit = alternation(text, pos)
                if hit is None:
                    raise _NoParse
                matched, kind = hit.group(), hit.lastgroup
            else:
                found = scanner[0].match(source, pos)
                if found is None:
                    raise _NoParse
                matched, kind = found
            pos += len(matched)
            if kind in ignore:
                continue
            token = _new_str(Token, matched)  # `Token(kind, matched)` without its two Python frames
            token.type = kind
            token.value = matched
            token.start_pos = token.line = token.column = token.end_line = token.end_column = token.end_pos = None
            callbacks = scanner[1]
            if callbacks and kind in callbacks:
                token = callbacks[kind](token)
            is_end = False
        else:
            token, kind, is_end = Token("$END", ""), "$END", True
        while True:
            shift, arg = actions[state_stack[-1]][kind]  # KeyError: the token is not expected here
            if shift:
                if is_end:
                    raise _NoParse
                state_stack.append(arg)
                callback = token_callbacks.get(kind)
                value_stack.append(token if callback is None else callback(token))
                break
            size, callback, name = arg
            if callback is None:  # the one child is the rule's value: it stays on the value stack
                del state_stack[-1]
            else:
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(callback(children))
            state_stack.append(actions[state_stack[-1]][name][1])
            if is_end and state_stack[-1] == end_state:
                result: Value = value_stack[-1]
                return result


_new_str = str.__new__

_SCANNERS: dict[Any, tuple[Any, dict[str, Any]]] = {}
"""Per parser state, its lexer's scanner and token callbacks (Lark builds a state's scanner on first use)."""


def _scanner(state: Any) -> tuple[Any, dict[str, Any]]:
    lexer = _tables().lexers[state]
    found = _SCANNERS[state] = (lexer.scanner, lexer.callback)
    return found


class _NoParse(LarkError):
    """The text is not a sentence of the grammar (where Lark raises UnexpectedInput)."""


class _Slice(NamedTuple):
    """The part of Lark's `TextSlice` a scanner reads."""

    text: str
    end: int


_SCIENTIFIC = re.compile(r"(?<![0-9A-Za-z.])\d+(?:\.\d+)?[eE][+-]?\d+(?![0-9A-Za-z.])")
"""A number in scientific notation (`1e-5`, `2.5E+3`): text, never read as a range or a quantity with unit `e`."""


def parse_normalized(text: str) -> Value:
    """Parse an already normalised value; never raises. List markers `1、` `2、` read as ① ②."""
    try:
        if _SCIENTIFIC.search(text):  # `1e-999999元` is no range from 1 to 999999: a number no form writes
            return Text(text=text)
        simple = _simple(text)
        if simple is not None:
            return simple
        value = _parse_grammar(_ENUMERATOR.sub(_circle, text) if "、" in text or "." in text else text)
        if value is None:
            return _fallback(text)
        if isinstance(value, Compound) and not any(map(_structured, value.items)):
            return _merge_words(text, value.items)
        return value
    except Exception:  # noqa: BLE001 - the contract: parse_value never raises
        return Text(text=text)
