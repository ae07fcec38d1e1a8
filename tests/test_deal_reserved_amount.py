"""The deal's Reserved Amount under each reading of reserved_amount_for_both_series (COD V.A, V.B)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from support import CONTRACTS, ROOT

from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

DEAL = CONTRACTS / "valence_financing.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"  # made-up closing bids

# On each trading day of December 1998 both series convert at the Fixed Conversion Price, $6.03
# (variable pricing starts 1999-01-27 for Series A, 1999-07-27 for Series B). All 7,500 shares of
# each series are outstanding. On the first trading day, Friday 1998-12-18:
#   Series A: Premium 1,000 × 144/365 × 6% = $23.6712…;
#             round up(7,500 × $1,023.6712… / $6.03) = round up(1,273,222.9…) = 1,273,223
#   Series B: Premium 0 (the Closing Date);
#             round up(7,500 × $1,000 / $6.03) = round up(1,243,781.1…) = 1,243,782
# 200% of Series A alone is 2,546,446 and of Series B alone 2,487,564, both under 4,000,000;
# 200% of both is 2 × 2,517,005 = 5,034,010, over it. The shares issuable grow with the Premium
# on 12-21 and 12-22.
SERIES_A_DAYS = (dt.date(1998, 12, 18) - dt.date(1998, 7, 27)).days


def issuable(days_a: int, days_b: int) -> tuple[int, int]:
    """What all 7,500 shares of each series convert into at $6.03, N days of Premium each."""
    def shares(days: int) -> int:
        return math.ceil(7500 * (1000 + F(1000 * days * 6, 365 * 100)) / F("6.03"))
    return shares(days_a), shares(days_b)


def run(tmp_path: Path, interpret: str, facts: str = "") -> RunResult:
    path = tmp_path / "reserve.yaml"
    path.write_text(f"""\
title: the deal's Reserved Amount
contracts: [{DEAL}]
market: {MARKET}
facts: {{board_only: false, common_outstanding: 26704073{facts}}}
interpret: {interpret}
holders:
  CC Investments: {{series_a.series_a_preferred: 7500, series_b.series_b_preferred: 7500}}
as_of: 1998-12-23
events: []
""", encoding="utf-8")
    return run_scenario(load_scenario(path))


def triggers(result: RunResult) -> set[tuple[str, dt.date]]:
    """The Authorization Trigger Dates of the run: the flag each certificate raises, and when."""
    return {(f.name, f.date) for f in result.flags
            if f.raised and f.name.endswith("reserve_increase_pending")}


def test_the_hand_worked_figures() -> None:
    assert SERIES_A_DAYS == 144
    a, b = issuable(SERIES_A_DAYS, 0)
    assert (a, b) == (1273223, 1243782)
    assert 2 * a < 4000000 and 2 * b < 4000000 < 2 * (a + b) == 5034010


def test_each_certificate_measures_its_own_reserve(tmp_path: Path) -> None:
    # The default: 4,000,000 for each series alone covers 200% (2,546,446 and 2,487,564 on 12-18,
    # a little more on the next days): no day is short, no Authorization Trigger Date.
    result = run(tmp_path, "{}")
    assert triggers(result) == set()
    assert result.state["series_a.reserve_short_days"] == result.state["series_b.reserve_short_days"] == 0


def test_each_certificate_short_of_its_own(tmp_path: Path) -> None:
    # Series A's own reserve made 2,000,000: under 2,546,446 on 12-18, 12-21 and 12-22, the third
    # short trading day is its Authorization Trigger Date; Series B keeps its own 4,000,000 and is
    # never short. The deal's one reserve (4,000,000, from Series B's figure) is not measured.
    result = run(tmp_path, "{}", ", series_a.initial_reserved_amount: 2000000")
    assert triggers(result) == {("series_a.reserve_increase_pending", dt.date(1998, 12, 22))}
    assert result.state["series_b.reserve_short_days"] == 0


def test_one_reserve_for_both_series(tmp_path: Path) -> None:
    # One 4,000,000 for both: under 200% of both (5,034,010 on 12-18; on 12-22, with 148 and 4 days
    # of Premium, 2 × (1,274,041 + 1,244,599) = 5,037,280), so 12-18, 12-21 and 12-22 are short and
    # 12-22 is the Authorization Trigger Date under both certificates.
    a, b = issuable(SERIES_A_DAYS + 4, 4)
    assert (a, b) == (1274041, 1244599) and 2 * (a + b) == 5037280
    result = run(tmp_path, "{reserved_amount_for_both_series: one_for_both}")
    assert triggers(result) == {("series_a.reserve_increase_pending", dt.date(1998, 12, 22)),
                                ("series_b.reserve_increase_pending", dt.date(1998, 12, 22))}
    # Series A's own reserve at 2,000,000 changes nothing: the one reserve is the one measured.
    again = run(tmp_path, "{reserved_amount_for_both_series: one_for_both}",
                ", series_a.initial_reserved_amount: 2000000")
    assert triggers(again) == triggers(result)
