"""One count of the Common Stock outstanding, changed by events of every document (issue 9):
W 4(a)'s O and every 4.9% denominator read it, alone and in the deal, worked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from support import CONTRACTS, ROOT

from interpreter.diagnostics import ClauseError
from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

CC = CONTRACTS / "warrant_cc_investments.yaml"
SERIES_B = CONTRACTS / "series_b_certificate.yaml"
DEAL = CONTRACTS / "valence_financing.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"  # made-up closing bids


def run(tmp_path: Path, contract: Path, holders: str, events: str, outstanding: int, as_of: str) -> RunResult:
    path = tmp_path / "s.yaml"
    path.write_text(f"title: t\ncontracts: [{contract}]\nmarket: {MARKET}\nas_of: {as_of}\n"
                    f"facts: {{common_outstanding: {outstanding}}}\nholders: {holders}\nevents:\n{events}",
                    encoding="utf-8")
    return run_scenario(load_scenario(path))


def computed(result: RunResult, index: int) -> dict[str, object]:
    """The values computed on the scenario's event ``index``."""
    found = next(r for r in result.results if r.occurrence.index == index)
    return {c.name: c.record.value for c in found.values}


def test_a_repurchase_leaves_o(tmp_path: Path) -> None:
    # W 4(k)(i): shares "held in the treasury" are not outstanding. 1,000,000 bought back on 1999-09-15,
    # then 1,000,000 sold at $3 on 10-15 (M = $5.50, the bid of 10-14): O = 26,704,073 − 1,000,000 =
    # 25,704,073, CSDO = 26,704,073; E' = 6.7838 × (25,704,073 + 3,000,000 / 5.50) / 26,704,073
    # = 6.7838 × 26,249,527.54… / 26,704,073 = 6.66832… → $6.67 (with O at 26,704,073: 6.67249…, and
    # CSDO at 27,704,073). Shares by W 4(d): 447,761 × 6.7838 / 6.67 = 455,400.46….
    result = run(tmp_path, CC, "{CC Investments: {}}",
                 "  - {date: 1999-09-15, event: repurchase, shares: 1000000}\n"
                 "  - {date: 1999-10-15, event: issuance, security: common, shares: 1000000, "
                 "consideration: \"$3,000,000\"}\n", 26704073, "1999-12-31")
    assert result.snapshots[0]["common_added"] == -1000000
    assert result.snapshots[0]["current_exercise_price"] == F("6.7838")  # a repurchase adjusts nothing
    o = 25704073
    assert computed(result, 1)["diluted_price"] == F("6.7838") * (o + F(3000000) / F("5.50")) / (o + 1000000)
    assert result.state["current_exercise_price"] == F("6.67")
    assert result.state["current_warrant_shares"] == F(447761) * F("6.7838") / F("6.67")
    assert result.state["common_added"] == 0


def test_a_repurchase_of_more_than_is_outstanding_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ClauseError, match="buys back no more Common Stock than is outstanding"):
        run(tmp_path, CC, "{CC Investments: {}}",
            "  - {date: 1999-09-15, event: repurchase, shares: 1000001}\n", 1000000, "1999-12-31")


def test_the_certificates_4_9_percent_counts_issuances_and_repurchases(tmp_path: Path) -> None:
    # COD IV.G(ii), read under Section 13(d): the 4.9% is of the shares outstanding. The Company sells
    # 1,000,000 at any price on 1999-02-25 and buys back 500,000 on 02-26: 10,500,000 outstanding.
    # On 03-01 the room is 4.9% × 10,500,000 / 95.1% = 541,009.4… → 541,009 (scenario 03 without them:
    # 515,247); at (1000 + 12) / 6.03 = 167.8275… Common a share, 541,009 / 167.8275… = 3,223.6 → 3,223
    # of the 3,500 convert, into round up (3,261,676 / 6.03 = 540,908.1) = 540,909 shares.
    result = run(tmp_path, SERIES_B, "{CC Investments: {series_b_preferred: 7500}}",
                 "  - {date: 1999-02-25, event: common_issuance, shares: 1000000}\n"
                 "  - {date: 1999-02-26, event: repurchase, shares: 500000}\n"
                 "  - {date: 1999-03-01, event: conversion_notice, holder: CC Investments, "
                 "preferred_shares: 3500}\n",
                 10000000, "1999-03-31")
    room = math.floor(F("0.049") * 10500000 / F("0.951"))
    assert room == 541009
    got = computed(result, 2)
    assert got["convertible_preferred"] == math.floor(room / (F(1012) / F("6.03"))) == 3223
    assert got["issued_shares"] == math.ceil(F(3223 * 1012) / F("6.03")) == 540909
    # What the conversion issued counts in both counts; the Company's sale and repurchase only in the
    # shares outstanding, not in what the Reserved Amount has given (COD V.A).
    assert result.state["common_added"] == 500000 + 540909
    assert result.state["common_issued"] == 540909


DEAL_HOLDERS = ("{CC Investments: {series_a.series_a_preferred: 7500, series_b.series_b_preferred: 7500}, "
                "Gemini Capital: {}}")


def test_in_the_deal_one_issuance_reaches_every_document_once(tmp_path: Path) -> None:
    # 10,000,000 shares outstanding (made up, so that the 4.9% binds). 1,000,000 sold at $6 on
    # 1999-09-15 (above M = $5.375: no adjustment), 1,000,000 at $3 on 10-15 (M $5.50), each entered
    # once. Both Warrants adjust, each with O = 11,000,000 (every share outstanding, counted once,
    # before the issuance) and CSDO = 12,000,000:
    #   CC:     6.7838 × (11,000,000 + 545,454.54…) / 12,000,000 = 6.52683… → $6.53
    #   Gemini: 4.9375 × (11,000,000 + 545,454.54…) / 12,000,000 = 4.75047… → $4.75
    # A repurchase of 300,000 on 10-20 leaves 11,700,000 outstanding. On 1999-11-01 CC Investments
    # converts all its 7,500 Series B: the 4.9% room is round down (4.9% × 11,700,000 / 95.1%)
    # = 602,839 (had each of the four documents counted the issuances, 8,000,000 shares more).
    result = run(tmp_path, DEAL, DEAL_HOLDERS,
                 "  - {date: 1999-09-15, event: issuance, security: common, shares: 1000000, "
                 "consideration: \"$6,000,000\"}\n"
                 "  - {date: 1999-10-15, event: issuance, security: common, shares: 1000000, "
                 "consideration: \"$3,000,000\"}\n"
                 "  - {date: 1999-10-20, event: repurchase, shares: 300000}\n"
                 "  - {date: 1999-11-01, event: series_b.conversion_notice, holder: CC Investments, "
                 "preferred_shares: 7500}\n", 10000000, "1999-11-30")
    o, p_over_m = 11000000, F(3000000) / F("5.50")
    assert computed(result, 1) == {
        **computed(result, 1),
        "cc_warrant.diluted_price": F("6.7838") * (o + p_over_m) / (o + 1000000),
        "gemini_warrant.diluted_price": F("4.9375") * (o + p_over_m) / (o + 1000000)}
    assert result.snapshots[1]["cc_warrant.current_exercise_price"] == F("6.53")
    assert result.snapshots[1]["gemini_warrant.current_exercise_price"] == F("4.75")
    assert result.snapshots[1]["common_added"] == 2000000
    assert result.snapshots[2]["common_added"] == 1700000
    assert result.snapshots[1]["common_issued"] == 0  # sold by the Company: not from the Reserved Amount
    room = math.floor(F("0.049") * 11700000 / F("0.951"))
    assert room == 602839
    got = computed(result, 3)
    rate = (1000 + F(1000 * 318 * 6, 365 * 100)) / got["series_b.conversion_price"]  # N = 318 days
    assert got["series_b.convertible_preferred"] == math.floor(room / rate) < 7500
    assert result.state["common_added"] == 1700000 + got["series_b.issued_shares"]


def test_a_split_doubles_the_certificates_count_and_what_the_reserve_gave(tmp_path: Path) -> None:
    # COD XI.A, IV.G(ii), V.A. 10,000,000 outstanding. On 1999-03-01 CC converts 1,000 at $6.03
    # (N = 73 days, (1000 + 12) / 6.03 a share): round up (1,012,000 / 6.03 = 167,827.5…) = 167,828.
    # A 2-for-1 split on 03-15: 2 × (10,000,000 + 167,828) = 20,335,656 outstanding, kept as
    # 10,335,656 added; CC's 167,828 become 335,656 (its 1.65…% is unchanged); the Reserved Amount
    # doubles to 8,000,000 and what it gave to 335,656, so what it has left doubles too:
    # 8,000,000 − 335,656 = 7,664,344 = 2 × (4,000,000 − 167,828).
    result = run(tmp_path, SERIES_B, "{CC Investments: {series_b_preferred: 7500}}",
                 "  - {date: 1999-03-01, event: conversion_notice, holder: CC Investments, "
                 "preferred_shares: 1000}\n"
                 "  - {date: 1999-03-15, event: stock_split, ratio: 2}\n", 10000000, "1999-03-31")
    assert computed(result, 0)["issued_shares"] == math.ceil(F(1012000) / F("6.03")) == 167828
    after = result.snapshots[1]
    assert after["common_added"] == 2 * (10000000 + 167828) - 10000000 == 10335656
    assert after["common"].get("CC Investments") == 335656
    assert after["common_issued"] == 335656
    assert after["reserved_amount"] - after["common_issued"] == 2 * (4000000 - 167828) == 7664344
    before = result.snapshots[0]
    assert (after["common"].get("CC Investments") / (10000000 + after["common_added"])
            == before["common"].get("CC Investments") / (10000000 + before["common_added"]))


def test_after_a_split_w_4_a_reads_the_doubled_shares_outstanding(tmp_path: Path) -> None:
    # W 4(c), W 4(a). A 2-for-1 split on 1999-09-15 halves $6.7838 to $3.3919 → E = $3.39, and makes
    # the 26,704,073 shares outstanding 53,408,146. 1,000,000 sold for $1,000,000 on 10-15 (M = $5.50,
    # the bid of 10-14, taken as adjusted for the split): O = 53,408,146, CSDO = 54,408,146,
    # E' = 3.39 × (53,408,146 + 1,000,000 / 5.50) / 54,408,146 = 3.3390… → $3.34
    # (with O left at 26,704,073 it would be 3.39 × 26,885,891.2 / 27,704,073 = 3.2898… → $3.29).
    result = run(tmp_path, CC, "{CC Investments: {}}",
                 "  - {date: 1999-09-15, event: stock_split, ratio: 2}\n"
                 "  - {date: 1999-10-15, event: issuance, security: common, shares: 1000000, "
                 "consideration: \"$1,000,000\"}\n", 26704073, "1999-12-31")
    assert result.snapshots[0]["common_added"] == 26704073
    o = 53408146
    diluted = F("3.39") * (o + F(1000000) / F("5.50")) / (o + 1000000)
    assert computed(result, 1)["diluted_price"] == diluted
    assert round(diluted, 4) == F("3.3390")
    assert result.state["current_exercise_price"] == F("3.34")
    assert result.state["common_added"] == 26704073 + 1000000


def test_in_the_deal_a_split_changes_the_one_count_once(tmp_path: Path) -> None:
    # One stock_split event reaches the four securities; the count of shares outstanding and the
    # Common Stock a Holder received on both series are each split once. CC converts 100 Series B on
    # 1999-09-01 (into I shares), then a 2-for-1 split on 09-15: 2 × (10,000,000 + I) outstanding,
    # CC's Common 2 × I, not 16 × (the four documents each doubling it).
    result = run(tmp_path, DEAL, DEAL_HOLDERS,
                 "  - {date: 1999-09-01, event: series_b.conversion_notice, holder: CC Investments, "
                 "preferred_shares: 100}\n"
                 "  - {date: 1999-09-15, event: stock_split, ratio: 2}\n", 10000000, "1999-09-30")
    issued = computed(result, 0)["series_b.issued_shares"]
    assert result.snapshots[0]["common_added"] == issued > 0
    assert result.snapshots[1]["common_added"] == 2 * (10000000 + issued) - 10000000
    assert result.snapshots[1]["common"].get("CC Investments") == 2 * issued
    assert result.snapshots[1]["cc_warrant.current_exercise_price"] == F("3.39")  # 6.7838 / 2


def test_a_conversion_the_limit_cuts_to_nothing_owes_nothing(tmp_path: Path) -> None:
    # COD IV.G(ii): CC already owns 1,000,000 of 10,000,000 shares (10%, over 4.9%): the room is
    # greater_of(0, round down ((4.9% × 10,000,000 − 1,000,000) / 95.1%)) = 0, so none of the 100
    # shares converts. No certificates and no Common Stock are owed on it (an obligation of 0 shares
    # would never be delivered and would stay open); the limit is flagged.
    result = run(tmp_path, SERIES_B, "{CC Investments: {series_b_preferred: 7500, common: 1000000}}",
                 "  - {date: 1999-03-01, event: conversion_notice, holder: CC Investments, "
                 "preferred_shares: 100}\n", 10000000, "1999-03-31")
    assert computed(result, 0)["convertible_preferred"] == 0
    assert [o.what for o in result.obligations] == []
    assert result.state["conversion_limited"].get("CC Investments") is True
    assert result.state["series_b_preferred"].get("CC Investments") == 7500
