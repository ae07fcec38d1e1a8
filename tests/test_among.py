"""``total TERM for each P among holders where COND``: a term summed over the parties of a run, and
the 4.9% limits counting a Holder's affiliates with it (issue 9), worked by hand."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import CONTRACTS, ROOT

from interpreter.diagnostics import ClauseError
from interpreter.evaluate.evaluator import Environment, EvaluationError, Evaluator
from interpreter.evaluate.paths import PathMarket
from interpreter.evaluate.vector import VectorEvaluator
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

# A made-up contract: each party holds units, and belongs to a group or to none.
GROUPS = """\
provisions:
  T 1:
    text: quoted
    state:
      held: {type: shares by party, initial: 0 shares, description: units held}
      group: {type: text by party, initial: “”, description: the group of each party}
    inputs: {holder: {type: party, description: who asks}, event_date: {type: date, description: when}}
    market: {bid: {type: price, description: the bid}}
    definitions:
      owned: {type: shares, given: {other: party}, formula: "held[other]"}
      same_group:
        type: boolean
        given: {other: party}
        formula: other = holder or (group[other] != “” and group[other] = group[holder])
      group_held: {type: shares, formula: "total owned for each other among holders where same_group"}
      most: {type: shares, formula: "greatest owned for each other among holders"}
      fewest: {type: shares, formula: "least owned for each other among holders where other != holder"}
    events:
      look: {date: event_date, fields: [holder], description: a look}
    clauses:
      look: {on: look, compute: [group_held, most, fewest]}
"""


def _run(tmp_path: Path, contract: Path, holders: str, events: str, facts: str = "{}",
         market: Path | None = None, as_of: str = "2000-01-31", interpret: str = "{}") -> RunResult:
    path = tmp_path / "s.yaml"
    path.write_text(f"title: t\ncontracts: [{contract}]\n" + (f"market: {market}\n" if market else "")
                    + f"as_of: {as_of}\nfacts: {facts}\ninterpret: {interpret}\nholders: {holders}\n"
                    f"events:\n{events}", encoding="utf-8")
    return run_scenario(load_scenario(path))


def _computed(result: RunResult, index: int) -> dict[str, object]:
    found = next(r for r in result.results if r.occurrence.index == index)
    return {c.name: c.record.value for c in found.values}


def test_a_total_over_the_parties_of_a_run(tmp_path: Path, contract: Callable[..., Path]) -> None:
    # A and B are one group (10 + 20 = 30 units); C and D none: C counts alone (40). The greatest
    # of 10, 20, 40, 80 is 80; the least of the others' is 20 for A (of 20, 40, 80), 10 for D.
    result = _run(tmp_path, contract(GROUPS), "{A: {held: 10, group: g}, B: {held: 20, group: g}, "
                  "C: {held: 40}, D: {held: 80}}",
                  "  - {date: 2000-01-10, event: look, holder: A}\n"
                  "  - {date: 2000-01-10, event: look, holder: C}\n"
                  "  - {date: 2000-01-10, event: look, holder: D}\n")
    assert _computed(result, 0) == {"group_held": 30, "most": 80, "fewest": 20}
    assert _computed(result, 1) == {"group_held": 40, "most": 80, "fewest": 10}
    assert _computed(result, 2)["fewest"] == 10


def test_outside_a_run_there_are_no_holders(contract: Callable[..., Path]) -> None:
    program = load_checked(str(contract(GROUPS)))
    evaluator = Evaluator(program, Environment(given={"holder": "A"}))
    assert evaluator.value("group_held") == 0
    with pytest.raises(EvaluationError, match="least among no holders: none of the run's parties is counted"):
        evaluator.value("fewest")


@pytest.mark.parametrize(("formula", "message"), [
    ("total owned for each other among parties",
     "'among' takes holders (the parties of the run), not 'parties'"),
    ("total owned for each other among holders where 5", "'where' needs a condition (boolean), not count"),
    ("total owned for each event_date among holders",
     "total among holders needs a party-valued name to vary, not 'event_date'"),
    ("total same_group for each other among holders", "total needs quantities; same_group is boolean"),
    ("total held_units for each holder among holders", "held_units does not depend on holder, so giving it "
                                                       "here has no effect"),
])
def test_what_a_total_among_holders_needs(contract: Callable[..., Path], formula: str, message: str) -> None:
    body = GROUPS.replace('"greatest owned for each other among holders"', f'"{formula}"').replace(
        "      fewest:", '      held_units: {type: shares, formula: "sum(held)"}\n      fewest:')
    with pytest.raises(ClauseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_checked(str(contract(body)))


def test_a_where_may_read_the_name_it_binds_and_nothing_else_unbound(contract: Callable[..., Path]) -> None:
    # same_group reads other, a given name: bound by the loop, in the term and in the condition; read
    # outside the loop, it is unbound.
    body = GROUPS.replace('"greatest owned for each other among holders"', '"owned + $0 / $1 × 1 share"')
    with pytest.raises(ClauseError, match="most reads other, which only a call or a loop binds"):
        load_checked(str(contract(body)))


def test_the_vectorised_back_end_names_it(contract: Callable[..., Path]) -> None:
    # A total among holders that varies by path has no array form (one that does not is the exact
    # back end's, as for clause eval: outside a run, 0).
    program = load_checked(str(contract(GROUPS.replace("      most:", """\
      worth: {type: money, given: {other: party}, formula: "held[other] × bid[event_date]"}
      priced: {type: money, formula: "total worth for each other among holders"}
      most:"""))))
    market = PathMarket("paths", [dt.date(1999, 8, 2)], {"bid": np.array([[1.0]])})
    unsupported = r"priced: the vectorised back end cannot evaluate `total \.\.\. for each \.\.\. among`"
    with pytest.raises(ClauseError, match=unsupported):
        VectorEvaluator(program, Environment(given={"holder": "A"}), market, "event_date", [0]).evaluate(
            ["priced"])


# -- the 4.9% limits, with affiliates -------------------------------------------------------------

SERIES_B = CONTRACTS / "series_b_certificate.yaml"
DEAL = CONTRACTS / "valence_financing.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"  # made-up closing bids
AFFILIATES = ("{CC Investments: {series_b_preferred: 7500, affiliate_group: castle_creek}, "
              "CC Affiliate: {series_b_preferred: 3000, affiliate_group: castle_creek}, "
              "Other: {series_b_preferred: 100}}")
CONVERSIONS = ("  - {date: 1999-03-01, event: conversion_notice, holder: CC Affiliate, "
               "preferred_shares: 1000}\n"
               "  - {date: 1999-03-01, event: conversion_notice, holder: CC Investments, "
               "preferred_shares: 3500}\n")


@pytest.mark.parametrize(("reading", "converted"), [("with_affiliates", 2070), ("holder_alone", 3121)])
def test_an_affiliate_pair_reaches_4_9_percent_together(tmp_path: Path, reading: str, converted: int) -> None:
    # Series B alone, 10,000,000 shares outstanding; on 1999-03-01 (Premium $12, 1,012 / 6.03 = 167.8275…
    # Common a share) CC Affiliate converts 1,000: round up (1,012,000 / 6.03 = 167,827.5) = 167,828.
    # Then CC Investments, of its group, asks for 3,500. Its room, the affiliate's shares counted
    # (default): (4.9% × 10,167,828 − 167,828) / 95.1% = 330,395.57 / 95.1% = 347,419.1 → 347,419,
    # / 167.8275… = 2,070.1 → 2,070. The Holder alone: 4.9% × 10,167,828 / 95.1% = 523,894.4 → 523,894,
    # → 3,121.6 → 3,121. With the default the group owns 167,828 + round up (2,070 × 1,012 / 6.03
    # = 347,402.99) = 515,231 of 10,515,231: 4.8998…%, at the limit together.
    result = _run(tmp_path, SERIES_B, AFFILIATES, CONVERSIONS, facts="{common_outstanding: 10000000}",
                  market=MARKET, as_of="1999-03-31", interpret=f"{{beneficial_common: {reading}}}")
    assert _computed(result, 0)["issued_shares"] == math.ceil(F(1012000) / F("6.03")) == 167828
    rate = F(1012) / F("6.03")
    owned = 167828 if reading == "with_affiliates" else 0
    room = math.floor((F("0.049") * 10167828 - owned) / F("0.951"))
    assert room == (347419 if reading == "with_affiliates" else 523894)
    got = _computed(result, 1)
    assert got["convertible_preferred"] == math.floor(room / rate) == converted
    assert result.state["common_added"] == 167828 + got["issued_shares"]
    if reading == "with_affiliates":
        assert got["issued_shares"] == math.ceil(2070 * rate) == 347403
        assert F(167828 + 347403, 10000000 + 167828 + 347403) <= F("0.049")


@pytest.mark.parametrize(("reading", "counted"), [("all_securities", 87500), ("own_document", 0)])
def test_in_the_deal_an_affiliates_common_from_another_security_counts(tmp_path: Path, reading: str,
                                                                       counted: int) -> None:
    # Gemini Capital taken, as made-up data, for an affiliate of CC Investments. 10,000,000 shares
    # outstanding. Gemini exercises its whole Warrant for cash on 1999-09-01: 87,500 shares (its own
    # room, 4.9% × 10,000,000 / 95.1% = 515,247, allows them). On 09-02 CC Investments converts 3,500
    # Series B: its room counts Gemini's 87,500, from the other security, in the group's holding
    # (other_securities_counted, all_securities): (4.9% × 10,087,500 − 87,500) / 95.1% = 406,787.5
    # / 95.1% = 427,747.1 → 427,747. Each document alone (own_document) counts only what the
    # certificates issued, none: 4.9% × 10,087,500 / 95.1% = 494,287.5 / 95.1% = 519,755.3 → 519,755.
    holders = ("{CC Investments: {series_b.series_b_preferred: 7500, affiliate_group: castle_creek}, "
               "Gemini Capital: {affiliate_group: castle_creek}}")
    events = ("  - {date: 1999-09-01, event: gemini_warrant.exercise_notice, holder: Gemini Capital, "
              "shares: 87500}\n"
              "  - {date: 1999-09-02, event: series_b.conversion_notice, holder: CC Investments, "
              "preferred_shares: 3500}\n")
    result = _run(tmp_path, DEAL, holders, events, facts="{common_outstanding: 10000000, board_only: false}",
                  market=MARKET, as_of="1999-09-30", interpret=f"{{other_securities_counted: {reading}}}")
    assert result.snapshots[0]["gemini_warrant.common_received"] == 87500
    room = math.floor((F("0.049") * 10087500 - counted) / F("0.951"))
    assert room == (427747 if counted else 519755)
    got = _computed(result, 1)
    rate = (1000 + F(1000 * 258 * 6, 365 * 100)) / got["series_b.conversion_price"]  # N = 258 days
    assert got["series_b.convertible_preferred"] == math.floor(room / rate) < 3500
