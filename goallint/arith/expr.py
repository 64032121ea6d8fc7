"""The `assert` expression language (grammar/expr.lark): compile with limits, evaluate with Decimal, render.

An expression is one comparison of two sums over named fields. It is evaluated by walking the Lark tree:
no `eval`, no attribute access; a name is only ever looked up in the caller's table of fields.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Literal

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from goallint.arith.money import format_number
from goallint.lexing import PLUGINS
from goallint.plumbing.records import record
from goallint.plumbing.resources import grammar_path, parser_cache

MAX_LENGTH = 400
"""Characters in one expression."""
MAX_DEPTH = 24
"""Nesting of the tree (parentheses, calls, operators)."""
MAX_DIGITS = 15
"""Integer digits of a literal number."""
FieldKind = Literal["scalar", "list"]
Number = Decimal
Operand = Decimal | list[Decimal]
Env = Mapping[str, Operand | None]

COMPARATORS: dict[str, str] = {"==": "=", "=": "=", "!=": "≠", "≠": "≠", "<=": "≤", "≤": "≤", ">=": "≥", "≥": "≥",
                               "<": "<", ">": ">", "≈": "≈", "~=": "≈"}
SYMBOLS: dict[str, str] = {"add": "+", "sub": "−", "mul": "×", "div": "÷"}
LIST_FUNCTIONS = frozenset({"sum", "count", "min", "max"})
LIST_LABELS: dict[str, str] = {"sum": "合计", "count": "个数", "min": "最小值", "max": "最大值"}


class ExprError(ValueError):
    """An expression that cannot be used: a syntax error, an unknown field, a limit exceeded (one line)."""


class EvalError(ArithmeticError):
    """A value the expression cannot be evaluated on (division by zero, overflow): no finding is made."""


@record(frozen=True)
class Compiled:
    """A checked expression: its two sides, the comparator, an inline tolerance, the fields it reads."""

    source: str
    left: Tree[Token]
    right: Tree[Token]
    op: str
    tolerance: Decimal | None
    fields: tuple[str, ...]
    """Every field reference in reading order (a field used twice appears twice: one term each)."""


@cache
def _parser() -> Lark:
    return Lark(grammar_path("expr.lark").read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                cache=parser_cache("expr.lark"), _plugins=PLUGINS)


def _field_name(tree: Tree[Token]) -> str:
    return ".".join(str(token) for token in tree.children)


def _syntax_error(source: str, exc: UnexpectedInput) -> ExprError:
    column = getattr(exc, "column", "?")
    if isinstance(exc, UnexpectedCharacters):
        return ExprError(f"syntax error at column {column}: unexpected character {exc.char!r}")
    if isinstance(exc, UnexpectedToken):
        found = "end of expression" if exc.token.type == "$END" else repr(str(exc.token))
        hint = f" (the functions are {', '.join(sorted(LIST_FUNCTIONS | {'abs'}))})" if str(exc.token) == "(" else ""
        return ExprError(f"syntax error at column {column}: unexpected {found}{hint}")
    return ExprError(f"syntax error at column {column}")


def compile_expr(source: str, fields: Mapping[str, FieldKind]) -> Compiled:
    """Parse and check an expression against a table of field names. Raises `ExprError` (one line)."""
    if len(source) > MAX_LENGTH:
        raise ExprError(f"expression too long ({len(source)} characters, at most {MAX_LENGTH})")
    try:
        tree = _parser().parse(source)
    except UnexpectedInput as exc:
        raise _syntax_error(source, exc) from None
    except LarkError as exc:
        raise ExprError(f"syntax error: {str(exc).splitlines()[0]}") from None
    left, comparator, right = tree.children
    assert isinstance(left, Tree) and isinstance(comparator, Tree) and isinstance(right, Tree)
    names: list[str] = []
    for side in (left, right):
        _check(side, fields, names, 1)
    op_token = comparator.children[0]
    tolerance: Decimal | None = None
    if len(comparator.children) > 1:
        tol_tree = comparator.children[1]
        assert isinstance(tol_tree, Tree)
        tolerance = Decimal(str(tol_tree.children[0]))
    return Compiled(source, left, right, COMPARATORS[str(op_token)], tolerance, tuple(names))


def _check(tree: Tree[Token], fields: Mapping[str, FieldKind], names: list[str], depth: int,
           list_allowed: bool = False) -> None:
    if depth > MAX_DEPTH:
        raise ExprError(f"expression nested too deeply (at most {MAX_DEPTH} levels)")
    kind = tree.data
    if kind == "number":
        digits = str(tree.children[0]).split(".")[0]
        if len(digits) > MAX_DIGITS:
            raise ExprError(f"number {tree.children[0]} too large (at most {MAX_DIGITS} digits)")
        return
    if kind == "field":
        name = _field_name(tree)
        if name not in fields:
            known = ", ".join(sorted(fields))
            raise ExprError(f"unknown field {name!r} (known: {known})")
        if fields[name] == "list" and not list_allowed:
            raise ExprError(f"{name!r} is a list: use it inside sum(), count(), min() or max()")
        names.append(name)
        return
    if kind == "call":
        function, args = tree.children
        assert isinstance(args, Tree)
        arguments = [child for child in args.children if isinstance(child, Tree)]
        name = str(function)
        single_list = len(arguments) == 1 and name in LIST_FUNCTIONS
        if name in ("count", "abs") and len(arguments) != 1:
            raise ExprError(f"{name}() takes one argument")
        if name == "count" and not (arguments[0].data == "field" and fields.get(_field_name(arguments[0])) == "list"):
            raise ExprError("count() takes a list field, such as tasks.amount")
        for argument in arguments:
            _check(argument, fields, names, depth + 1, list_allowed=single_list and argument.data == "field")
        return
    for child in tree.children:
        if isinstance(child, Tree):
            _check(child, fields, names, depth + 1)


def _number(value: Operand) -> Decimal:
    if isinstance(value, list):
        raise EvalError("a list where a number is expected")
    return value


def evaluate(tree: Tree[Token], env: Env) -> Decimal:
    """The value of one side. Raises `EvalError` (division by zero, overflow) and KeyError never: every
    field was checked at compile time and is looked up in `env` only. A missing field is `EvalError`."""
    with decimal.localcontext() as context:
        context.prec = 34
        context.Emax, context.Emin = 24, -24
        context.traps[decimal.Overflow] = True
        context.traps[decimal.DivisionByZero] = True
        context.traps[decimal.InvalidOperation] = True
        try:
            return _number(_evaluate(tree, env))
        except (decimal.Overflow, decimal.DivisionByZero, decimal.InvalidOperation) as exc:
            raise EvalError(type(exc).__name__) from None


_BINARY: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
}


def _evaluate(tree: Tree[Token], env: Env) -> Operand:
    kind = tree.data
    if kind == "number":
        return +Decimal(str(tree.children[0]))
    if kind == "field":
        value = env.get(_field_name(tree))
        if value is None:
            raise EvalError(f"{_field_name(tree)} has no value")
        return value
    if kind == "neg":
        return -_number(_evaluate(_subtree(tree, -1), env))
    if kind in _BINARY:
        left, right = _subtree(tree, 0), _subtree(tree, 2)
        return _BINARY[kind](_number(_evaluate(left, env)), _number(_evaluate(right, env)))
    if kind == "call":
        return _call(tree, env)
    raise EvalError(f"unexpected node {kind}")


def _subtree(tree: Tree[Token], index: int) -> Tree[Token]:
    child = tree.children[index]
    assert isinstance(child, Tree)
    return child


def _call(tree: Tree[Token], env: Env) -> Decimal:
    function = str(tree.children[0])
    args = _subtree(tree, 1)
    values = [_evaluate(child, env) for child in args.children if isinstance(child, Tree)]
    items = values[0] if len(values) == 1 and isinstance(values[0], list) else [_number(v) for v in values]
    if function == "sum":
        return sum(items, Decimal(0))
    if function == "count":
        return Decimal(len(items))
    if function == "abs":
        return abs(_number(values[0]))
    if not items:
        raise EvalError(f"{function}() of an empty list")
    return min(items) if function == "min" else max(items)


def holds(op: str, left: Decimal, right: Decimal, tolerance: Decimal) -> bool:
    """Whether `left op right` holds within `tolerance` (equality: |l − r| ≤ tol; order: shifted by tol)."""
    difference = left - right
    if op in ("=", "≈"):
        return abs(difference) <= tolerance
    if op == "≠":
        return abs(difference) > tolerance
    if op == "≤":
        return difference <= tolerance
    if op == "<":
        return difference < tolerance
    if op == "≥":
        return difference >= -tolerance
    return difference > -tolerance


def render(tree: Tree[Token], env: Env, labels: Mapping[str, str]) -> str:
    """A side with every term's label and value: `基本支出 574.11 + 项目支出 415.32`."""
    kind = tree.data
    if kind == "number":
        return str(tree.children[0])
    if kind == "field":
        name = _field_name(tree)
        return f"{labels.get(name, name)} {_show(env.get(name))}"
    if kind == "neg":
        return f"−{_wrapped(_subtree(tree, -1), env, labels)}"
    if kind in SYMBOLS:
        left, right = _subtree(tree, 0), _subtree(tree, 2)
        if kind in ("mul", "div"):
            return f"{_wrapped(left, env, labels)} {SYMBOLS[kind]} {_wrapped(right, env, labels)}"
        return f"{render(left, env, labels)} {SYMBOLS[kind]} {render(right, env, labels)}"
    if kind == "call":
        function = str(tree.children[0])
        args = [child for child in _subtree(tree, 1).children if isinstance(child, Tree)]
        if len(args) == 1 and args[0].data == "field" and isinstance(env.get(_field_name(args[0])), list):
            name = _field_name(args[0])
            try:
                shown = _show(evaluate(tree, env))
            except EvalError:
                shown = "—"
            return f"{labels.get(name, name)}{LIST_LABELS[function]} {shown}"
        return f"{function}({', '.join(render(arg, env, labels) for arg in args)})"
    return "(" + render(_subtree(tree, 0), env, labels) + ")"


def _wrapped(tree: Tree[Token], env: Env, labels: Mapping[str, str]) -> str:
    text = render(tree, env, labels)
    return f"({text})" if tree.data in ("add", "sub") else text


def _show(value: Operand | None) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, list):
        return "、".join(format_number(item) for item in value)
    return format_number(value)
