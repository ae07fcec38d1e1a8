"""The Valence financing as one deal (contracts/valence_financing.yaml), worked by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from support import CONTRACTS, ROOT, values

from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

DEAL = CONTRACTS / "valence_financing.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"  # made-up closing bids


def run(tmp_path: Path, events: str, facts: str = "common_outstanding: 100000000",
        interpret: str = "{}", as_of: str = "2001-03-31") -> RunResult:
    path = tmp_path / "deal-scenario.yaml"
    path.write_text(f"""\
title: a deal test
contracts: [{DEAL}]
market: {MARKET}
facts: {{board_only: false, {facts}}}
interpret: {interpret}
holders:
  CC Investments: {{series_a.series_a_preferred: 7500, series_b.series_b_preferred: 7500}}
  Gemini Capital: {{}}
as_of: {as_of}
events:
{events}""", encoding="utf-8")
    return run_scenario(load_scenario(path))


def computed(result: RunResult, index: int) -> dict[str, Any]:
    """The values computed on the scenario's event ``index``."""
    found = next(r for r in result.results if r.occurrence.index == index)
    return {c.name: c.record.value for c in found.values}


def owed(result: RunResult, what: str) -> list[F | None]:
    """The amounts of the obligations of one kind, in the order they arose."""
    return [o.amount for o in result.obligations if o.what == what]

CAP_EVENTS = """\
  - {date: 1999-08-02, event: series_b.conversion_notice, holder: CC Investments, preferred_shares: 3000}
  - {date: 1999-12-13, event: gemini_warrant.exercise_notice, holder: Gemini Capital, shares: 87500,
      cashless: true}
  - {date: 2000-07-03, event: series_a.conversion_notice, holder: CC Investments, preferred_shares: 7500}
  - {date: 2000-12-21, event: series_b.conversion_notice, holder: CC Investments, preferred_shares: 4500}
  - {date: 2001-01-23, event: stockholder_approval}
  - {date: 2001-02-21, event: series_b.conversion_notice, holder: CC Investments, preferred_shares: 500}
"""


def test_documents_keep_their_own_terms_under_their_names() -> None:
    # The same body, two certificates: Series A's Premium runs from 1998-07-27, Series B's from 1998-12-18.
    # On 1999-08-02: A: 1,000 × 371/365 × 6% = $60.986301…; B: 1,000 × 227/365 × 6% = $37.315068…
    got = values(DEAL, "series_a.premium", "series_b.premium", "rra.registration_deadline",
                 **{"series_a.notice_date": "1999-08-02", "series_b.notice_date": "1999-08-02"})
    assert got == {"series_a.premium": F(1000 * 371 * 6, 365 * 100),
                   "series_b.premium": F(1000 * 227 * 6, 365 * 100),
                   "rra.registration_deadline": dt.date(1999, 2, 16)}


def test_one_cap_amount_first_submission_first(tmp_path: Path) -> None:
    # A Cap Amount of 3,000,000 (smaller than the real 5,071,913, to make it bind early).
    # Issued against it: Series B 618,159 (1999-08-02), Gemini 20,388 (cashless, 1999-12-13),
    # Series A 2,024,735 (2000-07-03): 2,663,282. Room on 2000-12-21: 336,718 shares.
    result = run(tmp_path, CAP_EVENTS, facts="common_outstanding: 100000000, cap_amount: 3000000")
    assert computed(result, 2)["series_a.issued_shares"] == 2024735
    got = computed(result, 3)
    price = got["series_b.conversion_price"]
    rate = (1000 + F(1000 * 734 * 6, 365 * 100)) / price  # Common per Preferred: (Face + Premium) / CP
    # round down (cap_room / conversion_rate): 336,718 / 249.75 = 1,348.2
    convertible = math.floor(F(336718) / rate)
    assert got["series_b.convertible_preferred"] == convertible == 1348
    assert got["series_b.issued_shares"] == math.ceil(convertible * rate)
    assert result.snapshots[3]["series_b.conversion_limited"].get("CC Investments") is True
    # Stockholder Approval (one for all four securities) lifts the Cap: the last 500 shares convert whole.
    assert computed(result, 5)["series_b.convertible_preferred"] == 500
    assert result.state["stockholder_approval"] is True


def test_cap_allocated_to_holders(tmp_path: Path) -> None:
    # The other reading: the Cap Amount is split by Preferred Stock held (COD XIV.C); Gemini holds none,
    # so its portion is 0 and its cashless exercise yields no shares before Stockholder Approval.
    # Read so, nothing cuts CC's conversions: by 2001-02-21 it has converted all 7,500 Series B
    # shares, so the last event (500 more) asks for shares it does not hold and is left out.
    events = CAP_EVENTS.replace(CAP_EVENTS.splitlines()[-1] + "\n", "")
    result = run(tmp_path, events, interpret="{deal_cap_room: allocated_to_holders}")
    assert computed(result, 1)["gemini_warrant.exercisable_shares"] == 0
    # CC Investments: 15,000 of 15,000 Preferred shares: the whole 5,071,913.
    assert result.initial["cap_allocation"].get("CC Investments") == 0
    assert result.snapshots[0]["cap_allocation"].get("CC Investments") == 5071913


BOTH_LATE = """\
  - {date: 1999-08-02, event: series_a.conversion_notice, holder: CC Investments, preferred_shares: 1000}
  - {date: 1999-08-02, event: series_b.conversion_notice, holder: CC Investments, preferred_shares: 1000}
  - {date: 1999-08-03, event: series_a.certificates_delivered, holder: CC Investments}
  - {date: 1999-08-03, event: series_b.certificates_delivered, holder: CC Investments}
  - {date: 1999-08-24, event: series_b.shares_delivered, holder: CC Investments, shares: 206053}
  - {date: 1999-08-24, event: series_a.shares_delivered, holder: CC Investments, shares: 210755}
"""


def test_the_documents_clauses_on_the_end_of_the_run_run_in_a_deal(tmp_path: Path) -> None:
    # The certificates' as_of clause owes what an uncured Conversion Default has accrued; in the
    # deal it was renamed series_b.as_of, which never happens, so it never ran. Series B's 1,000
    # shares of 1999-08-02 are never delivered: the run ends 2001-03-31 (a Saturday) and the
    # accrual is due five business days later, 2001-04-06.
    events = "\n".join(BOTH_LATE.splitlines()[1:4:2]) + "\n"
    result = run(tmp_path, events, facts="common_outstanding: 26704073")
    accrued = [(o.name, o.creditor, o.due) for o in result.obligations
               if o.what == "Conversion Default Payments accrued to date"]
    assert accrued == [("series_b.conversion_default_payments_accrued_date", "CC Investments",
                        dt.date(2001, 4, 6))]


def test_conversion_default_payments_not_paid_twice(tmp_path: Path) -> None:
    # Both series convert 1,000 shares on 1999-08-02; Delivery Period ends 08-05; delivered 08-24.
    # Series A: 08-06..08-09 4 days × $500 = $2,000; 08-10..08-23 14 days × 1% × $1,000 × 1,000 = $140,000;
    # plus its Premium once, 1,000 × $60.986301… : $202,986.30…
    # Series B: its $500 days are paid under Series A (COD VII.A proviso): $0 + $140,000 + 1,000 × $37.315068…
    result = run(tmp_path, BOTH_LATE, facts="common_outstanding: 26704073")
    premium_a, premium_b = F(1000 * 371 * 6, 365 * 100), F(1000 * 227 * 6, 365 * 100)
    assert sorted(owed(result, "Conversion Default Payments")) == sorted([
        2000 + 140000 + 1000 * premium_a, 0 + 140000 + 1000 * premium_b])


def test_not_paid_twice_whichever_series_is_cured_first(tmp_path: Path) -> None:
    # The same two defaults, the Series A shares delivered before the Series B ones: Series A's
    # default days (08-06..08-23) are known from its Cure Date, so Series B still pays no $500 days.
    late = BOTH_LATE.splitlines()
    result = run(tmp_path, "\n".join([*late[:4], late[5], late[4]]) + "\n",
                 facts="common_outstanding: 26704073")
    premium_a, premium_b = F(1000 * 371 * 6, 365 * 100), F(1000 * 227 * 6, 365 * 100)
    assert sorted(owed(result, "Conversion Default Payments")) == sorted([
        2000 + 140000 + 1000 * premium_a, 0 + 140000 + 1000 * premium_b])


def test_proviso_read_over_every_payment(tmp_path: Path) -> None:
    # Read over all Conversion Default Payments, Series B pays only the Premium: 1,000 × $37.315068…
    result = run(tmp_path, BOTH_LATE, facts="common_outstanding: 26704073",
                 interpret="{series_b.proviso_covers_later_payments: all_payments}")
    premium_a, premium_b = F(1000 * 371 * 6, 365 * 100), F(1000 * 227 * 6, 365 * 100)
    assert sorted(owed(result, "Conversion Default Payments")) == sorted([
        142000 + 1000 * premium_a, 1000 * premium_b])


def test_series_a_waiver_of_variable_pricing(tmp_path: Path) -> None:
    # SPA 4.8: Series A converts 1,000 at the Variable price $5.03421875 < Fixed $6.03.
    # Issued: round up (1,000 × $1,060.986301… / 5.03421875) = 210,755;
    # at $6.03: round up(175,951.29…) = 175,952.
    # Contributed back: 210,755 − 175,952 = 34,803 shares, owed by the Holder to the Company.
    result = run(tmp_path, BOTH_LATE, facts="common_outstanding: 26704073")
    assert computed(result, 0)["series_a.issued_shares"] == 210755
    value = 1000 * (1000 + F(1000 * 371 * 6, 365 * 100))
    assert math.ceil(value / F("5.03421875")) - math.ceil(value / F("6.03")) == 34803
    assert owed(result, "excess shares contributed to capital (SPA 4.8)") == [34803]


def test_one_reserved_amount(tmp_path: Path) -> None:
    # COD V.A: 4,000,000 shares, doubled by a 2-for-1 split on 1999-06-01 (once, not once per series).
    result = run(tmp_path, "  - {date: 1999-06-01, event: stock_split, ratio: 2}\n")
    assert result.snapshots[0]["reserved_amount"] == 8000000
    # COD V.B on 1999-08-02: 200% of the Common issuable on all outstanding Preferred of both series:
    # A: round up(7,500 × $1,060.986301… / $5.03421875) = round up(1,580,661.8…) = 1,580,662;
    # B: round up(7,500 × $1,037.315068… / $5.03421875) = round up(1,545,396.1…) = 1,545,397;
    # 200% × 3,126,059 = 6,252,118.
    result = run(tmp_path, "  - {date: 1999-08-02, event: reserved_amount_increased}\n")
    price = F("5.03421875")
    a = math.ceil(7500 * (1000 + F(1000 * 371 * 6, 36500)) / price)
    b = math.ceil(7500 * (1000 + F(1000 * 227 * 6, 36500)) / price)
    assert (a, b) == (1580662, 1545397)
    assert result.snapshots[0]["reserved_amount"] == 2 * (a + b) == 6252118


def test_a_registration_trigger_reaches_both_series(tmp_path: Path) -> None:
    # RRA 3.2: 1,000,000 registered against 600,000 Registrable (175% is 1,050,000) from Thursday
    # 1999-09-02; the third short trading day is 09-07 (09-06 Labor Day), the Registration Trigger Date.
    # Shared with both certificates, it starts Redemption Event (ix)'s time under each: nothing cured by
    # 09-07 + 20 business days = 10-05, so (ix) arises under Series A and Series B on 10-05.
    result = run(tmp_path, """\
  - {date: 1998-12-22, event: registration_filed}
  - {date: 1999-02-01, event: registration_effective}
  - {date: 1999-09-02, event: rra.coverage_shortfall, holder: CC Investments, registered_shares: 1000000,
     registrable_shares: 600000, amendment: false}
""", facts="common_outstanding: 26704073")
    raised = {(f.name, f.date) for f in result.flags if f.raised}
    assert ("series_a.registration_trigger_pending", dt.date(1999, 9, 7)) in raised
    assert ("series_b.registration_trigger_pending", dt.date(1999, 9, 7)) in raised
    assert ("series_a.redemption_event_ix", dt.date(1999, 10, 5)) in raised
    assert ("series_b.redemption_event_ix", dt.date(1999, 10, 5)) in raised


def test_the_volume_limit_lasts_while_series_b_is_held(tmp_path: Path) -> None:
    # SPA 4.15 applies "for so long as" the Purchaser owns Series B. On 1999-08-03 the limit is the
    # greatest of 30,000, 15% × 348,400 = 52,260 and 15% × the 5-day average before (362,220) = 54,333:
    # 60,000 at $5.00 breaches it. Once all 7,500 Series B shares are converted (1999-08-02, the 4.9%
    # room permitting with 100,000,000 outstanding), the same sale does not.
    def breached(events: str) -> bool:
        result = run(tmp_path, events)
        return any(f.name == "spa.volume_limit_breached" and f.raised for f in result.flags)

    sale = "  - {date: 1999-08-03, event: spa.sale, holder: CC Investments, shares: 60000, price: $5.00}\n"
    assert breached(sale)
    assert not breached("  - {date: 1999-08-02, event: series_b.conversion_notice, holder: CC Investments, "
                        "preferred_shares: 7500}\n" + sale)


def test_one_holders_4_9_percent_counts_all_its_securities(tmp_path: Path) -> None:
    # W 8(f) and COD IV.G(ii) count all the Common Stock the Holder owns (issue 9). With 10,000,000
    # outstanding, CC converts 2,000 Series B shares on 1999-08-02: 2,000 × (1,000 + 37.3150…) /
    # 5.03421875 = 412,105.6… → 412,106 shares (within its room, 490,000 / 0.951 → 515,247). On 09-01
    # it exercises 200,000 Warrant Shares in cash: its room is now (4.9% × 10,412,106 − 412,106) /
    # 95.1% = 103,141.2… → 103,141 (counting the Warrant alone it was 536,480, so all 200,000).
    result = run(tmp_path, """\
  - {date: 1999-08-02, event: series_b.conversion_notice, holder: CC Investments, preferred_shares: 2000}
  - {date: 1999-09-01, event: cc_warrant.exercise_notice, holder: CC Investments, shares: 200000}
""", facts="common_outstanding: 10000000")
    assert computed(result, 0)["series_b.issued_shares"] == 412106
    assert computed(result, 1)["cc_warrant.exercisable_shares"] == 103141
    assert result.state["cc_warrant.exercise_limited"] is True


def test_in_the_deal_short_suspensions_add_up_to_redemption_event_vi(tmp_path: Path) -> None:
    # COD VIII.A(vi): "for a period of five (5) consecutive business days or for an aggregate of more
    # than twenty (20) days in any twelve month period". The RRA's suspensions of sales are the
    # certificates' unusable Registration Statement. Six suspensions from a Friday to the Tuesday
    # after (1999-05-07 to 05-11, ..., 06-11 to 06-15): none reaches five consecutive business days
    # (Friday and Monday; Memorial Day, 05-31, is no business day), but each has four days (Friday
    # to Monday), so five make 20 and the sixth's first day, 1999-06-11, is the 21st: (vi) then.
    fridays = [dt.date(1999, 5, 7) + dt.timedelta(weeks=i) for i in range(6)]
    events = "".join(f"  - {{date: {f}, event: rra.sales_suspended}}\n"
                     f"  - {{date: {f + dt.timedelta(days=4)}, event: rra.sales_resumed}}\n" for f in fridays)
    filing = ("  - {date: 1998-12-21, event: registration_filed}\n"
              "  - {date: 1999-03-01, event: registration_effective}\n")
    result = run(tmp_path, filing + events, as_of="1999-06-30")  # filed in 5 days, effective in 90: no (vi)
    raised = {(f.name, f.date) for f in result.flags if f.raised and f.name.endswith("redemption_event_vi")}
    assert raised == {("series_a.redemption_event_vi", dt.date(1999, 6, 11)),
                      ("series_b.redemption_event_vi", dt.date(1999, 6, 11))}
    assert result.state["series_b.unusable_days_in_year"] == 24  # the six suspensions' four days each
