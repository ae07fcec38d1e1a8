"""Parse formula text into the syntax tree of ``ast.py`` with the Lark grammar."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .. import cache as on_disk
from ..limits import MAX_NESTING, MAX_STRING_CHARS
from ..rational import Fraction
from ..resources import resource
from ..types import (
    BOOLEAN,
    BUSINESS_DAYS_T,
    COUNT,
    DATE,
    DAYS_T,
    MONEY_T,
    MONTHS_T,
    PRICE,
    RATIO,
    SHARES_T,
    TEXT,
    TIME,
    TRADING_DAYS_T,
    YEARS_T,
)
from . import ast
from .formula_errors import FormulaLimitError as FormulaLimitError  # where its users import it from
from .formula_errors import FormulaSyntaxError as FormulaSyntaxError
from .literals import parse_date, parse_money, parse_number, parse_percent, parse_time, shown

#: Words of the language, which cannot name a term.
RESERVED = frozenset({
    "if", "then", "else", "and", "or", "not", "true", "false", "round", "per", "share", "total",
    "least", "greatest", "for", "each", "from", "through", "in", "as", "of", "among", "where",
})

#: What ``for each P among ...`` ranges over: the parties of the run.
PARTY_SETS = ("holders",)


@lru_cache(maxsize=1)
def _lark() -> Lark:
    """The grammar's parser: read from the cache (a tenth of the time), else built and kept there."""
    saved = on_disk.load("grammar", "clause")
    if isinstance(saved, bytes):
        try:
            return Lark.load(io.BytesIO(saved))
        except Exception:  # a damaged entry, whatever Lark raises reading it: build the parser again
            pass
    parser = Lark(
        resource("clause.lark").read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=True,
    )
    saved_parser = io.BytesIO()
    parser.save(saved_parser)
    on_disk.store("grammar", "clause", saved_parser.getvalue())
    return parser


@lru_cache(maxsize=1)
def _token_parser() -> Lark:
    """A parser of the grammar that keeps every token (keywords and punctuation too)."""
    return Lark(resource("clause.lark").read_text(encoding="utf-8"), parser="lalr", keep_all_tokens=True)


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Every token of a formula as the parser reads it: start, end and terminal name, in order.

    For showing a formula (keywords, names, literals, operators); ``text`` must parse.
    """
    try:
        tree = _token_parser().parse(text)
    except LarkError as exc:
        raise FormulaSyntaxError(str(exc), 0) from None
    found = [(t.start_pos or 0, t.end_pos or 0, t.type)
             for t in tree.scan_values(lambda v: isinstance(v, Token))]
    return sorted(found)


def _span(meta: Any) -> tuple[int, int]:
    return (meta.start_pos, meta.end_pos)


def _tok_span(token: Token) -> tuple[int, int]:
    start = token.start_pos or 0
    return (start, token.end_pos if token.end_pos is not None else start + len(token))


_OPS = {"×": "*", "÷": "/", "≠": "!=", "≤": "<=", "≥": ">="}


def _number(token: Token, parse: Callable[[str], Fraction]) -> Fraction:
    """The exact value of a number the grammar matched; past ``MAX_LITERAL_DIGITS``, an error at it."""
    try:
        return parse(str(token))
    except ValueError as exc:  # the grammar matched it, so it is only too long
        raise FormulaLimitError(str(exc), token.start_pos or 0) from None


class _ToAst:
    """Builds an ``ast`` node from a Lark tree's meta and its children, already built; each
    method is named for the rule (or alias) of ``clause.lark`` it builds."""

    def _literal(self, meta: Any, value: object, literal_type: Any) -> ast.Literal:
        return ast.Literal(_span(meta), value, literal_type)

    def money(self, meta: Any, c: list[Token]) -> ast.Node:
        return self._literal(meta, _number(c[0], parse_money), MONEY_T)

    def price(self, meta: Any, c: list[Token]) -> ast.Node:
        return self._literal(meta, _number(c[0], parse_money), PRICE)

    def percent(self, meta: Any, c: list[Token]) -> ast.Node:
        node = self._literal(meta, _number(c[0], parse_percent), RATIO)
        node.percent = True
        return node

    def number(self, meta: Any, c: list[Token]) -> ast.Node:
        # A whole number (7,500) counts; one written with a decimal point (1.25, .06) is a ratio.
        return self._literal(meta, _number(c[0], parse_number), RATIO if "." in c[0] else COUNT)

    def shares(self, meta: Any, c: list[Token]) -> ast.Node:
        return self._literal(meta, _number(c[0], parse_number), SHARES_T)

    def duration(self, meta: Any, c: list[Token]) -> ast.Node:
        unit = " ".join(c[1].split())
        kind = {"trading": TRADING_DAYS_T, "business": BUSINESS_DAYS_T, "year": YEARS_T,
                "years": YEARS_T, "month": MONTHS_T, "months": MONTHS_T}.get(unit.split()[0], DAYS_T)
        return self._literal(meta, _number(c[0], parse_number), kind)

    def date(self, meta: Any, c: list[Token]) -> ast.Node:
        try:
            return self._literal(meta, parse_date(str(c[0])), DATE)
        except ValueError as exc:
            raise FormulaSyntaxError(str(exc), meta.start_pos) from None

    def time(self, meta: Any, c: list[Token]) -> ast.Node:
        try:
            return self._literal(meta, parse_time(str(c[0])), TIME)
        except ValueError as exc:
            raise FormulaSyntaxError(str(exc), meta.start_pos) from None

    def text(self, meta: Any, c: list[Token]) -> ast.Node:
        return self._literal(meta, str(c[0])[1:-1], TEXT)

    def total(self, meta: Any, c: list[Any]) -> ast.Node:
        return ast.Total(_span(meta), str(c[0]), str(c[1]), str(c[2]), c[3], c[4])

    def total_in(self, meta: Any, c: list[Any]) -> ast.Node:
        return ast.Total(_span(meta), str(c[0]), str(c[1]), str(c[2]), None, None, keys=c[3])

    def total_among(self, meta: Any, c: list[Any]) -> ast.Node:
        if str(c[3]) not in PARTY_SETS:
            raise FormulaSyntaxError(f"'among' takes {' or '.join(PARTY_SETS)} (the parties of the run), "
                                     f"not {str(c[3])!r}", c[3].start_pos)
        return ast.Total(_span(meta), str(c[0]), str(c[1]), str(c[2]), None, None,
                         among=str(c[3]), where=c[4])

    def true(self, meta: Any, c: list[Token]) -> ast.Node:
        return self._literal(meta, True, BOOLEAN)

    def false(self, meta: Any, c: list[Token]) -> ast.Node:
        return self._literal(meta, False, BOOLEAN)

    def name(self, meta: Any, c: list[Token]) -> ast.Node:
        return ast.Name(_span(meta), str(c[0]))

    def negate(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return ast.Negate(_span(meta), c[0])

    def not_op(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return ast.Not(_span(meta), c[0])

    def arithmetic(self, meta: Any, c: list[Any]) -> ast.Node:
        ops = [_OPS.get(str(op), str(op)) for op in c[1::2]]
        return ast.Arithmetic(_span(meta), list(c[0::2]), ops)

    def compare(self, meta: Any, c: list[Any]) -> ast.Node:
        op = str(c[1])
        return ast.Compare(_span(meta), _OPS.get(op, op), c[0], c[2])

    def and_op(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return ast.Logical(_span(meta), "and", list(c))

    def or_op(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return ast.Logical(_span(meta), "or", list(c))

    def if_expr(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return ast.If(_span(meta), c[0], c[1], c[2])

    def round_op(self, meta: Any, c: list[Any]) -> ast.Node:
        direction, step, operand = c
        step_word = str(step).split()[-1] if step is not None else "whole"
        return ast.Round(_span(meta), str(direction or "nearest"), step_word, operand)

    def index(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return ast.Index(_span(meta), c[0], c[1])

    def as_of(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return ast.AsOf(_span(meta), c[0], c[1])

    def call(self, meta: Any, c: list[Any]) -> ast.Node:
        function, *arguments = c
        args: list[ast.Node] = []
        keywords: list[ast.Keyword] = []
        for argument in arguments:
            if argument is None:  # f() with no arguments
                continue
            if isinstance(argument, ast.Keyword):
                keywords.append(argument)
            elif keywords:
                raise FormulaSyntaxError(
                    "a positional argument cannot follow a keyword argument", argument.span[0]
                )
            else:
                args.append(argument)
        return ast.Call(_span(meta), str(function), args, keywords)

    def positional(self, meta: Any, c: list[ast.Node]) -> ast.Node:
        return c[0]

    def keyword(self, meta: Any, c: list[Any]) -> ast.Keyword:
        return ast.Keyword(str(c[0]), c[2], _span(meta))


_EXPECTED_NAMES = {
    "NAME": "a name",
    "MONEY": "an amount like $6.03",
    "NUMBER": "a number",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "ADD": "+ or -",
    "MUL": "× or /",
    "COMPARE": "a comparison",
    "$END": "the end of the formula",
}


def _describe_expected(expected: set[str]) -> str:
    words = sorted({_EXPECTED_NAMES.get(e, e.lower().strip("_")) for e in expected})
    if len(words) > 6:
        return "an operator or the end of the formula" if "RPAR" in expected else "an expression"
    return ", ".join(words)


def parse_formula(text: str) -> ast.Node:
    """Parse one formula. Raises ``FormulaSyntaxError`` with the offset of the problem."""
    if not text.strip():
        raise FormulaSyntaxError("empty formula", 0)
    if len(text) > MAX_STRING_CHARS:
        raise FormulaLimitError(f"the formula is {len(text):,} characters long: the limit is "
                                f"{MAX_STRING_CHARS:,}", 0)
    try:
        tree: Tree[Token] = _lark().parse(text)
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream or 0
        raise FormulaSyntaxError(f"unexpected character {text[pos]!r}", pos) from None
    except UnexpectedEOF as exc:
        raise FormulaSyntaxError(
            f"formula ends too early; expected {_describe_expected(set(exc.expected))}", len(text)
        ) from None
    except UnexpectedToken as exc:
        token = exc.token
        if token.type == "$END":
            raise FormulaSyntaxError(
                f"formula ends too early; expected {_describe_expected(exc.expected)}",
                len(text.rstrip()),
            ) from None
        raise FormulaSyntaxError(
            f"unexpected {shown(str(token))}; expected {_describe_expected(exc.expected)}",
            token.start_pos or 0,
        ) from None
    except UnexpectedInput as exc:  # pragma: no cover - the three above are exhaustive today
        raise FormulaSyntaxError(str(exc), getattr(exc, "pos_in_stream", 0) or 0) from None
    result = _to_ast(tree)
    if not isinstance(result, ast.Node):  # a bare token cannot come out of this grammar
        raise FormulaSyntaxError("not an expression", 0)
    return result


#: Rules that wrap an argument and are no level of their own in the syntax tree.
_WRAPPERS = frozenset({"positional", "keyword"})


def _to_ast(tree: Tree[Token]) -> Any:
    """The syntax tree of a Lark parse tree, built children first with a stack of its own
    rather than Python's, refusing a formula nested deeper than ``MAX_NESTING``."""
    builder = _ToAst()
    built: list[Any] = []  # the nodes built so far whose parent is not built yet, in order
    todo: list[tuple[Any, int, bool]] = [(tree, 0, False)]  # (tree, depth above it, children built)
    while todo:
        node, depth, ready = todo.pop()
        if not isinstance(node, Tree):  # a token, or None for an optional part left out
            built.append(node)
            continue
        if ready:
            count = len(node.children)
            children = built[len(built) - count:]
            del built[len(built) - count:]
            built.append(getattr(builder, str(node.data))(node.meta, children))
            continue
        level = depth if node.data in _WRAPPERS else depth + 1
        if level > MAX_NESTING:
            raise FormulaLimitError(
                f"the formula nests more than {MAX_NESTING} expressions deep here (the limit: "
                "each operator chain, minus sign, not, round, if, comparison, call and index "
                "counts one); give a part of it a name of its own in definitions",
                node.meta.start_pos)
        todo.append((node, depth, True))
        todo.extend((child, level, False) for child in reversed(node.children))
    return built[0]


@cache
def _parsed_once(text: str) -> ast.Node:
    return parse_formula(text)


def parsed_formula(text: str) -> ast.Node:
    """A formula's tree, parsed once per text in a run; each caller gets a copy of its own
    (linking builds new trees from it, and checking types it)."""
    return copy.deepcopy(_parsed_once(text))
