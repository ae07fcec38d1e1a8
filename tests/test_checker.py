"""The validator: one test per kind of error, each asserting the reported line and column.

Contracts are written below a three-line header (see support.HEADER), so the body's first
line is line 4 of the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interpreter.check.checker import check
from interpreter.diagnostics import ClauseError
from interpreter.link.loader import load_program
from interpreter.pipeline import load_checked


def problems(path: Path) -> list[str]:
    """Every diagnostic of a file, as ``line:col: message`` (path stripped)."""
    try:
        program = load_program(str(path))
    except ClauseError as exc:
        return [f"{d.line}:{d.column}: {d.message}" for d in exc.diagnostics]
    return [f"{d.line}:{d.column}: {d.message}" for d in check(program)]


#: The provision the entries below encode; their sections follow it, indented under it.
PROVISION = """\
provisions:
  T 1:
    text: quoted
"""

DEF = """\
    definitions:
      x:
        type: {type}
        formula: {formula}
"""


def one_definition(contract, formula: str, type_: str = "money", extra: str = "") -> list[str]:
    return problems(contract(PROVISION + extra + DEF.format(type=type_, formula=formula)))


PARAMS = """\
    parameters:
      cash: {type: money, value: $5.00}
      lot: {type: shares, value: 100 shares}
      day: {type: date, value: 1999-01-04}
      flag: {type: boolean, value: true}
"""
# With PARAMS first, the definition's formula sits on line 4 + 3 + 5 + 3 = 15, column 18.
FORMULA_LINE = 15


def test_money_plus_shares(contract) -> None:
    got = one_definition(contract, "cash + lot", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:18: cannot add shares to money"]


def test_date_times_two(contract) -> None:
    got = one_definition(contract, "day × 2", type_="date", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:18: cannot multiply date and count"]  # 2, a whole number, counts


def test_condition_must_be_boolean(contract) -> None:
    got = one_definition(contract, "if lot then cash else cash", extra=PARAMS)
    # the condition ``count`` starts 3 characters into the formula
    assert got == [f"{FORMULA_LINE}:21: the condition of 'if' must be boolean, not shares"]


def test_and_needs_booleans(contract) -> None:
    got = one_definition(contract, "flag and cash", type_="boolean", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:27: 'and' needs a condition (boolean), not money"]


def test_formula_unit_differs_from_declared(contract) -> None:
    got = one_definition(contract, "cash / lot", type_="money", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:18: x is declared money but its formula gives price"]


def test_unit_algebra_gives_declared_types(contract) -> None:
    # price × shares = money; money / price = shares; days / days = ratio.
    assert one_definition(contract, "cash / lot × lot", extra=PARAMS) == []
    assert one_definition(contract, "cash / (cash / lot)", type_="shares", extra=PARAMS) == []
    assert one_definition(contract, "(day - day) / 365 days", type_="ratio", extra=PARAMS) == []


def test_unknown_name_with_suggestion(contract) -> None:
    got = one_definition(contract, "cash + cahs", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:25: unknown name 'cahs'; did you mean 'cash'?"]


def test_syntax_error_inside_a_block_formula(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            definitions:
              x:
                type: money
                formula: |
                  lesser_of(a,
                    b +)
        """)
    # line 4 provisions, 5 T 1, 6 text, 7 definitions, 8 x, 9 type, 10 formula, 11 lesser_of,
    # 12 "            b +)": ')' at column 16
    assert problems(path) == ["12:16: syntax error: unexpected ')'; expected an expression"]


def test_circular_definitions(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            definitions:
              a: {type: money, formula: b + $1.00}
              b: {type: money, formula: a × 2}
        """)
    got = problems(path)
    assert got == ["8:33: circular definition: a → b → a"]


def test_missing_quote_points_at_the_entry(contract) -> None:
    # Neither the provision nor the entry quotes the document.
    path = contract("""\
        provisions:
          T 1:
            definitions:
              a:
                type: money
                formula: $1.00
        """)
    assert problems(path) == ["7:7: a: no quoted text: give the provision's 'text', or the entry's own"]


def test_a_source_inside_a_provision_is_an_unknown_key(contract) -> None:
    # An entry's provision is the one it sits in; other provisions go under cites.
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            definitions:
              a:
                type: money
                formula: $1.00
                source: T 2
        """)
    assert problems(path) == ["11:9: provisions.T 1.definitions.a: unknown key 'source' (expected: "
                              "answers, cites, deadline_of, formula, given, note, text, type)"]


def test_schema_unknown_key_points_at_the_key(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            definitions:
              a:
                type: money
                formula: $1.00
                formual: oops
        """)
    assert problems(path)[0].startswith("11:9: provisions.T 1.definitions.a: unknown key 'formual'")


def test_unknown_type(contract) -> None:
    got = one_definition(contract, "$1.00", type_="dollars")
    assert len(got) == 1
    assert got[0].startswith("9:15: provisions.T 1.definitions.x.type: unknown type 'dollars'")


def test_duplicate_keys_are_errors(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            parameters:
              a: {type: money, value: $1.00}
              a: {type: money, value: $2.00}
        """)
    assert problems(path) == ["9:7: duplicate key 'a'"]


def test_python_tags_are_refused(contract) -> None:
    path = contract("provisions: !!python/object:os.system {}\n")
    assert problems(path) == ["4:13: YAML tag tag:yaml.org,2002:python/object:os.system is not "
                              "allowed in clause files"]


def test_parameter_value_must_fit_its_type(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            parameters:
              when: {type: date, value: $5.00}
        """)
    assert problems(path) == ["8:33: when: the value is money, but the term is declared date"]


def test_interpretation_default_must_be_a_choice(contract) -> None:
    path = contract("""\
        provisions:
          T 1:
            text: quoted
            interpretations:
              n:
                type: ratio
                question: which?
                default: three
                choices:
                  one: {formula: "1", reason: r}
                  two: {formula: "2", reason: r}
        """)
    assert problems(path) == ["11:18: n: default 'three' is not one of its choices (one, two)"]


def test_rebinding_a_name_the_term_does_not_use(contract) -> None:
    path = contract(PROVISION + PARAMS + """\
    definitions:
      a: {type: money, formula: cash × 2}
      b: {type: money, formula: a(day = 1999-02-01)}
""")
    assert problems(path) == ["14:35: a does not depend on day, so giving it here has no effect"]


def test_builtin_argument_errors(contract) -> None:
    got = one_definition(contract, "average(cash)", extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:18: average: the argument must be a list, series or "
                   "party values of quantities, not money"]
    got = one_definition(contract, "window(cash, 3 days, ending = day)", type_="list of money",
                         extra=PARAMS)
    assert got == [f"{FORMULA_LINE}:18: window: the first argument must be a series, not money"]


def test_unknown_calendar(contract) -> None:
    path = contract("provisions: {}\n", header="title: t\ndocument: {title: T, source: t}\n"
                                               "calendars: {business_days: [NOPE]}\n")
    got = problems(path)
    assert got and got[0].startswith("3:29: unknown holiday calendar 'NOPE'")


def test_load_checked_raises_with_every_problem(contract) -> None:
    path = contract(PROVISION + PARAMS + """\
    definitions:
      a: {type: money, formula: cash + lot}
      b: {type: money, formula: nothing}
""")
    with pytest.raises(ClauseError) as info:
        load_checked(str(path))
    assert [d.line for d in info.value.diagnostics] == [13, 14]
