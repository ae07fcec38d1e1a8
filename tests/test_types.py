"""Counts, enums and values with their units: what the checker accepts and where it complains.

Contracts are written below the three-line header of support.HEADER, so the body's first line
is line 4 of the file. Every fixture is laid out by provision.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from support import values
from test_checker import problems

from interpreter.check.checker import check
from interpreter.diagnostics import ClauseError
from interpreter.link.loader import load_program
from interpreter.rational import Fraction as F
from interpreter.resources import resource
from interpreter.run.scenario import load_scenario
from interpreter.syntax import ast
from interpreter.syntax.parser import parse_formula
from interpreter.types import COUNT, RATIO, SHARES_T, UNIT_NAMES, Enum, List, parse_type

# Lines 4-21: the definition's formula is on line 21 and starts at column 18 (8 spaces and
# "formula: ").
BODY = """\
provisions:
  T 1:
    text: quoted
    parameters:
      fee: {{type: money, value: $5.00}}
      kinds: {{type: count, value: 11}}
      rate: {{type: ratio, value: 1.5}}
    inputs:
      venue: {{type: 'one of nyse, amex, other', description: where the stock is listed, default: '"nyse"'}}
      day: {{type: date, description: the day the listing changes}}
    events:
      listing: {{date: day, fields: [venue], description: the listing changes}}
    market:
      bids: {{type: price, description: closing bids}}
    definitions:
      x:
        type: {type}
        formula: {formula}
"""
FORMULA = "21:18"


def one_formula(contract, formula: str, type_: str) -> list[str]:
    return problems(contract(BODY.format(type=type_, formula=formula)))


# -- enums -----------------------------------------------------------------------------------

def test_an_unknown_member_in_a_comparison(contract) -> None:
    # "nyes" starts 8 characters into the formula: column 18 + 8 = 26.
    assert one_formula(contract, 'venue = "nyes"', "boolean") == [
        "21:26: 'nyes' is not one of nyse, amex, other"]
    assert one_formula(contract, 'venue = "nyse" or "amex" != venue', "boolean") == []


def test_an_unknown_member_in_an_if_branch(contract) -> None:
    # 'if venue = "nyse" then venue else ' is 34 characters: "othr" is at column 18 + 34 = 52.
    assert one_formula(contract, 'if venue = "nyse" then venue else "othr"',
                       "one of nyse, amex, other") == ["21:52: 'othr' is not one of nyse, amex, other"]
    # Both branches literals: checked against the declared type.
    assert one_formula(contract, 'if venue = "nyse" then "amex" else "nyse"',
                       "one of nyse, amex, other") == []


def test_enums_are_not_ordered_and_not_other_types(contract) -> None:
    assert one_formula(contract, 'venue < "nyse"', "boolean") == [
        f"{FORMULA}: cannot order values of type one of nyse, amex, other"]
    assert one_formula(contract, "venue = fee", "boolean") == [
        f"{FORMULA}: cannot compare one of nyse, amex, other with money"]


def test_an_unknown_member_in_a_value_and_a_default(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            parameters:
              exchange: {type: 'one of nyse, amex, other', value: nyes}
            inputs:
              venue: {type: 'one of nyse, amex, other', description: where, default: '"amx"'}
        """)
    # Line 8: '      exchange: {type: 'one of nyse, amex, other', value: ' is 58 characters.
    # Line 10: '      venue: {type: 'one of nyse, amex, other', description: where, default: ' is 77
    # characters: the default (its YAML quote) is at column 78.
    assert problems(path) == ["8:59: exchange: 'nyes' is not one of nyse, amex, other",
                              "10:78: venue: 'amx' is not one of nyse, amex, other"]


def test_a_member_is_listed_once_and_has_no_spaces(contract) -> None:
    # '      venue: {type: ' is 20 characters: the type is at column 21 of line 10.
    template = """\
        provisions:
          T 1:
            text: quoted
            inputs:
              venue: {{type: '{type}', description: where}}
        """
    assert problems(contract(template.format(type="one of nyse, amex, nyse"))) == [
        "8:21: venue: 'nyse' listed twice: write each member once"]
    got = problems(contract(template.format(type="one of nyse, american stock exchange")))
    assert got == ["8:21: provisions.T 1.inputs.venue.type: 'american stock exchange' cannot be a member "
                   "of an enum: write words without spaces or quotes, separated by commas "
                   "(one of low, high, other)"]


def test_an_enum_given_with_set(contract) -> None:
    path = contract(BODY.format(type="boolean", formula='venue = "amex"'))
    assert values(path, "x", venue='"amex"') == {"x": True}
    with pytest.raises(ClauseError) as info:
        values(path, "x", venue='"nyes"')
    assert str(info.value) == """error: --set venue="nyes": 'nyes' is not one of nyse, amex, other"""


def test_an_enum_in_a_scenario(contract, tmp_path: Path) -> None:
    contract(BODY.format(type="boolean", formula='venue = "amex"'))
    scenario = tmp_path / "s.yaml"
    scenario.write_text(textwrap.dedent("""\
        title: t
        contracts: [c.yaml]
        as_of: 1999-07-31
        facts: {venue: amex}
        events:
          - {date: 1999-07-01, event: listing, venue: nyes}
        """))
    # Line 6: '  - {date: 1999-07-01, event: listing, venue: ' is 46 characters.
    with pytest.raises(ClauseError) as info:
        load_scenario(scenario)
    assert [(d.line, d.column, d.message) for d in info.value.diagnostics] == [
        (6, 47, "venue: 'nyes' is not one of nyse, amex, other")]
    scenario.write_text(scenario.read_text().replace("venue: nyes", "venue: other"))
    loaded = load_scenario(scenario)
    assert loaded.facts == {"venue": "amex"} and loaded.events[0].fields == {"venue": "other"}


# -- counts ----------------------------------------------------------------------------------

def test_a_count_used_as_money(contract) -> None:
    assert one_formula(contract, "kinds + fee", "money") == [f"{FORMULA}: cannot add money to count"]
    assert one_formula(contract, "fee > kinds", "boolean") == [f"{FORMULA}: cannot compare money with count"]
    # A whole number written alone is a count too.
    assert one_formula(contract, "fee - 1", "money") == [f"{FORMULA}: cannot subtract count from money"]


def test_a_count_is_whole_and_not_negative(contract) -> None:
    assert one_formula(contract, "-1", "count") == [f"{FORMULA}: -1 is negative; a count is a whole "
                                                    "number, 0 or more"]
    # 'if day = day then 2 else ' is 25 characters: 2.5 is at column 18 + 25 = 43.
    assert one_formula(contract, "if day = day then 2 else 2.5", "count") == [
        "21:43: 2.5 is not a whole number; a count is a whole number, 0 or more"]
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            parameters:
              lowest_bids: {type: count, value: 6.5}
        """)
    # Line 8: '      lowest_bids: {type: count, value: ' is 40 characters.
    assert problems(path) == ["8:41: lowest_bids: 6.5 is not a whole number; a count is a whole number, "
                              "0 or more"]


def test_lowest_takes_a_count(contract) -> None:
    window = "window(bids, 10 trading days, ending = day)"
    assert one_formula(contract, f"lowest(kinds, {window})", "list of price") == []
    assert one_formula(contract, f"lowest(rate, {window})", "list of price") == [
        f"{FORMULA}: lowest: how many to take must be a count (a whole number, such as 6), not ratio"]


@pytest.mark.parametrize(("formula", "expected"), [
    ("kinds + 2", COUNT),             # count + count
    ("kinds × 2", COUNT),             # count × count
    ("kinds - 2", RATIO),             # a difference may be negative
    ("-kinds", RATIO),
    ("kinds / 2", RATIO),             # a quotient may be a fraction
    ("kinds + rate", RATIO),          # a count is a ratio
    ("kinds × rate", RATIO),
    ("kinds × 1 share", SHARES_T),    # count × quantity keeps the quantity's unit
    ("round up (kinds / 2)", RATIO),
    ("greater_of(kinds, 1.5)", RATIO),
    ("count(window(bids, 10 trading days, ending = day))", COUNT),
    ("average(lowest(kinds, window(bids, 10 trading days, ending = day)))",
     parse_type("price")),
])
def test_count_arithmetic(contract, formula: str, expected: object) -> None:
    program = load_program(str(contract(BODY.format(type="ratio", formula=formula))))
    check(program)
    formula_ = program.terms["x"].formula
    assert formula_ is not None and formula_.node.type == expected


def test_counts_fit_where_ratios_are_declared(contract) -> None:
    assert one_formula(contract, "kinds", "ratio") == []
    assert one_formula(contract, "rate", "count") == [f"{FORMULA}: x is declared count but its formula "
                                                      "gives ratio"]
    assert one_formula(contract, "sqrt(4) × kinds", "ratio") == []


def test_a_count_given_with_set(contract) -> None:
    path = contract(BODY.format(type="count", formula="kinds × 2"))
    assert values(path, "x", kinds="6") == {"x": 12}
    assert values(path, "x", kinds="6.0") == {"x": 12}  # what a person types is read kindly
    with pytest.raises(ClauseError, match=r"^error: --set kinds=6\.5: 6\.5 is not a whole number"):
        values(path, "x", kinds="6.5")
    with pytest.raises(ClauseError, match=r"^error: --set kinds=-1: -1 is negative"):
        values(path, "x", kinds="-1")


# -- values with their units -----------------------------------------------------------------

def test_a_value_without_its_unit(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            parameters:
              premium_year: {type: days, value: 365}
              lot: {type: shares, value: '7,500'}
              price: {type: price, value: $6.03}
              loss: {type: money, value: -5}
            state:
              held: {type: shares by party, initial: 0, description: what each holds}
        """)
    # Values start after 40 ('      premium_year: {type: days, value: '), 33, 34, 33 and
    # 45 ('      held: {type: shares by party, initial: ') characters; lot's at its quote.
    assert problems(path) == [
        "8:41: premium_year: 365 is a count; the term is declared days: write 365 days",
        "9:34: lot: 7,500 is a count; the term is declared shares: write 7,500 shares",
        "10:35: price: $6.03 is money; the term is declared price: write $6.03 per share",
        "11:34: loss: -5 is a ratio; the term is declared money: write -$5.00",
        "13:46: held: 0 is a count; the term is declared shares: write 0 shares",
    ]


def test_a_value_with_its_unit_means_what_it_means_in_a_formula(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            parameters:
              premium_year: {type: days, value: 365 days}
              lot: {type: shares, value: '7,500 shares'}
              price: {type: price, value: $6.03 per share}
              kinds: {type: count, value: 11}
              rate: {type: ratio, value: 2}
        """)
    assert problems(path) == []
    assert values(path, "premium_year", "lot", "price", "kinds", "rate") == {
        "premium_year": 365, "lot": 7500, "price": F("6.03"), "kinds": 11, "rate": 2}


def test_the_schema_knows_every_type_name() -> None:
    pattern = json.loads(resource("contract.schema.json").read_text())["$defs"]["type"]["pattern"]
    for name in [*UNIT_NAMES, "one of nyse, amex, other", "list of one of a, b by party"]:
        assert re.fullmatch(pattern, name), name
        assert str(parse_type(name)) == name
    assert parse_type("list of one of a, b by party").element == List(Enum(("a", "b")))  # type: ignore[attr-defined]


def test_literal_types() -> None:
    for text, expected in [("6", COUNT), ("7,500", COUNT), ("6.0", RATIO), (".06", RATIO), ("6%", RATIO)]:
        node = parse_formula(text)
        assert isinstance(node, ast.Literal) and node.literal_type == expected, text
