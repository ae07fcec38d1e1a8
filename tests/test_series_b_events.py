"""Series B provisions over time, each run as a small scenario and worked by hand.

The market data is examples/closing-bids-MADE-UP.csv (made up). Holders: A holds 3,000 shares and
B 1,500 of the 7,500 issued, unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ROOT

from interpreter.diagnostics import ClauseError
from interpreter.rational import Fraction as F
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

D = dt.date


def run(tmp_path: Path, events: str, as_of: str = "1999-12-31", facts: str = "",
        interpret: str = "") -> RunResult:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(f"""\
        title: test
        contracts: [{ROOT / 'contracts' / 'series_b_certificate.yaml'}]
        market: {ROOT / 'examples' / 'closing-bids-MADE-UP.csv'}
        as_of: {as_of}
        facts: {{common_outstanding: 100000000{facts}}}
        interpret: {{{interpret}}}
        holders:
          A: {{series_b_preferred: 3000}}
          B: {{series_b_preferred: 1500}}
        events:
        """) + textwrap.indent(textwrap.dedent(events), "  "))
    return run_scenario(load_scenario(path))


def owed(result: RunResult, what: str) -> dict[str, Any]:
    """Amount owed to each creditor under obligations described ``what``."""
    return {o.creditor: o.amount for o in result.obligations if o.what == what}


def flag(result: RunResult, name: str) -> Any:
    return result.state[name]


def test_initial_cap_allocation_is_pro_rata_to_the_shares_issued(tmp_path: Path) -> None:
    # XIV.C: 5,071,913 × 3,000 / 7,500 = 2,028,765.2; × 1,500 / 7,500 = 1,014,382.6
    result = run(tmp_path, "[]\n")
    assert result.state["cap_allocation"].values == {"A": F("2028765.2"), "B": F("1014382.6")}


def test_cap_reallocated_when_a_holder_converts_everything(tmp_path: Path) -> None:
    # B converts all 1,500 on 1999-03-01: 1,500 × 1,012 / 6.03 = 251,741.29 → 251,742 shares.
    # B keeps that much; the rest of its allocation, 1,014,382.6 − 251,742 = 762,640.6, goes to the
    # holders of the remaining 6,000 outstanding shares pro rata: A (3,000 of them) gets half, 381,320.3.
    result = run(tmp_path, """\
        - {date: 1999-03-01, event: conversion_notice, holder: B, preferred_shares: 1500}
        """)
    assert result.state["cap_allocation"].get("B") == 251742
    assert result.state["cap_allocation"].get("A") == F("2028765.2") + F("762640.6") * 3000 / 6000


def test_participation_in_a_dividend_as_if_converted(tmp_path: Path) -> None:
    # IX.B: record date 1999-03-02, so as converted on 1999-03-01 (Premium $12, price $6.03):
    # A: 3,000 × 1,012 / 6.03 = 503,482.59 → 503,483 shares × $0.10 = $50,348.30;
    # B: 1,500 → 251,742 shares × $0.10 = $25,174.20.
    result = run(tmp_path, """\
        - {date: 1999-03-02, event: dividend, amount: $0.10}
        """)
    assert owed(result, "dividend as if converted") == {"A": F("50348.30"), "B": F("25174.20")}


def test_liquidation_short_of_assets_is_ratable_with_pari_passu_stock(tmp_path: Path) -> None:
    # X.C on 1999-12-18: $1,000 + Premium $60 = $1,060 a share. Claims: 7,500 × 1,060 = 7,950,000
    # plus Series A's 3,975,000 = 11,925,000; assets 3,975,000 cover one third.
    # A: 1,060 × 3,000 / 3 = 1,060,000; B: 530,000.
    result = run(tmp_path, """\
        - {date: 1999-12-18, event: liquidation, assets_available: "$3,975,000",
            pari_passu_preference: "$3,975,000"}
        """)
    assert owed(result, "Liquidation Preference") == {"A": 1060000, "B": 530000}


def test_major_transaction_pays_the_greater_leg(tmp_path: Path) -> None:
    # XI.C: announced 1999-08-03; the trading day before is 08-02, when 3,000 shares convert into
    # 3,000 × 1,037.3150684932 / 5.03421875 = 618,158.5 → 618,159 shares × $8 = $4,945,272,
    # more than 125% × $1,000 × 3,000 = $3,750,000. For B: 309,080 × $8 = $2,472,640 > $1,875,000.
    result = run(tmp_path, """\
        - {date: 1999-09-15, event: major_transaction, transaction_announced_on: 1999-08-03,
            consideration_per_share: $8}
        """)
    assert owed(result, "Major Transaction consideration") == {"A": 4945272, "B": 2472640}
    notices = [o.due for o in result.obligations if o.what == "Notice of Major Transaction"]
    assert notices == [D(1999, 9, 8), D(1999, 9, 8)]  # 5 business days before 09-15


def test_major_transaction_floor_of_125_percent(tmp_path: Path) -> None:
    # At $1 a share of consideration, 618,159 × $1 < $3,750,000: the cash leg wins.
    result = run(tmp_path, """\
        - {date: 1999-09-15, event: major_transaction, transaction_announced_on: 1999-08-03,
            consideration_per_share: $1}
        """)
    assert owed(result, "Major Transaction consideration")["A"] == 3750000


def test_variable_rate_issuance_uses_the_greater_discount(tmp_path: Path) -> None:
    # XI.E(x): a convertible at a 20% discount: the Variable Conversion Price uses 80%, not 101%.
    # On 1999-08-02 the six lowest average 4.984375 → 80% = 3.9875.
    result = run(tmp_path, """\
        - {date: 1999-07-01, event: issuance, variable_rate: true, issue_discount: 20%}
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10}
        """)
    values = {c.name: c.record.value for r in result.results for c in r.values}
    assert result.state["variable_percentage_in_effect"] == F(4, 5)
    assert values["conversion_price"] == F("4.984375") * F(4, 5)


def test_kind_y_conversion_default_to_all_holders(tmp_path: Path) -> None:
    # VII.A(y): notice 1999-08-02, undertaking on 08-12, so the default exists 08-02 to 08-11.
    # To the 5th business day after the notice (08-09): 8 days × $500 = $4,000. Then 08-10 and 08-11:
    # 2 × 1% of the holder's Face Amount: A 2 × $30,000 = $60,000; B 2 × $15,000 = $30,000.
    # "(ii) plus any Premium with respect thereto" (issue 9: kind (y) had none): the Premium to the
    # notice date, N = 227 days, is 1000 × 227/365 × 6% = $2,724/73 a share, on A's 3,000 shares
    # $8,172,000/73 = $111,945.21 and on B's 1,500 $4,086,000/73. So A $64,000 + $8,172,000/73 (was
    # $64,000), B $34,000 + $4,086,000/73 (was $34,000).
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: refusal_notice}
        - {date: 1999-08-12, event: refusal_withdrawn}
        """)
    assert owed(result, "Conversion Default Payments (kind y)") == {
        "A": 64000 + F(8172000, 73), "B": 34000 + F(4086000, 73)}


def test_kind_y_premium_to_the_last_day(tmp_path: Path) -> None:
    # The last_day reading: the Premium to 08-11, N = 236 days: 1000 × 236/365 × 6% = $2,832/73 a share.
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: refusal_notice}
        - {date: 1999-08-12, event: refusal_withdrawn}
        """, interpret="refusal_premium_date: last_day")
    assert owed(result, "Conversion Default Payments (kind y)") == {
        "A": 64000 + 3000 * F(2832, 73), "B": 34000 + 1500 * F(2832, 73)}


def test_kind_y_literal_reading_pays_each_on_the_aggregate(tmp_path: Path) -> None:
    # The aggregate_each reading: 2 × 1% × $7,500,000 = $150,000 + $4,000 to each holder, plus the
    # Premium on all 7,500 outstanding shares, 7,500 × $2,724/73 = $20,430,000/73 (issue 9; was $154,000).
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: refusal_notice}
        - {date: 1999-08-12, event: refusal_withdrawn}
        """, interpret="refusal_face_amount: aggregate_each")
    assert owed(result, "Conversion Default Payments (kind y)") == {
        "A": 154000 + F(20430000, 73), "B": 154000 + F(20430000, 73)}


def test_uncured_default_accrues_to_the_end_of_the_run(tmp_path: Path) -> None:
    # 10 shares of A convert on 1999-08-02 (2,061 Common), certificates 08-03, Delivery Period ends
    # 08-05, never delivered; as of 08-12: 08-06..08-09 at $500 = $2,000; 08-10..08-12, 3 days ×
    # 1% × $10,000 = $300; plus the Premium once, 10 × 37.3150684932 = $373.150684932.
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10}
        - {date: 1999-08-03, event: certificates_delivered, holder: A}
        """, as_of="1999-08-12")
    assert owed(result, "Conversion Default Payments accrued to date") == {
        "A": 2300 + F(1000) * 227 / 365 * F(6, 100) * 10}


def test_redemption_events_from_judgment_and_deadline_events(tmp_path: Path) -> None:
    # (iv) breach noticed 1999-05-03, still uncured on its 10th business day (05-17): the event arises
    # at the start of 05-18; (x) the CEO leaves before 1999-07-27; (ii) a legend notice of 06-01
    # unanswered through its 10th day (06-11): the event arises at the start of 06-12; (i) trading
    # suspended from Tuesday 06-15: its fifth business day is Monday 06-21 (issue 9: the count of
    # days was an event field). (Issue 9: one rule for (ii), (iv), (vi) and (vii), the act on time on its last
    # day, the event at the start of the next; (iv) and (ii) were dated 05-17 and 06-11.)
    result = run(tmp_path, """\
        - {date: 1999-05-03, event: breach_notice}
        - {date: 1999-06-01, event: ceo_change}
        - {date: 1999-06-01, event: legend_notice, holder: A}
        - {date: 1999-06-15, event: trading_suspended}
        """)
    changes = {(f.name, f.date) for f in result.flags if f.raised}
    assert ("redemption_event_iv", D(1999, 5, 18)) in changes
    assert ("redemption_event_x", D(1999, 6, 1)) in changes
    assert ("redemption_event_ii", D(1999, 6, 12)) in changes
    assert ("redemption_event_i", D(1999, 6, 21)) in changes


def test_a_cure_on_the_last_day_is_on_time_and_on_the_next_too_late(tmp_path: Path) -> None:
    # The breach noticed 1999-05-03 may be cured through 05-17, its 10th business day; the legend
    # noticed 06-01 removed through 06-11, its 10th day. On the next day the event has arisen at the
    # start of the day, before the cure.
    def events(breach_cure: str, legend_removed: str) -> set[str]:
        result = run(tmp_path, f"""\
            - {{date: 1999-05-03, event: breach_notice}}
            - {{date: {breach_cure}, event: breach_cured}}
            - {{date: 1999-06-01, event: legend_notice, holder: A}}
            - {{date: {legend_removed}, event: legend_removed, holder: A}}
            """)
        return {n for n in ("ii", "iv") if result.state[f"redemption_event_{n}"]}
    assert events("1999-05-17", "1999-06-11") == set()
    assert events("1999-05-18", "1999-06-12") == {"ii", "iv"}


def test_cured_breach_and_late_ceo_change_are_no_redemption_events(tmp_path: Path) -> None:
    result = run(tmp_path, """\
        - {date: 1999-05-03, event: breach_notice}
        - {date: 1999-05-14, event: breach_cured}
        - {date: 1999-08-01, event: ceo_change}
        - {date: 1999-06-15, event: trading_suspended}
        - {date: 1999-06-19, event: trading_resumed}
        """)
    assert not any(result.state[f"redemption_event_{n}"] for n in ("i", "iv", "x"))


def test_registration_and_reserve_deadlines(tmp_path: Path) -> None:
    # (vi): effective 1999-04-01, after the 90th day from 1998-12-18 (1999-03-18).
    # (vii): Authorization Trigger Date 06-01 needing stockholders: 60 days → 07-31, not increased, so
    # the event arises at the start of 08-01 (issue 9; it was dated 07-31).
    # (ix): Registration Trigger Date 06-01 needing a new statement: 20 business days → 06-29.
    result = run(tmp_path, """\
        - {date: 1999-04-01, event: registration_effective}
        - {date: 1999-06-01, event: authorization_trigger, board_only: false}
        - {date: 1999-06-01, event: registration_trigger, amendment: false}
        """)
    changes = {(f.name, f.date) for f in result.flags if f.raised}
    assert {("redemption_event_vi", D(1999, 4, 1)), ("redemption_event_vii", D(1999, 8, 1)),
            ("redemption_event_ix", D(1999, 6, 29))} <= changes


def test_redemption_paid_pro_rata_when_funds_are_short(tmp_path: Path) -> None:
    # After Redemption Event (x), A demands 100 and B 50 shares on 1999-07-20 (before 07-27, so CP is
    # $6.03; M = 4.8125 on the made-up data; the 1.25 × $1,000 floor applies): $125,000 and $62,500.
    # $75,000 available pays them pro rata: A $50,000, B $25,000.
    result = run(tmp_path, """\
        - {date: 1999-06-01, event: ceo_change}
        - {date: 1999-07-20, event: redemption_notice, holder: A, preferred_shares: 100}
        - {date: 1999-07-20, event: redemption_notice, holder: B, preferred_shares: 50}
        - {date: 1999-07-30, event: redemption_funds, funds_available: "$75,000"}
        """)
    assert owed(result, "Redemption Amount") == {"A": 125000, "B": 62500}
    outstanding = {o.creditor: o.outstanding for o in result.obligations if o.what == "Redemption Amount"}
    assert outstanding == {"A": 75000, "B": 37500}
    assert result.state["series_b_preferred"].values == {"A": 2900, "B": 1450}


def test_no_redemption_without_a_redemption_event(tmp_path: Path) -> None:
    result = run(tmp_path,
                 "- {date: 1999-07-20, event: redemption_notice, holder: A, preferred_shares: 100}\n")
    assert owed(result, "Redemption Amount") == {}


def test_statement_of_available_shares_and_default_interest(tmp_path: Path) -> None:
    # XIV.D on 1999-03-05 after B converted all its 1,500 (251,742 issued): the Reserved Amount leaves
    # 4,000,000 − 251,742 = 3,748,258, the Cap Amount more, 5,071,913 − 251,742 = 4,820,171; the lesser
    # is 3,748,258 (issue 9: (iv) is "before the Company would exceed the Cap Amount", all of it; it was
    # what remained allocated to the holders this run lists, A's 2,410,085.5, which left out the
    # Holders of the other 3,000 shares). The statement is due within 5 days.
    # XIV.E: $10,000 due 1999-03-01 paid 1999-03-31: 30 days × 24% / 365 × $10,000 = $197.26…
    result = run(tmp_path, """\
        - {date: 1999-03-01, event: conversion_notice, holder: B, preferred_shares: 1500}
        - {date: 1999-03-05, event: statement_request, holder: A}
        - {date: 1999-03-31, event: late_payment, holder: A, default_amount: "$10,000",
            default_due_date: 1999-03-01}
        """)
    values = {c.name: c.record.value for r in result.results for c in r.values}
    assert values["available_for_conversion"] == 3748258  # 4,000,000 − 251,742
    assert owed(result, "interest on a Default Amount") == {"A": F(10000) * F(24, 100) * 30 / 365}
    assert [o.due for o in result.obligations
            if o.what == "statement of available shares"] == [D(1999, 3, 10)]


@pytest.mark.parametrize(("approved", "flagged"), [(False, True), (True, False)])
def test_protection_provisions(tmp_path: Path, approved: bool, flagged: bool) -> None:
    result = run(tmp_path,
                 f"- {{date: 1999-05-03, event: protected_action, approved: {str(approved).lower()}}}\n")
    assert result.state["protection_breach"] is flagged


def test_trading_market_trigger_and_redemption_event_viii(tmp_path: Path) -> None:
    # No Stockholder Approval by 1999-02-08. On 1999-08-02 B's 1,500 shares would convert into
    # 1,500 × 1,037.3150684932 / 5.03421875 = 309,079.3 → 309,080, and 200% of that is 618,160,
    # below its unissued Cap of 1,014,382.6: no trigger. After an issuance at $0.50 fixed, the rate is
    # 1,037.3150684932 / 0.50, so 1,500 shares give 3,111,946; 200% exceeds the Cap: trigger and (viii).
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: trigger_check, holder: B}
        - {date: 1999-08-03, event: issuance, issue_price: $0.50}
        - {date: 1999-08-04, event: trigger_check, holder: B}
        """)
    raised = [(f.name, f.party, f.date) for f in result.flags if f.raised]
    assert ("trading_market_trigger", "B", D(1999, 8, 4)) in raised
    assert ("redemption_event_viii", None, D(1999, 8, 4)) in raised
    assert ("trading_market_trigger", "B", D(1999, 8, 2)) not in raised


#: A converts 10 shares on 1999-08-02 (2,061 Common); 1,000 are delivered on 08-05, in time, the other
#: 1,061 on 08-24.
PARTIAL_DELIVERY = """\
    - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10}
    - {date: 1999-08-03, event: certificates_delivered, holder: A}
    - {date: 1999-08-05, event: shares_delivered, holder: A, shares: 1000}
    - {date: 1999-08-24, event: shares_delivered, holder: A, shares: 1061}
    """


def test_partial_delivery_on_time_then_the_rest_late(tmp_path: Path) -> None:
    # A converts 10 shares on 1999-08-02 (2,061 Common); 1,000 delivered on 08-05 (in time), the other
    # 1,061 on 08-24. The default still concerns all 10 preferred shares: 08-06..08-09 at $500 ($2,000),
    # 08-10..08-23, 14 days × 1% × $10,000 ($1,400), plus the Premium once, 10 × 37.3150684932.
    result = run(tmp_path, PARTIAL_DELIVERY)
    premium = F(1000) * 227 / 365 * F(6, 100)
    assert owed(result, "Conversion Default Payments") == {"A": 2000 + 1400 + 10 * premium}
    assert result.state["pending_common"].get("A") == 0


def test_a_daily_premium_counts_only_days_the_default_exists(tmp_path: Path) -> None:
    # default_premium = daily (issue 9): A converts 10 shares on 1999-08-02; the certificates arrive
    # on 08-12, so the Delivery Period ends on the first business day after, 08-13, later than the
    # fifth business day after the notice (08-09). The shares come on 08-20: the default exists
    # 08-14..08-19, 6 days, each after 08-09, so 6 × 1% × $10,000 = $600, and the Premium (to the
    # Conversion Date, $2,724/73 a share on 10 shares) for those 6 days only, not for the 10 days
    # from 08-09: 6 × $27,240/73 = $163,440/73.
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10}
        - {date: 1999-08-12, event: certificates_delivered, holder: A}
        - {date: 1999-08-20, event: shares_delivered, holder: A, shares: 2061}
        """, interpret="default_premium: daily")
    assert owed(result, "Conversion Default Payments") == {"A": 600 + F(163440, 73)}


def test_a_written_demand_makes_the_payments_accrued_to_date_payable(tmp_path: Path) -> None:
    # COD VII.A: "Conversion Default Payments shall be made the fifth (5th) business day following
    # written demand by a Holder" (issue 9: only the cure made them owed). A converts 10 shares on
    # 1999-08-02; the Delivery Period ends 08-05. A demands on 08-12: 08-06..08-09 at $500 ($2,000),
    # 08-10..08-12 at 1% × $10,000 ($300), and the Premium once, 10 × 2,724/73; due 08-12 + 5
    # business days = 08-19. The shares come on 08-24: the days since, 08-13..08-23, 11 × $100 =
    # $1,100, are owed on the cure, due 08-31.
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10}
        - {date: 1999-08-03, event: certificates_delivered, holder: A}
        - {date: 1999-08-12, event: payment_demand, holder: A}
        - {date: 1999-08-24, event: shares_delivered, holder: A, shares: 2061}
        - {date: 1999-08-25, event: payment_demand, holder: A}
        """)
    payments = [(o.amount, o.due) for o in result.obligations if o.what == "Conversion Default Payments"]
    assert payments == [(2300 + F(27240, 73), D(1999, 8, 19)), (1100, D(1999, 8, 31))]
    # A demand with no default continuing (the 08-25 one) makes nothing owed.
    assert result.state["default_payments_demanded"].get("A") == 0


def test_a_demand_during_a_refusal_default(tmp_path: Path) -> None:
    # Kind (y): the Company says on 1999-08-02 it will not issue Common Stock. A (3,000 shares)
    # demands on 08-20: 08-02..08-09 (to the fifth business day after the notice) at $500 = $4,000;
    # 08-10..08-20, 11 days × 1% × $1,000 × 3,000 = $330,000; the Premium once, to the notice date,
    # 3,000 × 2,724/73. The Company withdraws on 08-30: A is owed 08-21..08-29, 9 × $30,000 =
    # $270,000 more; B, who never demanded, all of its own through 08-29.
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: refusal_notice}
        - {date: 1999-08-20, event: payment_demand, holder: A}
        - {date: 1999-08-30, event: refusal_withdrawn}
        """)
    kind_y = [(o.creditor, o.amount) for o in result.obligations
              if o.what == "Conversion Default Payments (kind y)"]
    assert kind_y == [("A", 334000 + 3000 * F(2724, 73)), ("A", 270000),
                      ("B", 4000 + 20 * 15000 + 1500 * F(2724, 73))]


def test_default_payments_owed_at_maturity_convert_with_the_shares(tmp_path: Path) -> None:
    # COD IV.H: the shares outstanding on the Maturity Date "(and any accrued and unpaid Conversion
    # Default Payments)" convert by the IV.A formula (issue 9: they stayed owed in cash). A's late
    # delivery of 1999 leaves $3,400 + 10 × $37.3150684932 (the Premium to 1999-08-02, N = 227) owed.
    # On 2001-07-27 its other 2,990 shares convert: N = 952, Premium = 1000 × 952/365 × 6%; the
    # Conversion Price is 101% of the average of the six lowest of the ten bids before (scenario 09).
    # IV.E rounds the one total up: ⌈(2,990 × (1,000 + Premium) + payments) / CP⌉.
    result = run(tmp_path, PARTIAL_DELIVERY, as_of="2001-07-31",
                 facts=", maturity_conditions_met: true, board_only: false")
    payments = 3400 + 10 * F(1000) * 227 / 365 * F(6, 100)
    premium = F(1000) * 952 / 365 * F(6, 100)
    price = F(101, 100) * sum(map(F, ["4.09375", "4.15625", "4.15625", "4.1875", "4.1875", "4.3125"])) / 6
    total = (2990 * (1000 + premium) + payments) / price
    at_maturity = [r for r in result.results if r.occurrence.date == D(2001, 7, 27)
                   and "optional_conversion" in r.clauses and r.occurrence.fields.get("holder") == "A"]
    (shares,) = [v.record.value for r in at_maturity for v in r.values if v.name == "issued_shares"]
    assert shares == math.ceil(total) == 819507  # 3,461,687.67 / 4.2241145833 = 819,506.2
    (cdp,) = [o for o in result.obligations if o.what == "Conversion Default Payments"]
    assert (cdp.amount, cdp.settled) == (payments, D(2001, 7, 27))
    # B has nothing owed: its 1,500 shares convert alone, as in scenario 09.
    b = [v.record.value for r in result.results if r.occurrence.date == D(2001, 7, 27)
         and r.occurrence.fields.get("holder") == "B" for v in r.values if v.name == "issued_shares"]
    assert b == [math.ceil(1500 * (1000 + premium) / price)]


def test_the_penalty_of_a_redemption_is_the_default_payments_owed(tmp_path: Path) -> None:
    # COD VIII.C "PENALTY" (issue 9: it was an input, $0 unless given). As in scenario 05, A's late
    # delivery leaves $179,315.0684931507 owed; Redemption Event (iii) arises; A demands 500 shares on
    # 1999-08-25, holding 2,000: CP = 4.9027083333, M = 5.15625, Premium 41.0958904110.
    # Read penalty = held_shares, each of the 2,000 shares carries 179,315.07 / 2,000 = 89.6575342466:
    # (1000 + 41.0958904110 + 89.6575342466) / CP × M = 1,189.2 < the floor, $1,250. The 500 shares
    # collect 500 × 89.6575342466 = 44,828.77 of the payments; 134,486.30 stays owed.
    events = """\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 1000}
        - {date: 1999-08-03, event: certificates_delivered, holder: A}
        - {date: 1999-08-24, event: shares_delivered, holder: A, shares: 206053}
        - {date: 1999-08-25, event: redemption_notice, holder: A, preferred_shares: 500}
        """
    payments = 2000 + 140000 + 1000 * F(1000) * 227 / 365 * F(6, 100)
    held = run(tmp_path, events, interpret="penalty: held_shares")
    assert owed(held, "Redemption Amount") == {"A": 500 * 1250}
    (cdp,) = [o for o in held.obligations if o.what == "Conversion Default Payments"]
    assert (cdp.amount, cdp.outstanding, cdp.settled) == (payments, payments * 1500 / 2000, None)
    # The default reading: the 500 shares demanded carry it all, 358.6301369863 a share, and settle
    # it: (1000 + 41.0958904110 + 358.6301369863) / 4.9027083333 × 5.15625 = 1,472.1123179400 (scenario 05).
    demanded = run(tmp_path, events)
    (cdp,) = [o for o in demanded.obligations if o.what == "Conversion Default Payments"]
    assert (cdp.outstanding, cdp.settled) == (0, D(1999, 8, 25))
    (amount,) = [v.record.value for r in demanded.results for v in r.values if v.name == "redemption_amount"]
    assert round(amount, 10) == F("1472.1123179400")


def _shares_issuable(day: dt.date, bids: dict[dt.date, F], preferred: int) -> int:
    # COD IV.A by hand: ⌈preferred × (1,000 + Premium) / CP⌉; Premium = 1,000 × N/365 × 6% from the
    # Closing Date 1998-12-18; from 1999-07-27 CP is the lesser of $6.03 and 101% of the average of
    # the six lowest of the ten closing bids before the day.
    premium = F(1000) * (day - dt.date(1998, 12, 18)).days / 365 * F(6, 100)
    price = F("6.03")
    if day >= dt.date(1999, 7, 27):
        ten = [bids[d] for d in sorted(d for d in bids if d < day)[-10:]]
        price = min(price, F(101, 100) * sum(sorted(ten)[:6]) / 6)
    return math.ceil(preferred * (1000 + premium) / price)


def test_three_short_trading_days_are_an_authorization_trigger_date(tmp_path: Path) -> None:
    # COD V.B (issue 9: the Authorization Trigger Date was an event the scenario had to give): the
    # Reserved Amount, 4,000,000, is checked at every close against 200% of the Common issuable on
    # all 7,500 outstanding shares; the third consecutive short day is the Authorization Trigger
    # Date. Needing only the Board, the increase is due within ten days: Redemption Event (vii)
    # arises at the start of the 11th day.
    with open(ROOT / "examples" / "closing-bids-MADE-UP.csv") as handle:
        rows = [line.split(",") for line in handle if line[:1].isdigit()]
    bids = {dt.date.fromisoformat(r[0]): F(r[1]) for r in rows}
    days = sorted(d for d in bids if dt.date(1998, 12, 18) <= d <= dt.date(2001, 1, 31))
    short = [4_000_000 < 2 * _shares_issuable(d, bids, 7500) for d in days]
    third = next(days[i] for i in range(2, len(days)) if short[i - 2] and short[i - 1] and short[i])
    assert third == D(2001, 1, 4)
    result = run(tmp_path, "- {date: 1999-01-15, event: stockholder_approval}\n", as_of="2001-01-31",
                 facts=", board_only: true")
    triggers = [r.occurrence.date for r in result.results if r.occurrence.name == "authorization_trigger"]
    assert triggers == [third]
    assert ("redemption_event_vii", D(2001, 1, 15)) in {(f.name, f.date) for f in result.flags if f.raised}


def test_an_event_of_every_trading_day_is_not_listed_and_needs_market_data(tmp_path: Path) -> None:
    with pytest.raises(ClauseError) as raised:
        run(tmp_path, "- {date: 1999-08-02, event: trading_day_close}\n")
    (problem,) = raised.value.diagnostics
    assert (problem.line, problem.column, problem.message) == (
        11, 31, "trading_day_close happens by itself every trading day; a scenario does not list it")
    path = tmp_path / "no-market.yaml"
    path.write_text(f"title: t\ncontracts: [{ROOT / 'contracts' / 'series_b_certificate.yaml'}]\n"
                    "as_of: 1999-12-31\nevents: []\n")
    with pytest.raises(ClauseError, match="trading_day_close happens every trading day .*: give the "
                                          r"scenario market data \(market: FILE.csv\)"):
        run_scenario(load_scenario(path))


def test_an_unusable_registration_statement_is_counted_day_by_day(tmp_path: Path) -> None:
    # COD VIII.A(vi), counted by the run (issue 9: the counts were event fields). Unusable from Monday
    # 1999-08-02: 08-02, 03, 04, 05 and 06 are five consecutive business days, so the Redemption
    # Event arises at the close of Friday 08-06.
    five = run(tmp_path, "- {date: 1999-08-02, event: registration_unusable}\n")
    raised = [(f.name, f.date) for f in five.flags if f.raised and f.name == "redemption_event_vi"]
    assert raised == [("redemption_event_vi", D(1999, 8, 6))]
    # Four suspensions from a Friday to the next Wednesday: five calendar days and three business
    # days each (the third one's Monday, 09-06, is Labor Day), twenty days in all: no Redemption
    # Event. A fifth, from Friday 10-01, makes the 21st day in twelve months at the close of 10-01.
    starts = ["1999-08-06", "1999-08-20", "1999-09-03", "1999-09-17"]
    events = "".join(f"- {{date: {d}, event: registration_unusable}}\n"
                     f"- {{date: {(dt.date.fromisoformat(d) + dt.timedelta(days=5)).isoformat()}, "
                     "event: registration_usable}\n" for d in starts)
    result = run(tmp_path, events + "- {date: 1999-10-01, event: registration_unusable}\n")
    raised = [(f.name, f.date) for f in result.flags if f.raised and f.name == "redemption_event_vi"]
    assert raised == [("redemption_event_vi", D(1999, 10, 1))]
    # The last suspension lasts to the end of the run: 20 + 92 days (10-01..12-31) in the year.
    assert result.state["unusable_days_in_year"] == 20 + 92
    assert result.state["unusable_on"].get(D(1999, 8, 10)) is True


def test_trading_suspensions_add_up_over_nine_months(tmp_path: Path) -> None:
    # COD VIII.A(i): "an aggregate of five (5) trading days in any nine (9) month period". Two
    # business days suspended from Thursday 1999-03-11 (03-11, 03-12), two from Thursday 06-10
    # (06-10, 06-11): four in all. A fifth on 1999-12-13 comes more than nine months after March
    # (the window is 1999-03-14..12-13): three, no event. On 1999-12-10 instead, the window is
    # 03-11..12-10 and holds all five: the event arises that day.
    def first(last: str) -> list[D]:
        result = run(tmp_path, f"""\
            - {{date: 1999-03-11, event: trading_suspended}}
            - {{date: 1999-03-13, event: trading_resumed}}
            - {{date: 1999-06-10, event: trading_suspended}}
            - {{date: 1999-06-12, event: trading_resumed}}
            - {{date: {last}, event: trading_suspended}}
            """, as_of=last)
        return [f.date for f in result.flags if f.raised and f.name == "redemption_event_i"]
    assert first("1999-12-13") == []
    assert first("1999-12-10") == [D(1999, 12, 10)]


def test_impossible_events_are_errors_at_their_place(tmp_path: Path) -> None:
    # A holds 3,000 shares. The scenario's events start on line 11, each at column 5 (after "  - "); a
    # field's value after "  - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: "
    # (78 characters), at column 79.
    def error(events: str) -> str:
        with pytest.raises(ClauseError) as raised:
            run(tmp_path, events)
        (problem,) = raised.value.diagnostics
        return f"{problem.line}:{problem.column}: {problem.message}"
    assert error("- {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 3001}\n") == (
        "11:5: event 0 (conversion_notice of 1999-08-02: a Holder converts only shares of Preferred "
        "Stock it holds (preferred_shares <= preferred[holder] is false))")
    assert error("- {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: -5}\n") == (
        "11:79: preferred_shares: -5 shares is impossible: it must be more than 0 shares")
    assert error("- {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 2.5}\n") == (
        "11:79: preferred_shares: 2.5 shares is impossible: it must be a whole number")
    # 10 shares convert into 2,061 Common; a delivery of 2,062 is more than is due.
    assert error("""\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 10}
        - {date: 1999-08-03, event: shares_delivered, holder: A, shares: 2062}
        """) == ("12:5: event 1 (shares_delivered of 1999-08-03: the Company delivers no more Common Stock "
                 "than a conversion makes due, and none when none is due (delivered_shares <= "
                 "pending_common[holder] is false))")


def test_an_impossible_set_value_is_an_error(cli) -> None:
    run_ = cli("eval", ROOT / "contracts" / "series_b_certificate.yaml", "conversion_shares",
               "--set", "notice_date=1999-03-01", "--set", "preferred_shares=0")
    assert (run_.code, run_.err.strip()) == (
        1, "error: --set preferred_shares=0: 0 shares is impossible: it must be more than 0 shares")


def test_an_evaluation_date_before_the_issue_date_is_an_error(cli) -> None:
    # Series B is issued on its Closing Date, 1998-12-18: no notice of conversion can come before.
    run_ = cli("eval", ROOT / "contracts" / "series_b_certificate.yaml", "conversion_shares",
               "--set", "notice_date=1998-12-17", "--set", "preferred_shares=10")
    assert (run_.code, run_.err.strip()) == (
        1, "error: --set notice_date=1998-12-17: 1998-12-17 is before Series B Certificate of "
           "Designation's closing_date (1998-12-18), when nothing under it can happen yet")


@pytest.mark.parametrize("bid", ["0", "-0.5"])
def test_a_market_price_that_is_not_positive_is_an_error_at_its_cell(cli, tmp_path: Path, bid: str) -> None:
    # The closing bid is declared more_than: $0 per share. Line 2 of the CSV, column 12 (after
    # "1999-08-02,"), holds the bad bid; every command that reads the data refuses it.
    market = tmp_path / "bids.csv"
    market.write_text(f"date,closing_bid\n1999-08-02,{bid}\n1999-08-03,6\n")
    run_ = cli("eval", ROOT / "contracts" / "series_b_certificate.yaml", "conversion_price",
               "--set", "notice_date=1999-08-03", "--market", market)
    shown = "$0.00" if bid == "0" else "-$0.50"
    assert (run_.code, run_.err.strip()) == (
        1, f"{market}:2:12: error: closing_bid of 1999-08-02: {shown} per share is impossible: it must "
           "be more than $0.00 per share")


def test_a_transfer_moves_the_unused_part_of_the_allocation(tmp_path: Path) -> None:
    # COD XIV.C: A's portion of the 5,071,913 Cap Amount is 3,000/7,500 = 2,028,765.2; it converts
    # 1,000 shares (206,053 Common against it) and then transfers 1,000 of its 2,000 left to B: half
    # of the unused 1,822,712.2, 911,356.1, goes to B (issue 9; it moved half of the whole 2,028,765.2,
    # so A and B together could then draw more than the Cap Amount). A keeps 1,117,409.1, B has
    # 1,014,382.6 + 911,356.1 = 1,925,738.7.
    result = run(tmp_path, """\
        - {date: 1999-08-02, event: conversion_notice, holder: A, preferred_shares: 1000}
        - {date: 1999-09-01, event: transfer, from: A, to: B, preferred_shares: 1000}
        """)
    allocation, used = result.state["cap_allocation"], result.state["cap_used"]
    assert (used.get("A"), allocation.get("A"), allocation.get("B")) == (
        206053, F("1117409.1"), F("1925738.7"))


CAP_AMOUNT = 5071913
THREE_HOLDERS = ("A", "B", "C")


@st.composite
def conversions_and_transfers(draw: st.DrawFn) -> list[tuple[str, ...]]:
    """A sequence of conversion notices and transfers among three holders of 2,500 shares each, each
    for shares the holder surely holds: a conversion is counted here as taking all it asks, so what
    the holder keeps in the run (a limited conversion leaves more) is never less than assumed."""
    held = dict.fromkeys(THREE_HOLDERS, 2500)
    steps: list[tuple[str, ...]] = []
    for _ in range(draw(st.integers(1, 8))):
        holders = [h for h in THREE_HOLDERS if held[h] > 0]
        if not holders:
            break
        holder = draw(st.sampled_from(holders))
        shares = draw(st.integers(1, held[holder]))
        held[holder] -= shares
        if draw(st.booleans()):
            steps.append(("conversion_notice", holder, str(shares)))
        else:
            to = draw(st.sampled_from([h for h in THREE_HOLDERS if h != holder]))
            held[to] += shares
            steps.append(("transfer", holder, to, str(shares)))
    return steps


@settings(max_examples=25, deadline=None, database=None)
@given(conversions_and_transfers())
def test_the_cap_amount_is_never_exceeded_whatever_the_order(steps: list[tuple[str, ...]]) -> None:
    # COD IV.G(i), XIV.C: before Stockholder Approval "in no event shall the total number of shares of
    # Common Stock issued upon conversion of the Preferred Stock exceed" 5,071,913; allocated pro rata
    # (2,500 / 7,500 each), a transfer carrying the unused part of the transferor's portion. A Fixed
    # Conversion Price of $0.50 (XI.E, from a $0.50 issuance) makes a share worth about 2,020 Common
    # (1,000 + Premium) / 0.50, so each holder's 1,690,637.66… binds at some 837 shares and the Cap
    # Amount is reached long before the 7,500 shares are converted. After every event: what was issued
    # against the Cap (all that was issued, there being no approval) is at most 5,071,913, no holder
    # has used more than its portion, and the portions add up to the Cap Amount.
    events = ["- {date: 1999-01-04, event: issuance, issue_price: $0.50}"]
    for day, step in enumerate(steps, start=1):
        date = dt.date(1999, 3, 1) + dt.timedelta(days=day)
        if step[0] == "conversion_notice":
            events.append(f"- {{date: {date}, event: conversion_notice, holder: {step[1]}, "
                          f"preferred_shares: {step[2]}}}")
        else:
            events.append(f"- {{date: {date}, event: transfer, from: {step[1]}, to: {step[2]}, "
                          f"preferred_shares: {step[3]}}}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.yaml"
        path.write_text(textwrap.dedent(f"""\
            title: the Cap Amount over random conversions and transfers
            contracts: [{ROOT / 'contracts' / 'series_b_certificate.yaml'}]
            market: {ROOT / 'examples' / 'closing-bids-MADE-UP.csv'}
            as_of: 1999-06-30
            facts: {{common_outstanding: 1000000000, board_only: true}}
            holders:
              A: {{series_b_preferred: 2500}}
              B: {{series_b_preferred: 2500}}
              C: {{series_b_preferred: 2500}}
            events:
            """) + "".join(f"  {event}\n" for event in events))
        result = run_scenario(load_scenario(path))
    assert len(result.snapshots) == len(events)
    for state in result.snapshots.values():
        used, allocation = state["cap_used"].values, state["cap_allocation"].values
        assert sum(used.values()) <= CAP_AMOUNT
        assert state["common_issued"] <= CAP_AMOUNT
        assert all(used[h] <= allocation.get(h, 0) for h in used)
        assert sum(allocation.values()) == CAP_AMOUNT


def test_record_date_notice_before_a_consummation_soon_after(tmp_path: Path) -> None:
    # COD XII: record date 1999-09-30 for a merger consummated 10-05: notice 30 days before the
    # consummation, 09-05, is earlier than 20 days before the record date (09-10); owed to A and B.
    result = run(tmp_path, "- {date: 1999-08-20, event: vote_record_date, record_date: 1999-09-30, "
                           "consummation_on: 1999-10-05}\n")
    due = {o.creditor: o.due for o in result.obligations if o.what == "notice of the record date"}
    assert due == {"A": D(1999, 9, 5), "B": D(1999, 9, 5)}
