"""Several pending conversions per holder (issue 9), and the language that says it: maps of maps
(``T by text by party``), ``total TERM for each KEY in MAP``, ``key_of_least`` and ``remove``.

The certificate's runs are those of test_series_b_events (examples/closing-bids-MADE-UP.csv, made up):
Holder A holds 3,000 Series B shares, B 1,500. A conversion of 10 shares on 1999-08-02 gives
round up (10 × (1,000 + 2,724/73) / 5.03421875) = round up (2,060.53) = 2,061 Common; one of
20 shares on 1999-08-04, with N = 229 days and a Premium of 1,000 × 229/365 × 6% = 2,748/73,
gives round up (20 × (1,000 + 2,748/73) / 5.03421875) = round up (4,122.36) = 4,123.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import numpy as np
import pytest
from test_series_b_events import run

from interpreter.check.checker import check
from interpreter.diagnostics import ClauseError
from interpreter.display import human, plain
from interpreter.evaluate.evaluator import Environment
from interpreter.evaluate.paths import PathMarket
from interpreter.evaluate.vector import VectorEvaluator
from interpreter.link.loader import load_program
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.expectations import failures
from interpreter.run.scenario import load_scenario

D = dt.date

#: Orders kept per party and by name until paid: the language of this file without a certificate.
TABS = """\
title: tabs
document: {title: Tabs, source: none}
provisions:
  T 1:
    text: each order is kept under its name until it is paid
    parameters:
      company: {type: party, value: Co, text: the company}
    inputs:
      day: {type: date, description: when}
      who: {type: party, description: who}
      order: {type: text, description: which order, default: “”}
      amount: {type: money, description: how much}
    definitions:
      open_total: {type: money, formula: "total open_amount for each order in open[who]"}
      open_amount: {type: money, formula: "open[who][order]"}
      oldest: {type: text, formula: "key_of_least(opened[who])"}
    state:
      open: {type: money by text by party, initial: $0, description: what each order owes}
      opened: {type: date by text by party, initial: 1900-01-01, description: when each order was placed}
      settled: {type: boolean by text by party, initial: false, description: the orders paid}
    events:
      placed: {date: day, fields: [who, order, amount], description: an order}
      paid: {date: day, fields: [who], description: the oldest order is paid}
    clauses:
      place:
        on: placed
        effects:
          - increase: open[who][order]
            by: amount
          - set: opened[who][order]
            to: day
      pay:
        on: paid
        compute: [oldest, open_total]
        effects:
          - remove: open[who][oldest]
          - remove: opened[who][oldest]
          - raise: settled[who][oldest]
"""

TABS_EVENTS = """\
events:
  - {date: 1999-07-01, event: placed, who: Ann, order: x, amount: 100}
  - {date: 1999-07-02, event: placed, who: Ann, order: y, amount: 50}
  - {date: 1999-07-02, event: placed, who: Bob, amount: 7}
  - {date: 1999-07-03, event: paid, who: Ann}
"""


def tabs(tmp_path: Path, contract: str = TABS, body: str = TABS_EVENTS) -> Path:
    (tmp_path / "tabs.yaml").write_text(contract, encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text("title: t\ncontracts: [tabs.yaml]\nholders: {Ann: {}, Bob: {}}\nas_of: 1999-07-31\n"
                    + body, encoding="utf-8")
    return path


def test_a_map_of_maps_keeps_a_value_per_party_and_name(tmp_path: Path) -> None:
    # Ann's orders x ($100, 07-01) and y ($50, 07-02); Bob's order without a name ($7) is under “”.
    # On 07-03 Ann pays her oldest: key_of_least of her dates is x; what she owed, 100 + 50 = $150,
    # is computed before the effects; x is then removed, y stays.
    run = run_scenario(load_scenario(tabs(tmp_path)))
    (paid,) = [r for r in run.results if r.occurrence.name == "paid"]
    assert {c.name: c.record.value for c in paid.values} == {"oldest": "x", "open_total": 150}
    assert run.state["open"].values["Ann"].values == {"y": 50}
    assert run.state["open"].at(("Bob", "")) == 7
    assert run.state["open"].at(("Ann", "x")) == 0  # removed: the initial value again
    types = run.types["open"]
    assert plain(run.state["open"], types) == {"Ann": {"y": "50"}, "Bob": {"": "7"}}
    # For people, an inner map in parentheses, and a value under “” alone as that value.
    assert human(run.state["open"], types) == "Ann: (y: $50.00); Bob: $7.00"


def test_a_party_whose_last_key_is_removed_has_no_values_of_its_own(tmp_path: Path) -> None:
    # Ann pays x on 07-03, then y on 07-04: she owes nothing, and is no longer among the parties of
    # open, which sum and count read; Bob's order stays.
    path = tabs(tmp_path, body=TABS_EVENTS + "  - {date: 1999-07-04, event: paid, who: Ann}\n")
    run = run_scenario(load_scenario(path))
    assert list(run.state["open"].values) == ["Bob"]
    assert run.state["open"].at(("Ann", "y")) == 0
    # A flag of a map of maps is reported for its party and key.
    assert [(f.name, f.party, f.raised, f.date) for f in run.flags] == [
        ("settled", "Ann, x", True, D(1999, 7, 3)), ("settled", "Ann, y", True, D(1999, 7, 4))]


def test_expectations_of_a_map_of_maps_and_the_empty_key(tmp_path: Path) -> None:
    # A value written without its inner key is the one under “”: Bob's $7.
    path = tabs(tmp_path, body=TABS_EVENTS + textwrap.dedent("""\
        expect:
          - after: 3
            state:
              open: {Ann: {y: $50, x: $0}, Bob: $7}
        """))
    assert failures(run_scenario(load_scenario(path))) == []
    path.write_text(path.read_text().replace("y: $50,", "y: $51,"))
    (problem,) = failures(run_scenario(load_scenario(path)))
    # Line 13 of the scenario, where Ann's y is written, column 23.
    assert (problem.line, problem.column) == (13, 23)
    assert problem.message == "after event 3 (1999-07-03 paid): open[Ann][y] expected $51.00, got $50.00"


@pytest.mark.parametrize(("before", "after", "column", "message"), [
    ("- increase: open[who][order]", "- increase: open[who]", 23,
     "open is kept by party and by text: give a key for each"),
    ("- increase: open[who][order]", "- increase: open[who][day]", 33, "a text is needed here, not date"),
    ("- remove: open[who][oldest]", "- remove: open", 21, "remove takes one key's value of a map: name[key]"),
    ("- remove: open[who][oldest]", "- remove: amount[who]", 21,
     "the target of an effect is a state variable, or one party's value: name[party]"),
])
def test_a_target_names_every_key_of_its_map(tmp_path: Path, before: str, after: str, column: int,
                                             message: str) -> None:
    (tmp_path / "tabs.yaml").write_text(TABS.replace(before, after), encoding="utf-8")
    problems = [(d.column, d.message) for d in check(load_program(str(tmp_path / "tabs.yaml")))]
    assert problems == [(column, message)]


@pytest.mark.parametrize(("formula", "message"), [
    ("total open_amount for each order in day",
     "total ... in needs values by party, text or date, not date"),
    ("total open_amount for each day in open[who]",
     "total ... in money by text needs a text-valued name to vary, not 'day'"),
    ("key_of_least(5)",
     "key_of_least: takes values by party, text or date of quantities or dates, not count"),
])
def test_loops_over_keys_are_checked(tmp_path: Path, formula: str, message: str) -> None:
    contract = TABS.replace('"total open_amount for each order in open[who]"', f'"{formula}"')
    (tmp_path / "tabs.yaml").write_text(contract, encoding="utf-8")
    assert [d.message for d in check(load_program(str(tmp_path / "tabs.yaml")))] == [message]


def test_the_vectorised_back_end_names_a_loop_over_keys(contract) -> None:
    # A market series inside the loop: the vectorised back end has no array form of it. held is on
    # line 13 of the file (the 10th below the 3 lines of HEADER), `total` at column 37, after
    # `      held: {type: price, formula: "`.
    program = load_checked(str(contract("""\
        provisions:
          T 1:
            text: q
            market: {bid: {type: price, description: the bid}}
            inputs:
              day: {type: date, description: the day}
              lot: {type: text, description: a lot}
            state: {lots: {type: ratio by text, initial: 0, description: lots held}}
            definitions:
              held: {type: price, formula: "total priced for each lot in lots"}
              priced: {type: price, formula: "bid[day] × lots[lot]"}
        """)))
    days = [dt.date(1999, 8, 2), dt.date(1999, 8, 3)]
    market = PathMarket("paths", days, {"bid": np.ones((1, 2))})
    evaluator = VectorEvaluator(program, Environment(given={}), market, "day", [0, 1])
    with pytest.raises(ClauseError) as failure:
        evaluator.evaluate(["held"])
    [diagnostic] = failure.value.diagnostics
    assert diagnostic.message == "held: the vectorised back end cannot evaluate `total ... for each ... in`"
    assert (diagnostic.line, diagnostic.column) == (13, 37)


# -- the certificate ------------------------------------------------------------


def payments(result: RunResult) -> list[tuple[F | None, dt.date, str, dt.date | None]]:
    return [(o.amount, o.due, o.clause, o.settled) for o in result.obligations
            if o.what.startswith("Conversion Default Payments")]


#: X: 10 shares on 08-02, certificates 08-03 (Delivery Period to 08-05); Y: 20 shares on 08-04 while X
#: is undelivered, certificates 08-05 (the later of 08-04 + 3 business days, 08-09, and 08-06: 08-09).
TWO_LATE = """\
    - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10, conversion: X}
    - {date: 1999-08-03, event: certificates_delivered, holder: A, conversion: X}
    - {date: 1999-08-04, event: conversion_notice, holder: A, preferred_shares: 20, conversion: Y}
    - {date: 1999-08-05, event: certificates_delivered, holder: A, conversion: Y}
"""


def test_two_late_conversions_each_accrue_from_their_own_deadline(tmp_path: Path) -> None:
    # Y's Common Stock (4,123) comes on 08-16: its default ran 08-10..08-15. To the fifth business
    # day after its notice (08-04 → 08-11), 08-10 and 08-11 at $500: $1,000; 08-12..08-15, 4 days ×
    # 1% × $20,000 = $800; its Premium once, 20 × 2,748/73. X is never delivered: at the end (08-31)
    # it has accrued, from its own deadline, 08-06..08-09 at $500 ($2,000), 08-10..08-31, 22 days ×
    # 1% × $10,000 ($2,200), and its Premium once, 10 × 2,724/73.
    result = run(tmp_path, TWO_LATE + """\
    - {date: 1999-08-16, event: shares_delivered, holder: A, shares: 4123, conversion: Y}
    """, as_of="1999-08-31")
    assert payments(result) == [
        (1800 + 20 * F(2748, 73), D(1999, 8, 23), "conversion_default_payment", None),
        (4200 + 10 * F(2724, 73), D(1999, 9, 8), "conversion_default_accrued", None)]
    # Y is cured and gone; X is still pending and in default, so the Holder's flag stays raised.
    assert result.state["conversions_in_default"].values["A"].values == {"X": True}
    assert result.state["common_due"].values["A"].values == {"X": 2061}
    assert result.state["conversion_default"].get("A") is True
    assert result.state["cure_date"].get("A") == D(1999, 8, 16)
    shares = {o.amount: o.settled for o in result.obligations if o.what == "shares of Common Stock"}
    assert shares == {2061: None, 4123: D(1999, 8, 16)}


def test_the_penalty_sums_what_is_owed_on_both_conversions(tmp_path: Path) -> None:
    # As above, and A demands on 08-20 what X has accrued: $2,000 + 08-10..08-20, 11 × $100 = $1,100,
    # and its Premium, 10 × 2,724/73. On 08-25 A redeems 10 shares: the Penalty is what is owed and
    # unpaid of both, Y's $1,800 + 20 × 2,748/73 and X's $3,100 + 10 × 2,724/73, over the 10 shares;
    # both are settled into the Redemption Amount.
    result = run(tmp_path, TWO_LATE + """\
    - {date: 1999-08-16, event: shares_delivered, holder: A, shares: 4123, conversion: Y}
    - {date: 1999-08-20, event: payment_demand, holder: A}
    - {date: 1999-08-25, event: redemption_notice, holder: A, preferred_shares: 10}
    """, as_of="1999-08-31")
    y, x = 1800 + 20 * F(2748, 73), 3100 + 10 * F(2724, 73)
    assert payments(result)[:2] == [(y, D(1999, 8, 23), "conversion_default_payment", D(1999, 8, 25)),
                                    (x, D(1999, 8, 27), "payment_demand", D(1999, 8, 25))]
    (redemption,) = [r for r in result.results if r.occurrence.name == "redemption_notice"]
    amount = {c.name: c.record.value for c in redemption.values}["redemption_amount"]
    # CP is the Variable Conversion Price of 08-25, 101% × the six lowest bids of 08-11..08-24
    # (4.9375 × 2, 4.96875 × 4) / 6 = 5.0079166667; M = $5.15625; N = 250, Premium 1,000 × 250/365
    # × 6% = 3,000/73.
    cp = F(101, 100) * (2 * F("4.9375") + 4 * F("4.96875")) / 6
    assert amount == (1000 + F(3000, 73) + (x + y) / 10) / cp * F("5.15625")
    # At the end, X has accrued 08-21..08-31 since the demand: 11 × $100.
    assert payments(result)[2][:3] == (1100, D(1999, 9, 8), "conversion_default_accrued")


def test_a_delivery_of_more_than_its_conversions_shares_is_an_error_at_the_event(tmp_path: Path) -> None:
    # 2,061 + 4,123 = 6,184 are due in all, but Y makes 4,123 due: 4,124 on Y is too many. The events
    # start on line 11 of the scenario, each at column 5; the delivery is the fifth.
    with pytest.raises(ClauseError) as raised:
        run(tmp_path, TWO_LATE + """\
    - {date: 1999-08-06, event: shares_delivered, holder: A, shares: 4124, conversion: Y}
    """)
    (problem,) = raised.value.diagnostics
    assert (problem.path, problem.line, problem.column) == (str(tmp_path / "s.yaml"), 15, 5)
    assert problem.message == (
        "event 4 (shares_delivered of 1999-08-06: the Company delivers on one conversion at a time, no "
        "more Common Stock than that conversion makes due (delivered_shares <= "
        "common_due[holder][delivered_conversion] is false))")


def test_a_notice_naming_a_pending_conversion_adds_to_it(tmp_path: Path) -> None:
    # X, 10 shares on 08-02 (2,061 Common), then 10 more named X on 08-03, while X is undelivered: one
    # conversion of 20 shares, 2,061 + round up (10 × (1,000 + 1,000 × 228/365 × 6%) / 5.03421875) =
    # 2,061 + round up (2,060.85) = 4,122 Common, its Conversion Date the later notice's, as without names.
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10, conversion: X}
        - {date: 1999-08-03, event: conversion_notice, holder: A, preferred_shares: 10, conversion: X}
        """)
    assert result.state["common_due"].values["A"].values == {"X": 4122}
    assert result.state["pending_preferred"].values["A"].values == {"X": 20}
    assert result.state["pending_conversion_date"].values["A"].values == {"X": D(1999, 8, 3)}


@pytest.mark.parametrize(("reading", "due"), [
    # The oldest conversion, X (08-02), takes the 2,061 whole, on the last day of its Delivery Period
    # (its certificates came on 08-10, so it ends on 08-11); Y stays due and in default from 08-10.
    ("oldest_conversion", {"Y": 4123}),
    # Y's Delivery Period ended first (08-09): it takes them, 2,061 of its 4,123, and X stays due.
    ("earliest_deadline", {"X": 2061, "Y": 2062}),
])
def test_a_delivery_that_names_no_conversion_goes_where_the_reading_says(tmp_path: Path, reading: str,
                                                                         due: dict[str, int]) -> None:
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10, conversion: X}
        - {date: 1999-08-04, event: conversion_notice, holder: A, preferred_shares: 20, conversion: Y}
        - {date: 1999-08-05, event: certificates_delivered, holder: A, conversion: Y}
        - {date: 1999-08-10, event: certificates_delivered, holder: A, conversion: X}
        - {date: 1999-08-11, event: shares_delivered, holder: A, shares: 2061}
        """, as_of="1999-08-11", interpret=f"applied_conversion: {reading}")
    assert result.state["common_due"].values["A"].values == due
    assert result.state["conversions_in_default"].values["A"].values == {"Y": True}
