"""The expression grammar: literals read like the documents, precedence, and syntax errors."""

from __future__ import annotations

import datetime as dt

import pytest

from interpreter.rational import Fraction as F
from interpreter.syntax import ast
from interpreter.syntax.parser import FormulaSyntaxError, parse_formula
from interpreter.types import BUSINESS_DAYS_T, COUNT, DAYS_T, MONEY_T, PRICE, RATIO, SHARES_T, TRADING_DAYS_T


@pytest.mark.parametrize(("text", "value", "type_"), [
    ("$1,000.00", F(1000), MONEY_T),
    ("$6.03", F(603, 100), MONEY_T),
    ("$6.03 per share", F(603, 100), PRICE),
    ("6%", F(6, 100), RATIO),
    ("4.9%", F(49, 1000), RATIO),
    ("101%", F(101, 100), RATIO),
    (".06", F(6, 100), RATIO),
    ("7,500", F(7500), COUNT),
    ("5,071,913 shares", F(5071913), SHARES_T),
    ("1 share", F(1), SHARES_T),
    ("10 trading days", F(10), TRADING_DAYS_T),
    ("5 business days", F(5), BUSINESS_DAYS_T),
    ("1 business day", F(1), BUSINESS_DAYS_T),
    ("365 days", F(365), DAYS_T),
])
def test_quantity_literals_are_exact(text: str, value: F, type_: object) -> None:
    node = parse_formula(text)
    assert isinstance(node, ast.Literal)
    assert node.value == value and isinstance(node.value, F)
    assert node.literal_type == type_


def test_date_time_and_boolean_literals() -> None:
    assert parse_formula("1999-07-27").value == dt.date(1999, 7, 27)  # type: ignore[attr-defined]
    assert parse_formula("11:59 p.m.").value == dt.time(23, 59)  # type: ignore[attr-defined]
    assert parse_formula("12:00 a.m.").value == dt.time(0, 0)  # type: ignore[attr-defined]
    assert parse_formula("true").value is True  # type: ignore[attr-defined]


def test_multiplication_binds_tighter_than_addition() -> None:
    node = parse_formula("a + b × c")
    assert isinstance(node, ast.Arithmetic) and node.ops == ["+"]
    product = node.operands[1]
    assert isinstance(product, ast.Arithmetic) and product.ops == ["*"]


def test_a_chain_of_one_level_is_one_flat_node_read_from_the_left() -> None:
    node = parse_formula("a - b + c - d")
    assert isinstance(node, ast.Arithmetic) and node.ops == ["-", "+", "-"]
    assert [n.name for n in node.operands] == ["a", "b", "c", "d"]  # type: ignore[attr-defined]
    node = parse_formula("a × b ÷ c * d / e")
    assert isinstance(node, ast.Arithmetic) and node.ops == ["*", "/", "*", "/"]
    node = parse_formula("a and b and c or d")
    assert isinstance(node, ast.Logical) and node.op == "or" and len(node.operands) == 2
    first = node.operands[0]
    assert isinstance(first, ast.Logical) and first.op == "and" and len(first.operands) == 3


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    node = parse_formula("not a or b and c")
    assert isinstance(node, ast.Logical) and node.op == "or"
    assert isinstance(node.operands[0], ast.Not)
    right = node.operands[1]
    assert isinstance(right, ast.Logical) and right.op == "and"


def test_if_then_else_and_comparison() -> None:
    node = parse_formula("if d < 1999-07-27 then x else lesser_of(x, y)")
    assert isinstance(node, ast.If)
    assert isinstance(node.condition, ast.Compare) and node.condition.op == "<"
    assert isinstance(node.otherwise, ast.Call) and node.otherwise.function == "lesser_of"


def test_rounding_forms() -> None:
    up = parse_formula("round up (a × b)")
    assert isinstance(up, ast.Round) and (up.direction, up.step) == ("up", "whole")
    cent = parse_formula("round to cent x")
    assert isinstance(cent, ast.Round) and (cent.direction, cent.step) == ("nearest", "cent")
    down = parse_formula("round down to cent x")
    assert isinstance(down, ast.Round) and (down.direction, down.step) == ("down", "cent")


def test_keyword_arguments_and_term_calls() -> None:
    node = parse_formula("premium(conversion_date = distribution_date)")
    assert isinstance(node, ast.Call) and node.args == []
    assert [k.name for k in node.keywords] == ["conversion_date"]
    # A parenthesised comparison stays a positional argument.
    node = parse_formula("f((a = b))")
    assert isinstance(node, ast.Call) and isinstance(node.args[0], ast.Compare)


def test_indexing_and_trading_day_arithmetic() -> None:
    node = parse_formula("closing_bid_price[conversion_date - 1 trading day]")
    assert isinstance(node, ast.Index)
    assert isinstance(node.index, ast.Arithmetic) and node.index.ops == ["-"]


def test_spans_cover_the_source_text() -> None:
    text = "face_amount + premium"
    node = parse_formula(text)
    assert isinstance(node, ast.Arithmetic)
    assert text[slice(*node.operands[1].span)] == "premium"
    assert node.span == (0, len(text))


@pytest.mark.parametrize(("text", "offset", "message"), [
    ("a + ", 3, "formula ends too early"),
    ("a b", 2, "unexpected 'b'"),
    ("a ? b", 2, "unexpected character '?'"),
    ("1999-13-01", 0, "not a date"),
    ("f(a = 1, 2)", 9, "a positional argument cannot follow a keyword argument"),
    ("", 0, "empty formula"),
])
def test_syntax_errors_carry_their_offset(text: str, offset: int, message: str) -> None:
    with pytest.raises(FormulaSyntaxError) as info:
        parse_formula(text)
    assert info.value.offset == offset
    assert message in info.value.message
