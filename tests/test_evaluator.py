"""The generic evaluator on small contracts: exactness, rounding, dates, calendars, data gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import values

from interpreter.diagnostics import ClauseError
from interpreter.rational import Fraction as F

D = dt.date


def defs(*entries: tuple[str, str, str]) -> str:
    """The definitions of provision T 1 from (name, type, formula) triples, after PROVISION or INPUTS."""
    lines = ["    definitions:"]
    for name, type_, formula in entries:
        lines.append(f"      {name}: {{type: {type_}, formula: \"{formula}\"}}")
    return "\n".join(lines) + "\n"


#: The provision every entry encodes, quoting its text; the entries' sections follow, indented under it.
PROVISION = """\
provisions:
  T 1:
    text: q
"""

INPUTS = PROVISION + """\
    inputs:
      day: {type: date, description: a date}
      amount: {type: money, description: an amount}
    market:
      close: {type: price, description: closing bid}
"""


def test_arithmetic_is_exact_rational(contract) -> None:
    # $1.00 / 3 × 3 is exactly $1.00 (a binary float would not round-trip every case).
    path = contract(PROVISION + defs(("third", "money", "$1.00 / 3"), ("whole", "money", "$1.00 / 3 × 3"),
                                     ("tenth", "money", "$0.10 + $0.20")))
    got = values(path, "third", "whole", "tenth")
    assert got == {"third": F(1, 3), "whole": F(1), "tenth": F(3, 10)}
    assert all(isinstance(v, F) for v in got.values())


@pytest.mark.parametrize(("formula", "expected"), [
    ("round up (7 / 2)", F(4)),
    ("round down (7 / 2)", F(3)),
    ("round (7 / 2)", F(4)),          # halves away from zero
    ("round (-7 / 2)", F(-4)),
    ("round (10 / 3)", F(3)),
    ("round up (6 / 2)", F(3)),       # already whole: unchanged
])
def test_rounding_to_whole_units(contract, formula: str, expected: F) -> None:
    path = contract(PROVISION + defs(("x", "ratio", formula)))
    assert values(path, "x")["x"] == expected


def test_rounding_to_cents(contract) -> None:
    # 6.7838 × 0.995 = 6.749881 → nearest cent 6.75, down 6.74, up 6.75.
    path = contract(PROVISION + defs(("near", "price", "round to cent ($6.7838 per share × 99.5%)"),
                                     ("down", "price", "round down to cent ($6.7838 per share × 99.5%)"),
                                     ("up", "price", "round up to cent ($6.7838 per share × 99.5%)")))
    assert values(path, "near", "down", "up") == {"near": F("6.75"), "down": F("6.74"),
                                                  "up": F("6.75")}


def test_business_days_skip_weekends_and_new_york_holidays(contract) -> None:
    # 1999-11-24 (Wed) + 1 business day: Thursday 11-25 is Thanksgiving → Friday 11-26.
    # 1999-10-08 (Fri) + 1 business day: Monday 10-11 is Columbus Day (a FED holiday) → 10-12.
    # 1999-07-02 (Fri) + 3 business days: 07-05 observed Independence Day → 07-06, 07-07, 07-08.
    path = contract(PROVISION + defs(("a", "date", "1999-11-24 + 1 business day"),
                                     ("b", "date", "1999-10-08 + 1 business day"),
                                     ("c", "date", "1999-07-02 + 3 business days"),
                                     ("d", "date", "1999-07-06 - 1 business day"),
                                     ("e", "days", "1999-12-18 - 1998-12-18"),
                                     ("f", "days", "days_between(1998-12-18, 1999-03-01)"),
                                     ("g", "boolean", "is_business_day(1999-10-11)")))
    got = values(path, "a", "b", "c", "d", "e", "f", "g")
    assert got == {"a": D(1999, 11, 26), "b": D(1999, 10, 12), "c": D(1999, 7, 8),
                   "d": D(1999, 7, 2), "e": 365, "f": 73, "g": False}


def test_if_evaluates_only_the_branch_taken(contract) -> None:
    # ``amount`` is never given: the else branch must not be evaluated.
    path = contract(INPUTS + defs(("x", "money", "if 1999-01-01 < 1999-07-27 then $1.00 else amount")))
    assert values(path, "x")["x"] == 1


def test_rebinding_a_term_to_another_date(contract) -> None:
    path = contract(INPUTS + defs(("age", "days", "day - 1998-12-18"),
                                  ("age_at_new_year", "days", "age(day = 1999-01-01)")))
    got = values(path, "age", "age_at_new_year", day="1999-03-01")
    assert got == {"age": 73, "age_at_new_year": 14}


def test_division_by_zero_points_into_the_formula(contract) -> None:
    path = contract(INPUTS + defs(("x", "ratio", "amount / amount")))
    with pytest.raises(ClauseError) as info:
        values(path, "x", amount="$0")
    diagnostic = info.value.diagnostics[0]
    # line 13 of the file; the formula text starts after `      x: {type: ratio, formula: "`
    assert (diagnostic.line, diagnostic.column) == (13, 34)
    assert diagnostic.message == "division by zero (in x)"


def write_market(tmp_path: Path, days: list[str], name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_text("date,close\n" + "".join(f"{d},{i + 1}\n" for i, d in enumerate(days)))
    return path


JULY = ["1999-07-19", "1999-07-20", "1999-07-21", "1999-07-22", "1999-07-23",
        "1999-07-26", "1999-07-27", "1999-07-28", "1999-07-29", "1999-07-30"]


def test_window_and_lowest(contract, tmp_path: Path) -> None:
    # closes are 1..10 on the ten July days; the 4 days ending 07-29 are 6,7,8,9.
    market = write_market(tmp_path, JULY)
    path = contract(INPUTS + defs(
        ("w", "list of price", "window(close, 4 trading days, ending = day - 1 trading day)"),
        ("low", "price", "average(lowest(2, w))"),
        ("high", "price", "sum(highest(2, w))")))
    got = values(path, "w", "low", "high", day="1999-07-30", market=market)
    assert got == {"w": [6, 7, 8, 9], "low": F(13, 2), "high": 17}


def test_window_over_a_missing_trading_day_is_an_error_naming_it(contract, tmp_path: Path) -> None:
    market = write_market(tmp_path, [d for d in JULY if d != "1999-07-22"])
    path = contract(INPUTS + defs(("w", "list of price", "window(close, 4 trading days, ending = day)")))
    with pytest.raises(ClauseError, match="has no data for 1999-07-22, which the XNAS calendar says "
                                          "were trading days"):
        values(path, "w", day="1999-07-26", market=market)


def test_window_before_the_first_date_is_an_error(contract, tmp_path: Path) -> None:
    market = write_market(tmp_path, JULY)
    path = contract(INPUTS + defs(("w", "list of price", "window(close, 4 trading days, ending = day)")))
    with pytest.raises(ClauseError, match=r"needs 4 trading days up to 1999-07-21, but .* starts on "
                                          r"1999-07-19 with 3 of them"):
        values(path, "w", day="1999-07-21", market=market)


def test_previous_trading_day_beyond_the_data_is_an_error(contract, tmp_path: Path) -> None:
    # The data ends 07-30 (Friday); the trading day before 08-04 is 08-03, which is missing.
    market = write_market(tmp_path, JULY)
    path = contract(INPUTS + defs(("p", "date", "day - 1 trading day")))
    assert values(path, "p", day="1999-08-02", market=market)["p"] == D(1999, 7, 30)
    with pytest.raises(ClauseError, match="no data for 1999-08-02, 1999-08-03"):
        values(path, "p", day="1999-08-04", market=market)


def test_series_value_on_a_date(contract, tmp_path: Path) -> None:
    market = write_market(tmp_path, JULY)
    path = contract(INPUTS + defs(("m", "price", "close[day]")))
    assert values(path, "m", day="1999-07-21", market=market)["m"] == 3
    with pytest.raises(ClauseError, match=r"close has no value on 1999-07-24 \(not a trading day"):
        values(path, "m", day="1999-07-24", market=market)


def test_lowest_more_than_available_is_an_error(contract, tmp_path: Path) -> None:
    market = write_market(tmp_path, JULY)
    path = contract(INPUTS + defs(("x", "list of price",
                                   "lowest(5, window(close, 3 trading days, ending = day))")))
    with pytest.raises(ClauseError, match="cannot take the 5 lowest of 3 values"):
        values(path, "x", day="1999-07-30", market=market)


def test_set_overrides_a_definition(contract) -> None:
    path = contract(PROVISION + defs(("a", "money", "$2.00"), ("b", "money", "a × 3")))
    assert values(path, "b")["b"] == 6
    assert values(path, "b", a="$5")["b"] == 15


def test_square_root_volatility_and_black_scholes(contract, tmp_path: Path) -> None:
    # Hull's textbook call: S = 42, K = 40, σ = 20%, r = 10%, T = 0.5 year (182.5 days) → 4.7594.
    # Volatility of closes 1, 2, ..., 10 (the JULY file): log returns ln(2/1), ..., ln(10/9).
    market = write_market(tmp_path, JULY)
    path = contract(INPUTS + defs(
        ("call", "price", "black_scholes($42 per share, $40 per share, 20%, 10%, 182.5 days)"),
        ("root", "ratio", "sqrt(2)"),
        ("vol", "ratio", "volatility(window(close, 10 trading days, ending = day))")))
    got = values(path, "call", "root", "vol", day="1999-07-30", market=market)
    assert abs(got["call"] - F("4.7594")) < F(1, 10000)
    assert all(isinstance(v, F) for v in got.values())  # no binary float anywhere
    assert abs(got["root"] ** 2 - 2) < F(1, 10**35)
    assert abs(got["vol"] - F("0.1897752")) < F(1, 10**6)  # checked with a float library
