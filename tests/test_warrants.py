"""The Stock Purchase Warrants: terms by name, worked by hand (made-up market data)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import statistics
from pathlib import Path
from typing import Any

import pytest
from support import CONTRACTS, ROOT, values

from interpreter.diagnostics import ClauseError
from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

CC = CONTRACTS / "warrant_cc_investments.yaml"
GEMINI = CONTRACTS / "warrant_gemini.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"


def test_terms_of_the_two_warrants() -> None:
    assert values(CC, "exercise_price", "warrant_shares") == {
        "exercise_price": F("6.7838"), "warrant_shares": 447761}
    assert values(GEMINI, "exercise_price", "warrant_shares") == {
        "exercise_price": F("4.9375"), "warrant_shares": 87500}


def test_market_price_is_the_bid_of_the_trading_day_before() -> None:
    # Exercise on Tuesday 1999-09-07 (Monday was Labor Day): the bid of Friday 09-03, $5.15625.
    got = values(CC, "market_price", exercise_date="1999-09-07", market=MARKET)
    assert got["market_price"] == F("5.15625")


def test_cashless_exercise_shares() -> None:
    # Gemini on 1999-09-15, M = bid of 09-14 = $5.375: 10,000 × (5.375 − 4.9375) / 5.375
    # = 813.95… → 813 shares, the fraction 0.9534… × $5.375 = $5.125 paid in cash.
    got = values(GEMINI, "cashless_exercise_shares", "fractional_share_cash", exercise_date="1999-09-15",
                 exercised_shares="10,000", cashless="true", common_outstanding="26,704,073", market=MARKET)
    assert got["cashless_exercise_shares"] == 813
    assert got["fractional_share_cash"] == (F(10000) * F("0.4375") / F("5.375") - 813) * F("5.375")


def test_the_cashless_number_needs_no_outstanding_count() -> None:
    # W 12(c) alone: 10,000 × (5.375 − 4.9375) / 5.375 → 813 shares, from the exercise date and the
    # shares exercised; what the 4.9% limit allows (exercise_common_shares) needs the Common outstanding.
    got = values(GEMINI, "cashless_exercise_shares", exercise_date="1999-09-15", exercised_shares="10,000",
                 cashless="true", market=MARKET)
    assert got["cashless_exercise_shares"] == 813
    with pytest.raises(ClauseError, match="missing input common_outstanding"):
        values(GEMINI, "exercise_common_shares", exercise_date="1999-09-15", exercised_shares="10,000",
               cashless="true", market=MARKET)
    limited = values(GEMINI, "exercise_common_shares", exercise_date="1999-09-15",
                     exercised_shares="10,000", cashless="true", common_outstanding="26,704,073",
                     market=MARKET)
    assert limited["exercise_common_shares"] == 813


def test_nothing_is_exercisable_outside_the_exercise_period() -> None:
    # W 2: the Exercise Period starts 1999-07-27. On 07-26, 1,000 shares in cash: none exercisable,
    # nothing to pay, in clause eval as in a run (the run's clause does not apply then).
    got = values(GEMINI, "exercisable_shares", "exercise_payment", exercise_date="1999-07-26",
                 exercised_shares="1,000", common_outstanding="26,704,073", market=MARKET)
    assert got == {"exercisable_shares": 0, "exercise_payment": 0}
    inside = values(GEMINI, "exercisable_shares", "exercise_payment", exercise_date="1999-07-27",
                    exercised_shares="1,000", common_outstanding="26,704,073", market=MARKET)
    assert inside == {"exercisable_shares": 1000, "exercise_payment": F("4937.50")}


def test_fraction_at_the_exercise_price_reading() -> None:
    # W 1(d)'s reading: the same fraction × $4.9375.
    got = values(GEMINI, "fractional_share_cash", exercise_date="1999-09-15", exercised_shares="10,000",
                 cashless="true", common_outstanding="26,704,073", market=MARKET,
                 interpret={"fractional_share_price": "exercise_price"})
    assert got["fractional_share_cash"] == (F(10000) * F("0.4375") / F("5.375") - 813) * F("4.9375")


def test_no_fraction_when_funds_are_not_available() -> None:
    # W 1(d): the fraction is rounded up to a whole share instead: 814.
    got = values(GEMINI, "cashless_exercise_shares", exercise_date="1999-09-15", exercised_shares="10,000",
                 cashless="true", funds_available="false", common_outstanding="26,704,073", market=MARKET)
    assert got["cashless_exercise_shares"] == 814


@pytest.mark.parametrize(("date", "time", "inside"), [
    ("1999-07-26", "12:00 p.m.", False), ("1999-07-27", "9:00 a.m.", True),
    ("2003-07-27", "4:59 p.m.", True), ("2003-07-27", "5:00 p.m.", False)])
def test_exercise_period(date: str, time: str, inside: bool) -> None:
    # W 2: on or after July 27, 1999 and before 5:00 p.m. Henderson time on July 27, 2003.
    assert values(CC, "in_exercise_period", exercise_date=date,
                  exercise_time=time)["in_exercise_period"] is inside


def test_buy_in_readings() -> None:
    # W 1(e): cover $11,000 for 1,000 Sold Shares sold for $10,000 net. The aggregate Exercise Price of
    # Gemini's 1,000 shares is $4,937.50, less than $10,000: 11,000 − 4,937.50 = $6,062.50.
    # Read per share, the lesser is $4.9375: 11,000 − 4.9375 = $10,995.0625.
    given = {"cover_cost": "$11,000", "sale_proceeds": "$10,000", "sold_shares": "1,000"}
    assert values(GEMINI, "buy_in_payment", **given)["buy_in_payment"] == F("6062.50")
    per_share = values(GEMINI, "buy_in_payment", interpret={"buy_in_exercise_price": "per_share"}, **given)
    assert per_share["buy_in_payment"] == F("10995.0625")


def _prices(column: int) -> dict[dt.date, float]:
    with open(MARKET) as handle:
        rows = [r for r in csv.reader(handle) if r and not r[0].startswith("#")][1:]
    return {dt.date.fromisoformat(r[0]): float(r[column]) for r in rows}


def _black_scholes(spot_prices: dict[dt.date, float], volatility_prices: dict[dt.date, float]) -> float:
    # W 4(e), notice 2000-06-01: spot = price of 05-31; volatility = s.d. of the log returns of the
    # 100 trading days before, × √252; 6% risk-free; term to 2003-07-27 (1,151 days of 365).
    days = sorted(d for d in spot_prices if d < dt.date(2000, 6, 1))[-100:]
    returns = [math.log(volatility_prices[b] / volatility_prices[a]) for a, b in itertools.pairwise(days)]
    sigma = statistics.stdev(returns) * math.sqrt(252)
    spot, strike, rate, years = spot_prices[days[-1]], 6.7838, 0.06, 1151 / 365
    d1 = (math.log(spot / strike) + (rate + sigma ** 2 / 2) * years) / (sigma * math.sqrt(years))
    d2 = d1 - sigma * math.sqrt(years)
    phi = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    return spot * phi(d1) - strike * math.exp(-rate * years) * phi(d2)


@pytest.mark.parametrize("reading", ["closing_trade", "closing_bid"])
def test_black_scholes_amount_against_an_independent_float_computation(reading: str) -> None:
    # (i) the current market price is the closing TRADE price of the last trading day before the
    # notice (issue 9: it was the bid); (ii) the volatility is of closing trades by default, of
    # closing bids under black_scholes_volatility = closing_bid.
    bids, trades = _prices(1), _prices(3)
    expected = _black_scholes(trades, trades if reading == "closing_trade" else bids)
    got = values(CC, "black_scholes_amount", "black_scholes_market_price", notice_date="2000-06-01",
                 risk_free_rate="6%", market=MARKET, interpret={"black_scholes_volatility": reading})
    amount = got["black_scholes_amount"]
    assert isinstance(amount, F)
    assert abs(float(amount) - expected) < 1e-9
    assert got["black_scholes_market_price"] == F(str(trades[dt.date(2000, 5, 31)]))


def test_black_scholes_needs_100_trading_days_of_data() -> None:
    with pytest.raises(ClauseError, match="needs 100 trading days"):
        values(CC, "black_scholes_amount", notice_date="1999-01-04", risk_free_rate="6%", market=MARKET)


def _run(tmp_path: Path, events: str) -> RunResult:
    path = tmp_path / "s.yaml"
    path.write_text(f"title: t\ncontracts: [{CC}]\nmarket: {MARKET}\nas_of: 1999-12-31\n"
                    "facts: {common_outstanding: 26704073}\nholders: {CC Investments: {}}\n"
                    "events:\n" + events)
    return run_scenario(load_scenario(path))


def test_an_excepted_issuance_changes_nothing(tmp_path: Path) -> None:
    # W 4(b)(vi)(v): shares sold in an underwritten public offering, even below the Market Price, do
    # not adjust the price; they are outstanding all the same (issue 9: W 4(a)'s O counts them; no
    # clause applied before, and O stayed 26,704,073).
    run = _run(tmp_path, "  - {date: 1999-09-15, event: issuance, security: common, shares: 3000000, "
                         "consideration: \"$9,000,000\", exception: public_offering}\n")
    assert run.state["current_exercise_price"] == F("6.7838")
    assert run.results[-1].clauses == ["common_outstanding_grows"]
    assert run.state["common_added"] == 3000000
    assert run.state["common_issued"] == 0  # sold by the Company, not issued on an exercise


def test_o_counts_every_share_outstanding(tmp_path: Path) -> None:
    # W 4(a): 1,000,000 shares sold at $6 on 1999-09-15, above the Market Price ($5.375): no adjustment,
    # but O grows to 27,704,073. Then 1,000,000 at $3 on 10-15 (M $5.50): E' = 6.7838 × (27,704,073 +
    # 545,454.54…) / 28,704,073 = 6.67637… → $6.68 (with O left at 26,704,073 it was 6.67249… → $6.67).
    run = _run(tmp_path, "  - {date: 1999-09-15, event: issuance, security: common, shares: 1000000, "
                         "consideration: \"$6,000,000\"}\n"
                         "  - {date: 1999-10-15, event: issuance, security: common, shares: 1000000, "
                         "consideration: \"$3,000,000\"}\n")
    assert run.snapshots[0]["current_exercise_price"] == F("6.7838")
    assert run.state["current_exercise_price"] == F("6.68")
    assert run.state["common_added"] == 2000000


def test_event_fields_map_to_inputs(tmp_path: Path) -> None:
    # exercise_notice's field "shares" fills the input exercised_shares.
    run = _run(tmp_path, "  - {date: 1999-09-01, event: exercise_notice, holder: CC Investments, "
                         "shares: 1000}\n")
    values_at = {c.name: c.record.value for c in run.results[-1].values}
    assert values_at["exercise_payment"] == F("6783.80")


def test_options_repriced_readjust_as_if_granted_so(tmp_path: Path) -> None:
    # W 4(b)(iii): options on 2,000,000 shares granted 1999-09-15 for $6,000,000 (M $5.375) take the
    # price to $6.57; on 10-15 their total becomes $4,000,000. Readjusted as if granted so, from the
    # price before the grant: 6.7838 × (26,704,073 + 4,000,000/5.375) / 28,704,073 = 6.4870… → $6.49.
    run = _run(tmp_path, "  - {date: 1999-09-15, event: issuance, security: option, shares: 2000000, "
                         "consideration: \"$6,000,000\"}\n"
                         "  - {date: 1999-10-15, event: options_repriced, "
                         "new_consideration: \"$4,000,000\"}\n")
    assert run.snapshots[0]["current_exercise_price"] == F("6.57")
    assert run.state["current_exercise_price"] == F("6.49")
    expected = F("6.7838") * (26704073 + F(4000000) / F("5.375")) / 28704073
    assert round(expected, 4) == F("6.4870")
    # What the next adjustment starts from is the price now in effect, $6.49 (issue 9: W 4's E is
    # "the then current Exercise Price", rounded to the cent; it was the unrounded 6.4870…).
    assert run.state["unrounded_price"] == F("6.49")


def test_the_next_adjustment_starts_from_the_price_in_effect(tmp_path: Path) -> None:
    # W 4, E = "the then current Exercise Price", rounded to the cent. 1,000,000 shares sold for
    # $2,250,000 on 1999-09-15 (M $5.375): 6.7838 × (26,704,073 + 418,604.65…) / 27,704,073 =
    # 6.64143… → $6.64. Then 1,000,000 for $3,000,000 on 10-15 (M $5.50, O now 27,704,073):
    # E = $6.64, × (27,704,073 + 545,454.54…) / 28,704,073 = 6.53485… → $6.53 (from the unrounded
    # 6.64143… it would be 6.53626… → $6.54).
    run = _run(tmp_path, "  - {date: 1999-09-15, event: issuance, security: common, shares: 1000000, "
                         "consideration: \"$2,250,000\"}\n"
                         "  - {date: 1999-10-15, event: issuance, security: common, shares: 1000000, "
                         "consideration: \"$3,000,000\"}\n")
    assert run.snapshots[0]["current_exercise_price"] == F("6.64")
    assert run.state["current_exercise_price"] == F("6.53")


def test_no_new_warrant_once_the_warrant_has_expired_at_delivery(tmp_path: Path) -> None:
    # W 1(b): the Warrant expires at 5:00 p.m. on 2003-07-27 (a Sunday). 1,000 of the CC Warrant's
    # 447,761 shares exercised in cash on Monday 07-21: the certificates are due 07-24, before the
    # expiry, with a new Warrant for the rest. Exercised on Thursday 07-24: due Tuesday 07-29, after
    # it: no new Warrant (the at_exercise reading would still owe one). Made-up bids for July 2003.
    market = tmp_path / "bids-MADE-UP.csv"
    days = [d for d in (dt.date(2003, 7, 1) + dt.timedelta(n) for n in range(31)) if d.weekday() < 5
            and d != dt.date(2003, 7, 4)]
    market.write_text("# MADE-UP\ndate,closing_bid\n" + "".join(f"{d},5\n" for d in days))

    def new_warrants(exercised_on: str, reading: str = "") -> list[str]:
        path = tmp_path / "s.yaml"
        path.write_text(f"title: t\ncontracts: [{CC}]\nmarket: {market}\nas_of: 2003-07-31\n"
                        f"facts: {{common_outstanding: 26704073}}\ninterpret: {{{reading}}}\n"
                        "holders: {CC Investments: {}}\nevents:\n"
                        f"  - {{date: {exercised_on}, event: exercise_notice, holder: CC Investments, "
                        "shares: 1000}\n")
        run = run_scenario(load_scenario(path))
        return [o.due.isoformat() for o in run.obligations
                if o.what == "new Warrant for the unexercised shares"]

    assert new_warrants("2003-07-21") == ["2003-07-24"]
    assert new_warrants("2003-07-24") == []
    assert new_warrants("2003-07-24", "expired_at_delivery: at_exercise") == ["2003-07-29"]


def test_variable_rate_deemed_shares_exact_or_whole(tmp_path: Path) -> None:
    # W 4(b)(ii)(2): $2,000,000 at 80% × 80% × $5.375 = $3.44 a share is 25,000,000/43 = 581,395.35…
    # shares, exact by default; the "whole" reading rounds down to 581,395 (E' 6.7317626756 instead
    # of 6.7317625895; the price stays $6.7838, the change under 1% carried forward either way).
    def deemed(reading: str) -> Any:
        path = tmp_path / "s.yaml"
        path.write_text(f"title: t\ncontracts: [{CC}]\nmarket: {MARKET}\nas_of: 1999-12-31\n"
                        "facts: {common_outstanding: 26704073}\nholders: {CC Investments: {}}\n"
                        f"interpret: {{{reading}}}\nevents:\n"
                        "  - {date: 1999-09-15, event: issuance, security: convertible, variable_rate: true, "
                        "issue_discount: 20%, consideration: \"$2,000,000\"}\n")
        computed = {c.name: c.record.value for c in run_scenario(load_scenario(path)).results[-1].values}
        return computed["deemed_shares"], round(computed["diluted_price"], 10)
    assert deemed("") == (F(25000000, 43), F("6.7317625895"))
    assert deemed("variable_rate_deemed_shares: whole") == (581395, F("6.7317626756"))


def test_expiry_readjusts_to_the_price_without_the_options_after_a_split_and_an_exercise(
        tmp_path: Path) -> None:
    # W 4(b)(iv): options on 2,000,000 shares for $6,000,000 granted 1999-09-15 (M $5.375) take the price
    # to 6.7838 × (26,704,073 + 6,000,000/5.375) / 28,704,073 = 6.57494… → $6.57, the Warrant Shares to
    # 447,761 × 6.7838 / 6.57 = 462,331.97…. A 3-for-1 split on 10-01: $2.19, shares × 3 =
    # 1,386,995.92….
    # 100,000 exercised in cash on 10-20 leave 1,286,995.92…. The options expire unexercised on 11-15:
    # the price is what it would be had they never been issued, 6.7838 / 3 = 2.26126… → $2.26 (not the
    # pre-grant $6.7838, which would undo the split), and the shares follow by W 4(d):
    # 1,286,995.92… × 2.19 / 2.26 = 14,092,605,359 / 11,300 = 1,247,133.22… (not 447,761).
    run = _run(tmp_path, "  - {date: 1999-09-15, event: issuance, security: option, shares: 2000000, "
                         "consideration: \"$6,000,000\"}\n"
                         "  - {date: 1999-10-01, event: stock_split, ratio: 3}\n"
                         "  - {date: 1999-10-20, event: exercise_notice, holder: CC Investments, "
                         "shares: 100000}\n"
                         "  - {date: 1999-11-15, event: options_expired, shares_issued_on_options: 0}\n")
    assert run.snapshots[1]["current_exercise_price"] == F("2.19")
    assert run.state["current_exercise_price"] == F("2.26")  # 6.7838 / 3 → $2.26
    assert run.state["current_warrant_shares"] == F(14092605359, 11300)  # 1,247,133.22…
    assert run.state["options_pending"] is False


def test_a_cashless_exercise_below_the_exercise_price_yields_no_shares() -> None:
    # W 12(c): "the amount by which the then current Market Price ... exceeds the Exercise Price". On
    # 1999-08-02 M = the bid of 07-30, $4.96875, below the CC Warrant's $6.7838: nothing exceeds, so
    # 1,000 Warrant Shares give 0 shares (the fraction was (4.96875 − 6.7838) / 4.96875 = −0.365…,
    # and cashless_exercise_shares −366).
    got = values(CC, "common_per_warrant_share", "cashless_exercise_shares", "exercisable_shares",
                 exercise_date="1999-08-02", exercised_shares="1,000", cashless="true",
                 common_outstanding="26,704,073", market=MARKET)
    assert got == {"common_per_warrant_share": 0, "cashless_exercise_shares": 0, "exercisable_shares": 0}


def test_repricing_after_a_split_keeps_the_split(tmp_path: Path) -> None:
    # W 4(b)(iii): the options of the test above ($6.57), a 3-for-1 split ($2.19), then their total
    # consideration becomes $4,000,000 on 10-15. Had they been granted so, the price would be the price
    # without them (6.7838 / 3 → $2.26) × (26,704,073 + 4,000,000/5.375) / 28,704,073 = 2.26 × 0.95624…
    # = 2.16112… → $2.16 (from the pre-grant price it was $6.49, undoing the split). Shares by W 4(d):
    # 447,761 × 6.7838 / 2.16 = 15,187,605,359 / 10,800 = 1,406,259.75….
    run = _run(tmp_path, "  - {date: 1999-09-15, event: issuance, security: option, shares: 2000000, "
                         "consideration: \"$6,000,000\"}\n"
                         "  - {date: 1999-10-01, event: stock_split, ratio: 3}\n"
                         "  - {date: 1999-10-15, event: options_repriced, "
                         "new_consideration: \"$4,000,000\"}\n")
    assert run.state["current_exercise_price"] == F("2.16")  # 2.26 × 0.95624… → $2.16
    assert run.state["current_warrant_shares"] == F(15187605359, 10800)  # 1,406,259.75…


@pytest.mark.parametrize(("reading", "due"), [("warrant_shares_exercised", F("5000")),
                                              ("common_issued", F("406.50"))])
def test_distribution_on_a_cashless_exercise_readings(reading: str, due: F) -> None:
    # W 4(f): $0.50 a share distributed before Gemini exercises 10,000 Warrant Shares cashless on
    # 1999-09-15 (813 shares of Common Stock issued, as above): 10,000 × $0.50 = $5,000 for the Warrant
    # Shares exercised (default), or 813 × $0.50 = $406.50 for the Common Stock issued.
    got = values(GEMINI, "distribution_due", exercise_date="1999-09-15", exercised_shares="10,000",
                 cashless="true", common_outstanding="26,704,073", distribution_accrued="$0.50",
                 market=MARKET, interpret={"distribution_shares": reading})
    assert got["distribution_due"] == due
