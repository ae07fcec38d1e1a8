"""The Securities Purchase Agreement and the Registration Rights Agreement: terms worked by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction as F

import pytest
from support import CONTRACTS, ROOT, values

SPA = CONTRACTS / "securities_purchase_agreement.yaml"
RRA = CONTRACTS / "registration_rights_agreement.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"  # made-up closes and volumes


def test_registration_deadlines() -> None:
    # RRA 2.1: Filing Date 20 days after 1998-12-18 = 1999-01-07. RRA 2.3: the 60th day, 1999-02-16,
    # or the 90th, 1999-03-18, if the SEC comments.
    assert values(RRA, "filing_date", "registration_deadline") == {
        "filing_date": dt.date(1999, 1, 7), "registration_deadline": dt.date(1999, 2, 16)}
    assert values(RRA, "registration_deadline", sec_comments="true")["registration_deadline"] == \
        dt.date(1999, 3, 18)


def test_registration_delay_payment() -> None:
    # RRA 2.3: sales impossible 1999-02-17 to 1999-03-28, 40 days = 40/30 months;
    # .03 × $7,500,000 × 4/3 = $300,000, due 5 days after the period, 1999-04-02.
    got = values(RRA, "registration_delay_payment", "payment_due", from_date="1999-02-17",
                 to_date="1999-03-28", aggregate_purchase_price="$7,500,000")
    assert got == {"registration_delay_payment": 300000, "payment_due": dt.date(1999, 4, 2)}


def test_registration_delay_payment_in_average_months() -> None:
    # The other reading: 40 × 12 / 365 months; .03 × 7,500,000 × 480/365 = $295,890.41…
    got = values(RRA, "registration_delay_payment", from_date="1999-02-17", to_date="1999-03-28",
                 aggregate_purchase_price="$7,500,000", interpret={"delay_months": "average_months"})
    assert got["registration_delay_payment"] == F(3, 100) * 7500000 * F(480, 365)


def test_coverage_below_175_percent() -> None:
    # RRA 3.2: 1,000,000 registered against 600,000 Registrable: 1,050,000 needed at 175%: short;
    # 200% is 1,200,000, so 200,000 more shares to register.
    got = values(RRA, "coverage_shortfall", "shares_to_register", registered_shares="1,000,000",
                 registrable_shares="600,000")
    assert got == {"coverage_shortfall": True, "shares_to_register": 200000}


def test_daily_sale_limit() -> None:
    # SPA 4.15 on 1999-08-02 (made-up volumes): (i) 30,000; (ii) 15% × 399,900 = 59,985;
    # (iii) 15% × average of 07-26..07-30 (193,800, 344,300, 337,800, 360,200, 368,900 → 321,000)
    # = 48,150. The greatest is 59,985 shares.
    got = values(SPA, "daily_sale_limit", sale_date="1999-08-02", market=MARKET)
    assert got["daily_sale_limit"] == 59985
    # Prorated with a transferee holding a quarter of the Series B: 75% × 59,985 = 44,988.75.
    got = values(SPA, "daily_sale_limit", sale_date="1999-08-02", retained_fraction="75%", market=MARKET)
    assert got["daily_sale_limit"] == F("44988.75")


@pytest.mark.parametrize(("shares", "price", "allowed"), [
    ("60,000", "$5.00", False), ("59,985", "$5.00", True), ("500,000", "$12.00", True)])
def test_sale_permitted(shares: str, price: str, allowed: bool) -> None:
    got = values(SPA, "sale_permitted", sale_date="1999-08-02", sale_shares=shares, sale_price=price,
                 market=MARKET)
    assert got["sale_permitted"] is allowed


@pytest.mark.parametrize(("given", "restricted"), [
    # $5.50 fixed, fair value $6.00: the floor is the greater of $6.03 and $4.80 → restricted.
    ({"issuance_date": "1999-03-01", "fixed_price": "$5.50"}, True),
    # $6.50 is above both floors.
    ({"issuance_date": "1999-03-01", "fixed_price": "$6.50"}, False),
    # a variably priced security is restricted whatever its price...
    ({"issuance_date": "1999-03-01", "variably_priced": "true"}, True),
    # ...unless an exception applies, the holding fell below 30%, or July 27, 1999 has come.
    ({"issuance_date": "1999-03-01", "variably_priced": "true", "exception": '"public_offering"'}, False),
    ({"issuance_date": "1999-03-01", "variably_priced": "true", "purchaser_holding": "29%"}, False),
    ({"issuance_date": "1999-07-27", "variably_priced": "true"}, False),
])
def test_restricted_security(given: dict[str, str], restricted: bool) -> None:
    base = {"fair_market_value": "$6.00", "purchaser_holding": "100%"}
    assert values(SPA, "restricted_security", **{**base, **given})["restricted_security"] is restricted


def test_excess_shares_to_contribute() -> None:
    # SPA 4.8: 100 Series A shares converted at a Variable price of $5.00 with a Premium of $30:
    # 100 × 1,030 / 5.00 = 20,600 shares; at $6.03: 17,081.26 → 17,082; excess 3,518.
    got = values(SPA, "excess_shares_to_contribute", series_a_preferred_converted="100",
                 series_a_premium="$30", series_a_conversion_price="$5.00")
    assert got["excess_shares_to_contribute"] == 3518


def test_expense_cap_and_deadlines() -> None:
    # SPA 4.6: $50,000 in all; $35,000 already paid leaves $15,000 of a $20,000 claim.
    assert values(SPA, "expense_reimbursement", expenses_claimed="$20,000",
                  expenses_reimbursed="$35,000")["expense_reimbursement"] == 15000
    # SPA 4.2: Form 8-K within 5 days of 1998-12-18 (12-23); SPA 8.10: within 2 business days (12-22).
    got = values(SPA, "form_8k_deadline", "form_8k_filing_deadline", "termination_deadline")
    assert got == {"form_8k_deadline": dt.date(1998, 12, 23), "form_8k_filing_deadline": dt.date(1998, 12, 22),
                   "termination_deadline": dt.date(1998, 12, 13)}
