"""The vectorised back end: exact where the document is exact, lazy where the exact one is, and
checked against the exact back end on random price paths and dates (a differential test)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from support import CONTRACTS, SERIES_B

from interpreter.calendar import BusinessCalendar
from interpreter.diagnostics import ClauseError
from interpreter.evaluate.evaluator import Environment, EvaluationError, Evaluator
from interpreter.evaluate.inputs import given_values
from interpreter.evaluate.market import MarketData
from interpreter.evaluate.paths import PathMarket
from interpreter.evaluate.vector import VectorEvaluator, _network
from interpreter.link.program import Program
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction

TOY = """\
provisions:
  T 1:
    text: q
    market:
      bid: {type: price, description: the bid}
    inputs:
      day: {type: date, description: the day}
    parameters:
      dime: {type: price, value: $0.10 per share}
      pricing_date: {type: date, value: 1999-07-27}
    definitions:
      tenths: {type: ratio, formula: "round up (bid[day] / dime)"}
      above: {type: boolean, formula: "bid[day] > dime"}
      late:
        type: price
        formula: |
          if day < pricing_date then $1.00 per share
          else average(window(bid, 3 trading days, ending = day - 1 trading day))
      ratio_off_one:
        type: ratio
        formula: if bid[day] = $1.00 per share then 0 else bid[day] / (bid[day] - $1.00 per share)
      over_one: {type: ratio, formula: "bid[day] / (bid[day] - $1.00 per share)"}
      daily: {type: price, given: {d: date}, formula: "bid[d]"}
      accrued: {type: price, formula: "total daily for each d from day - 2 days through day"}
      uses_accrued: {type: price, formula: "accrued + $1.00 per share"}
      lowest_two: {type: price, formula: "sum(lowest(2, window(bid, 4 trading days, ending = day)))"}
      highest_two: {type: price, formula: "sum(highest(2, window(bid, 4 trading days, ending = day)))"}
      dollars: {type: price, formula: "round bid[day]"}
      cents: {type: price, formula: "round to cent bid[day]"}
"""


def _days(first: dt.date, count: int) -> list[dt.date]:
    """``count`` XNAS trading days from ``first`` on."""
    exchange, found, day = BusinessCalendar(["XNAS"]), [], first
    while len(found) < count:
        if exchange.is_business_day(day):
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def _vector(program: Program, given: dict, bids: np.ndarray, days: list[dt.date], over: str,
            names: list[str], first: int = 0, column: str = "bid") -> dict[str, np.ndarray]:
    market = PathMarket("paths", days, {column: bids})
    return VectorEvaluator(program, Environment(given=dict(given)), market, over,
                           list(range(first, len(days)))).evaluate(names)


def _exact(program: Program, given: dict, row: np.ndarray, days: list[dt.date], over: str, day: dt.date,
           name: str, column: str = "bid") -> object:
    market = MarketData("paths", days, {column: {d: Fraction(float(v)) for d, v in zip(days, row, strict=True)
                                                 if not math.isnan(v)}})
    return Evaluator(program, Environment(given={**given, over: day}, market=market)).value(name)


@pytest.fixture
def toy(contract) -> Program:
    return load_checked(str(contract(TOY)))


def test_a_rounding_floats_would_get_wrong_is_recomputed_exactly(toy: Program) -> None:
    # The float 0.1 is exactly 0.1000000000000000055511151231257827…, a little more than a dime:
    # so bid / dime is a little more than 1 and rounds up to 2. In floats 0.1 / 0.1 is 1.0 and
    # would round up to 1; the error bound flags it and the exact evaluator decides.
    days = _days(dt.date(1999, 8, 2), 3)
    bids = np.array([[0.1, 0.2, 0.35], [0.5, 0.1, 0.125]])
    out = _vector(toy, {}, bids, days, "day", ["tenths", "above"])
    assert out["tenths"].tolist() == [[2, 3, 4], [5, 2, 2]]  # 0.2 and 0.35 are a little more too
    assert out["above"].tolist() == [[True, True, True], [True, True, True]]  # 0.1 > $0.10 exactly
    assert _exact(toy, {}, bids[1], days, "day", days[2], "tenths") == 2  # 0.125 / 0.1 = 1.25: 2


def test_rounding_to_nearest_reads_each_float_exactly(toy: Program) -> None:
    # The float below 0.5 nearest to it is 0.49999999999999994: it rounds to 0 (x + 0.5 would
    # round up to 1.0 in floats). 2.5 rounds away from zero, to 3. The float 1.005 is exactly
    # 1.00499999999999989…, below the half cent: $1.00, not $1.01.
    days = _days(dt.date(1999, 8, 2), 3)
    bids = np.array([[0.49999999999999994, 2.5, 1.005]])
    out = _vector(toy, {}, bids, days, "day", ["dollars", "cents"])
    assert out["dollars"].tolist() == [[0.0, 3.0, 1.0]]
    assert out["cents"].tolist() == [[0.5, 2.5, 1.0]]


def test_a_branch_not_taken_is_not_evaluated(toy: Program) -> None:
    # The data starts on 1999-07-26: a window of 3 trading days before 1999-07-27 does not
    # exist, but before the pricing date the formula does not ask for one.
    days = _days(dt.date(1999, 7, 22), 10)  # 07-22, 23, 26, 27, 28, 29, 30, 08-02, 03, 04
    bids = np.array([[4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5]])
    out = _vector(toy, {}, bids, days, "day", ["late"], first=2)
    # 07-26: $1.00 (before the pricing date); 07-27: the average of 07-22, 23, 26 = 4.5; then on
    assert out["late"].tolist() == [[1.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5]]
    with pytest.raises(ClauseError) as failure:
        _vector(toy, {}, bids[:, 2:], days[2:], "day", ["late"])
    # The exact evaluator's own message, where the exact evaluator would fail: 07-27
    assert "window of 3 trading days ending 1999-07-26: needs 3 trading days up to 1999-07-26" \
        in failure.value.message
    assert "(path 0, day = 1999-07-27)" in failure.value.message


def test_division_by_zero_only_where_it_is_reached(toy: Program) -> None:
    days = _days(dt.date(1999, 8, 2), 2)
    bids = np.array([[1.0, 2.0], [3.0, 1.0]])
    assert _vector(toy, {}, bids, days, "day", ["ratio_off_one"])["ratio_off_one"].tolist() == \
        [[0.0, 2.0], [1.5, 0.0]]  # 2 / 1 and 3 / 2
    with pytest.raises(ClauseError) as failure:
        _vector(toy, {}, bids, days, "day", ["over_one"])
    assert failure.value.message == "division by zero (in over_one) (path 0, day = 1999-08-02)"


def test_lowest_and_highest_of_windows(toy: Program) -> None:
    days = _days(dt.date(1999, 8, 2), 5)
    bids = np.array([[5.0, 1.0, 4.0, 2.0, 3.0]])
    out = _vector(toy, {}, bids, days, "day", ["lowest_two", "highest_two"], first=3)
    # windows 5,1,4,2 then 1,4,2,3: the two lowest add to 3 and 3, the two highest to 9 and 7
    assert out["lowest_two"].tolist() == [[3.0, 3.0]]
    assert out["highest_two"].tolist() == [[9.0, 7.0]]


def test_every_comparator_network_selects(toy: Program) -> None:
    # the pruned networks give each output's order statistic, for every size a window may be
    rng = np.random.default_rng(0)
    for n in range(1, 20):
        for k in (1, n // 2 or 1, n):
            values = rng.integers(0, 5, (n, 50)).astype(float)  # many ties
            items = [row.copy() for row in values]
            for i, j in _network(n, tuple(range(k))):
                items[i], items[j] = np.minimum(items[i], items[j]), np.maximum(items[i], items[j])
            assert (np.array(items[:k]) == np.sort(values, axis=0)[:k]).all()


def test_a_construct_without_an_array_form_is_named(toy: Program) -> None:
    days = _days(dt.date(1999, 8, 2), 3)
    bids = np.array([[1.0, 2.0, 3.0]])
    with pytest.raises(ClauseError) as failure:
        _vector(toy, {}, bids, days, "day", ["uses_accrued"])
    # at the total, in accrued's formula; the term asked for and the one that has it
    [diagnostic] = failure.value.diagnostics
    assert diagnostic.message == ("uses_accrued: the vectorised back end cannot evaluate `total ... for "
                                  "each` (in accrued)")
    # TOY's line 24 after the 3 lines of HEADER; `total` after `      accrued: {type: price, formula: "`
    assert (diagnostic.line, diagnostic.column) == (27, 40)


# -- the differential test --------------------------------------------------------------

PROGRAMS = {"series_b": load_checked(str(SERIES_B)),
            "warrant": load_checked(str(CONTRACTS / "warrant_cc_investments.yaml"))}
CASES = [  # a program, the date swept, what else is given, the terms (by name: a failure's report
    # shows the arguments, and a program's text is long)
    ("series_b", "notice_date", [("preferred_shares", "1000")],
     ["conversion_shares", "conversion_price", "variable_conversion_price", "conversion_rate",
      "trading_market_trigger_event"]),
    ("series_b", "notice_date", [("preferred_shares", "7"), ("common_outstanding", "1000000")],
     ["issued_shares", "convertible_preferred"]),
    ("series_b", "redemption_notice_date", [("preferred_shares", "250")],
     ["redemption_amount", "redemption_total", "redeemable_shares"]),
    ("warrant", "notice_date", [], ["black_scholes_market_price"]),
]

# 32nds of a dollar (ties, and prices exactly on the fixed price's neighbours), cents (whose floats
# are not exact) and the fixed price itself
_TICK = st.one_of(st.integers(96, 256).map(lambda n: n / 32), st.integers(300, 800).map(lambda n: n / 100),
                  st.just(6.03))


@st.composite
def _paths(draw: st.DrawFn) -> tuple[list[dt.date], np.ndarray, int]:
    first = draw(st.sampled_from([dt.date(1999, 7, 12), dt.date(1999, 7, 20), dt.date(1999, 9, 1)]))
    days = _days(first, draw(st.integers(16, 26)))
    rows = draw(st.integers(1, 3))
    bids = np.array([[draw(_TICK) for _ in days] for _ in range(rows)])
    if draw(st.booleans()) and draw(st.booleans()):  # an empty cell now and then
        bids[draw(st.integers(0, rows - 1)), draw(st.integers(0, len(days) - 1))] = math.nan
    # the first date swept: mostly late enough for ten days of look-back, sometimes not
    return days, bids, draw(st.one_of(st.integers(11, len(days) - 3), st.integers(0, len(days) - 3)))


# no shrinking: an example costs up to half a second, and a failing one is shown as drawn
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(case=st.sampled_from(CASES), data=_paths())
def test_vectorised_and_exact_back_ends_agree(case: tuple, data: tuple) -> None:
    label, over, sets, names = case
    program = PROGRAMS[label]
    days, bids, first = data
    column = "closing_trade" if label == "warrant" else "closing_bid"
    values = given_values(program, sets)
    expected: dict[str, list[list[object]]] = {}
    failure = None
    for name in names:  # the exact back end, path-day by path-day; the first failure stands
        rows = []
        for row in bids:
            cells = []
            for day in days[first:]:
                try:
                    cells.append(_exact(program, values, row, days, over, day, name, column))
                except EvaluationError as exc:
                    failure = failure or exc.message
                    cells.append(None)
            rows.append(cells)
        expected[name] = rows
    try:
        out = _vector(program, values, bids, days, over, names, first, column)
    except ClauseError as exc:
        assert failure is not None, exc.message
        assert exc.message.startswith(failure)
        return
    assert failure is None
    for name in names:
        for row, want in zip(out[name], expected[name], strict=True):
            for got, exact in zip(row, want, strict=True):
                if isinstance(exact, dt.date):
                    assert got == np.datetime64(exact.isoformat())
                elif isinstance(exact, bool) or program.terms[name].type.dims == (("shares", 1),):
                    assert got == exact, name  # booleans and share counts: equal
                else:
                    assert abs(Fraction(float(got)) - exact) < Fraction(1, 100), name  # within a cent


def test_the_exact_engine_reads_the_paths_floats_exactly(tmp_path: Path) -> None:
    # a path of the bundled made-up bids gives clause eval's value (README): 206,053 shares
    from interpreter.evaluate.market import load_market

    market = load_market(str(CONTRACTS.parent / "examples" / "closing-bids-MADE-UP.csv"))
    bids = np.array([[float(market.columns["closing_bid"][d]) for d in market.dates]])
    column = market.dates.index(dt.date(1999, 8, 2))
    program = PROGRAMS["series_b"]
    out = VectorEvaluator(program, Environment(given=given_values(program, [
        ("preferred_shares", "1000")])), PathMarket("bids", market.dates, {"closing_bid": bids}),
        "notice_date", [column]).evaluate(["conversion_shares", "conversion_price"])
    assert out["conversion_shares"].tolist() == [[206053]]
    assert out["conversion_price"].tolist() == [[5.03421875]]  # 1.01 × $4.984375
