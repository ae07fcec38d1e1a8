"""Long and deep formulas: a long chain is one flat node; past a nesting limit, a located error.

Contracts are support.HEADER, support.PROVISION and definitions; the first definition's
formula is at support.FORMULA_LINE, FORMULA_COLUMN.
"""

from __future__ import annotations

import datetime as dt

from support import FORMULA_COLUMN as COLUMN
from support import FORMULA_LINE as LINE
from support import PROVISION, SMALL_MARKET, definitions, values

from interpreter.limits import MAX_NESTING, MAX_TERM_CHAIN
from interpreter.rational import Fraction as F


def test_ten_thousand_terms_validate_and_evaluate(contract, cli) -> None:
    terms = range(1, 10_001)
    path = contract(PROVISION + definitions(
        ("schedule", "money", " + ".join(f"${i}" for i in terms)),
        ("all_true", "boolean", " and ".join("yes" for _ in terms)),
        ("product", "money", "p" + " × 2 / 2" * 5_000)))
    assert cli("validate", path).code == 0
    got = values(path, "schedule", "all_true", "product")
    # 1 + 2 + ... + 10,000 = 10,000 × 10,001 / 2; (×2 /2) five thousand times leaves $1.
    assert got == {"schedule": F(50_005_000), "all_true": True, "product": F(1)}


def test_a_chain_is_read_from_the_left(contract) -> None:
    # 1999-07-16 is a Friday: one trading day on is Monday the 19th, and a day after that the
    # 20th; a day on first is Saturday the 17th, and the next trading day Monday the 19th.
    path = contract(PROVISION + definitions(
        ("trading_first", "date", "1999-07-16 + 1 trading day + 1 day"),
        ("calendar_first", "date", "1999-07-16 + 1 day + 1 trading day"),
        ("back_and_on", "date", "1999-07-19 - 1 trading day + 3 days - 1 trading day"),
        ("difference", "money", "$10 - $3 - $2 + $1"),
        ("quotient", "ratio", "12 / 3 / 2 × 5")))
    got = values(path, "trading_first", "calendar_first", "back_and_on", "difference", "quotient",
                 market=SMALL_MARKET)
    # 07-19 - 1 trading day = Friday 07-16; + 3 days = Monday 07-19; - 1 trading day = 07-16.
    assert got == {"trading_first": dt.date(1999, 7, 20), "calendar_first": dt.date(1999, 7, 19),
                   "back_and_on": dt.date(1999, 7, 16), "difference": F(6), "quotient": F(10)}


def test_and_and_or_stop_at_the_first_operand_that_decides(contract) -> None:
    # Were the last operand evaluated, it would divide by zero.
    path = contract(PROVISION + definitions(
        ("stops_and", "boolean", "yes and not yes and p / 0 > $1"),
        ("stops_or", "boolean", "not yes or yes or p / 0 > $1"),
        ("goes_on", "boolean", "yes and yes and p / 0 > $1")))
    assert values(path, "stops_and", "stops_or") == {"stops_and": False, "stops_or": True}
    try:
        values(path, "goes_on")
    except Exception as exc:  # the third operand is reached
        assert "division by zero" in str(exc)
    else:
        raise AssertionError("the third operand was not evaluated")


def test_a_type_error_in_a_chain_is_at_the_chain(contract, cli) -> None:
    path = contract(PROVISION + definitions(("x", "money", "p + p + yes + p")))
    run = cli("validate", path)
    assert run.out == f"{path}:{LINE}:{COLUMN}: error: cannot add money and boolean\n"


#: One formula of each kind of nesting, ``n`` levels deep (the innermost operand included),
#: and the offset of the first expression at level ``n`` (where the error is, past the limit).
NESTED = {
    "minus signs": ("money", lambda n: "-" * (n - 1) + "p", lambda n: n - 1),
    "parentheses": ("money", lambda n: "(p + " * (n - 1) + "p" + ")" * (n - 1), lambda n: 5 * (n - 2) + 1),
    "conditions": ("money", lambda n: "if yes then p else " * (n - 1) + "p", lambda n: 19 * (n - 2) + 3),
    "negations": ("boolean", lambda n: "not " * (n - 1) + "yes", lambda n: 4 * (n - 1)),
    "roundings": ("money", lambda n: "round " * (n - 1) + "p", lambda n: 6 * (n - 1)),
    "calls": ("money", lambda n: "abs(" * (n - 1) + "p" + ")" * (n - 1), lambda n: 4 * (n - 1)),
}


def test_each_kind_of_nesting_evaluates_at_the_limit(contract) -> None:
    path = contract(PROVISION + definitions(*((name.replace(" ", "_"), type_, write(MAX_NESTING))
                                              for name, (type_, write, _) in NESTED.items())))
    got = values(path, *(name.replace(" ", "_") for name in NESTED))
    # 99 minus signs (an odd number) leave -p, 99 nots leave not yes; 99 nested sums add 100 p.
    odd = (MAX_NESTING - 1) % 2 == 1
    assert got == {"minus_signs": F(-1) if odd else F(1), "parentheses": F(MAX_NESTING),
                   "conditions": F(1), "negations": not odd, "roundings": F(1), "calls": F(1)}


def test_past_the_nesting_limit_a_located_error_names_it(contract, cli) -> None:
    for kind, (type_, write, offset) in NESTED.items():
        path = contract(PROVISION + definitions(("x", type_, write(MAX_NESTING + 1))), name=f"{kind}.yaml")
        run = cli("validate", path)
        # The error is at the first expression past the limit: for 100 minus signs, the name
        # they negate, at offset 100; for 100 ifs, the condition of the last.
        assert run.code == 1, kind
        assert run.out.startswith(f"{path}:{LINE}:{COLUMN + offset(MAX_NESTING + 1)}: error: the formula "
                                  f"nests more than {MAX_NESTING} expressions deep here"), (kind, run.out)


def test_five_thousand_minus_signs_are_an_error_not_a_crash(contract, cli) -> None:
    path = contract(PROVISION + definitions(("x", "money", "-" * 5_000 + "p"), ("y", "money",
                                            "abs(" * 3_000 + "p" + ")" * 3_000)))
    run = cli("validate", path)
    assert run.code == 1
    assert run.out.count(f"nests more than {MAX_NESTING} expressions deep") == 2
    assert f"c.yaml:{LINE}:{COLUMN + MAX_NESTING}: error:" in run.out


def chain(count: int) -> str:
    """``t1`` uses ``p`` and each ``tN`` the one before: a chain of ``count`` terms with ``p``."""
    return definitions(("t1", "money", "p + $1"),
                       *((f"t{i}", "money", f"-(-(t{i - 1} + $1))") for i in range(2, count)))


def test_a_chain_of_terms_at_the_limit_evaluates(contract) -> None:
    path = contract(PROVISION + chain(MAX_TERM_CHAIN))
    # p is $1, and each of the 99 terms adds $1.
    assert values(path, f"t{MAX_TERM_CHAIN - 1}") == {f"t{MAX_TERM_CHAIN - 1}": F(MAX_TERM_CHAIN)}


def test_past_the_chain_limit_a_located_error_at_the_first_term_past_it(contract, cli) -> None:
    path = contract(PROVISION + chain(2 * MAX_TERM_CHAIN))
    run = cli("validate", path)
    assert run.code == 1
    # t100 is the first term whose chain (t100, t99, ..., t1, p) is 101 terms long; its
    # definition's formula is on line LINE + 3 × 99, where "t99" is 4 characters in.
    name = f"t{MAX_TERM_CHAIN}"
    assert run.out.splitlines() == [
        f"{path}:{LINE + 3 * (MAX_TERM_CHAIN - 1)}:{COLUMN + 4}: error: {name} uses a chain of "
        f"{MAX_TERM_CHAIN + 1} terms, each using the next ({name} → t{MAX_TERM_CHAIN - 1} → "
        f"t{MAX_TERM_CHAIN - 2} → … → p); the limit is {MAX_TERM_CHAIN}: write some of them as one formula"]


def test_a_ring_of_terms_is_one_circular_definition(contract, cli) -> None:
    count = 2_000
    path = contract(PROVISION + definitions(*((f"t{i}", "money", f"t{(i + 1) % count} + $1")
                                              for i in range(count))))
    run = cli("validate", path)
    assert run.code == 1
    head = run.out.splitlines()[0]
    assert head.startswith(f"{path}:{LINE}:{COLUMN}: error: circular definition: t0 → t1 → t2 → ")
    assert head.endswith(" → t1999 → t0")
    assert run.out.count("circular definition") == 1
