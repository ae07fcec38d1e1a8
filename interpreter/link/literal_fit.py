"""Whether a literal can stand as a value of a declared type: a file's value (a parameter's
``value``, an ``initial`` value, a ``default``), a ``--set`` value, a scenario's fact.

Apart from the loader so that a command reading ``--set`` values from a program in the
cache need not load the loader (and the parser and schemas it reads files with).
"""

from __future__ import annotations

from ..display import human
from ..syntax import ast
from ..types import COUNT, MONEY_T, PRICE, RATIO, TEXT, Enum, Quantity, Type, fits


def literal_problem(node: ast.Node, expected: Type, text: str) -> str | None:
    """Why a literal cannot stand where a value of ``expected`` is wanted, though its type nearly fits.

    A word for an enum must be one of its members; a number for a count must be whole and
    not negative. ``text`` is the formula ``node`` was read from. None when neither applies.
    """
    target = ast.signed_literal(node)
    if target is None:
        return None
    if isinstance(expected, Enum) and target.literal_type == TEXT:
        return expected.not_a_member(target.value)
    if expected == COUNT and target.literal_type in (COUNT, RATIO) and not target.percent:
        written = text[node.span[0]:node.span[1]]
        if isinstance(node, ast.Negate) and target.value:
            return f"{written} is negative; a count is a whole number, 0 or more"
        if target.value.denominator != 1:
            return f"{written} is not a whole number; a count is a whole number, 0 or more"
    return None


def value_problem(node: ast.Node, declared: Type, text: str, *, coerce: bool = False) -> str | None:
    """What is wrong with a literal given as a value of ``declared``; leaves non-literals alone.

    A file's value (a parameter's ``value``, an ``initial`` value, a literal ``default``)
    means what the same text means in a formula, so a missing unit is an error that says
    what to write (``365 is a count; the term is declared days: write 365 days``).
    With ``coerce``, for what a person types (``--set``, a scenario), a plain number takes
    any unit and an amount of money may be a price: the literal takes the declared type.
    ``text`` is the formula ``node`` was read from.
    """
    target = ast.signed_literal(node)
    if target is None:
        return None
    problem = literal_problem(node, declared, text)
    have = target.literal_type
    if problem or fits(have, declared) or (isinstance(declared, Enum) and have == TEXT):
        return problem
    plain_number = have in (COUNT, RATIO) and not target.percent
    if not ((plain_number and isinstance(declared, Quantity)) or (have == MONEY_T and declared == PRICE)):
        return f"the value is {have}, but the term is declared {declared}"
    if coerce:
        target.literal_type = declared
        return None
    shown = RATIO if isinstance(node, ast.Negate) and have == COUNT else have  # -5 is not a count
    return (f"{text[node.span[0]:node.span[1]]} is {'money' if shown == MONEY_T else f'a {shown}'}; "
            f"the term is declared {declared}: write {human(ast.literal_value(node), declared)}")
