"""The validator: one test per kind of error, each asserting the reported line and column.

Contracts are written below a three-line header (see support.HEADER), so the body's first
line is line 4 of the file.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from interpreter.checker import check, load_checked
from interpreter.diagnostics import ClauseError
from interpreter.loader import load_program


def problems(path: Path) -> list[str]:
    """Every diagnostic of a file, as ``line:col: message`` (path stripped)."""
    try:
        program = load_program(str(path))
    except ClauseError as exc:
        return [f"{d.line}:{d.column}: {d.message}" for d in exc.diagnostics]
    return [f"{d.line}:{d.column}: {d.message}" for d in check(program)]


DEF = """\
definitions:
  x:
    type: {type}
    formula: {formula}
    source: T 1
    text: quoted
"""


def one_definition(contract, formula: str, type_: str = "money", extra: str = "") -> list[str]:
    return problems(contract(extra + DEF.format(type=type_, formula=formula)))


PARAMS = """\
parameters:
  cash: {type: money, value: $5.00, source: T 1, text: quoted}
  lot: {type: shares, value: 100 shares, source: T 1, text: quoted}
  day: {type: date, value: 1999-01-04, source: T 1, text: quoted}
  flag: {type: boolean, value: true, source: T 1, text: quoted}
"""
# With PARAMS first, the definition's formula sits on line 4 + 5 + 3 = 12, column 14.
FORMULA_LINE = 12


def test_money_plus_shares(contract) -> None:
    got = one_definition(contract, "cash + lot", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:14: cannot add shares to money"]


def test_date_times_two(contract) -> None:
    got = one_definition(contract, "day × 2", type_="date", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:14: cannot multiply date and count"]  # 2, a whole number, counts


def test_condition_must_be_boolean(contract) -> None:
    got = one_definition(contract, "if lot then cash else cash", extra=PARAMS)
    # the condition ``count`` starts 3 characters into the formula
    assert got == [f"{FORMULA_LINE}:17: the condition of 'if' must be boolean, not shares"]


def test_and_needs_booleans(contract) -> None:
    got = one_definition(contract, "flag and cash", type_="boolean", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:23: 'and' needs a condition (boolean), not money"]


def test_formula_unit_differs_from_declared(contract) -> None:
    got = one_definition(contract, "cash / lot", type_="money", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:14: x is declared money but its formula gives price"]


def test_unit_algebra_gives_declared_types(contract) -> None:
    # price × shares = money; money / price = shares; days / days = ratio.
    assert one_definition(contract, "cash / lot × lot", extra=PARAMS) == []
    assert one_definition(contract, "cash / (cash / lot)", type_="shares", extra=PARAMS) == []
    assert one_definition(contract, "(day - day) / 365 days", type_="ratio", extra=PARAMS) == []


def test_unknown_name_with_suggestion(contract) -> None:
    got = one_definition(contract, "cash + cahs", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:21: unknown name 'cahs'; did you mean 'cash'?"]


def test_syntax_error_inside_a_block_formula(contract) -> None:
    path = contract("""\
        definitions:
          x:
            type: money
            formula: |
              lesser_of(a,
                b +)
            source: T 1
            text: quoted
        """)
    # line 4 definitions, 5 x, 6 type, 7 formula, 8 lesser_of, 9 "        b +)": ')' at column 12
    assert problems(path) == ["9:12: syntax error: unexpected ')'; expected an expression"]


def test_circular_definitions(contract) -> None:
    path = contract("""\
        definitions:
          a: {type: money, formula: b + $1.00, source: T 1, text: quoted}
          b: {type: money, formula: a × 2, source: T 1, text: quoted}
        """)
    got = problems(path)
    assert got == ["5:29: circular definition: a → b → a"]


def test_schema_missing_source_points_at_the_entry(contract) -> None:
    path = contract("""\
        definitions:
          a:
            type: money
            formula: $1.00
            text: quoted
        """)
    assert problems(path) == ["6:5: definitions.a: 'source' is a required property"]


def test_schema_unknown_key_points_at_the_key(contract) -> None:
    path = contract("""\
        definitions:
          a:
            type: money
            formula: $1.00
            source: T 1
            text: quoted
            formual: oops
        """)
    assert problems(path)[0].startswith("10:5: definitions.a: unknown key 'formual'")


def test_unknown_type(contract) -> None:
    got = one_definition(contract, "$1.00", type_="dollars")
    assert len(got) == 1 and got[0].startswith("6:11: definitions.x.type: unknown type 'dollars'")


def test_duplicate_keys_are_errors(contract) -> None:
    path = contract("""\
        parameters:
          a: {type: money, value: $1.00, source: T 1, text: quoted}
          a: {type: money, value: $2.00, source: T 1, text: quoted}
        """)
    assert problems(path) == ["6:3: duplicate key 'a'"]


def test_python_tags_are_refused(contract) -> None:
    path = contract("parameters: !!python/object:os.system {}\n")
    assert problems(path) == ["4:13: YAML tag tag:yaml.org,2002:python/object:os.system is not "
                              "allowed in clause files"]


def test_parameter_value_must_fit_its_type(contract) -> None:
    path = contract("""\
        parameters:
          when: {type: date, value: $5.00, source: T 1, text: quoted}
        """)
    assert problems(path) == ["5:29: when: the value is money, but the term is declared date"]


def test_interpretation_default_must_be_a_choice(contract) -> None:
    path = contract("""\
        interpretations:
          n:
            type: ratio
            source: T 1
            text: quoted
            question: which?
            default: three
            choices:
              one: {formula: "1", reason: r}
              two: {formula: "2", reason: r}
        """)
    assert problems(path) == ["10:14: n: default 'three' is not one of its choices (one, two)"]


def test_rebinding_a_name_the_term_does_not_use(contract) -> None:
    path = contract(PARAMS + textwrap.dedent("""\
        definitions:
          a: {type: money, formula: cash × 2, source: T 1, text: quoted}
          b: {type: money, formula: a(day = 1999-02-01), source: T 1, text: quoted}
        """))
    assert problems(path) == ["11:31: a does not depend on day, so giving it here has no effect"]


def test_builtin_argument_errors(contract) -> None:
    got = one_definition(contract, "average(cash)", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:14: average: the argument must be a list, series or "
                   "party values of quantities, not money"]
    got = one_definition(contract, "window(cash, 3 days, ending = day)", type_="list of money",
                         extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:14: window: the first argument must be a series, not money"]


def test_unknown_calendar(contract) -> None:
    path = contract("parameters: {}\n", header="title: t\ndocument: {title: T, source: t}\n"
                                               "calendars: {business_days: [NOPE]}\n")
    got = problems(path)
    assert got and got[0].startswith("3:29: unknown holiday calendar 'NOPE'")


def test_load_checked_raises_with_every_problem(contract) -> None:
    path = contract(PARAMS + textwrap.dedent("""\
        definitions:
          a: {type: money, formula: cash + lot, source: T 1, text: quoted}
          b: {type: money, formula: nothing, source: T 1, text: quoted}
        """))
    with pytest.raises(ClauseError) as info:
        load_checked(str(path))
    assert [d.line for d in info.value.diagnostics] == [10, 11]
