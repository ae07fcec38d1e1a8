"""The Series B pricing terms, each worked by hand from the certificate's text.

Market data: tests/data/closing-bids-MADE-UP-small.csv (made-up round numbers).
"""

from __future__ import annotations

import datetime as dt

import pytest
from support import ROOT, SERIES_B, SMALL_MARKET, values

from interpreter.diagnostics import ClauseError
from interpreter.rational import Fraction as F

D = dt.date
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"


def test_face_amount_and_designated_shares() -> None:
    # COD I: "seven thousand five hundred (7,500) shares" ... "One Thousand Dollars ($1,000.00) per share"
    got = values(SERIES_B, "face_amount", "designated_shares")
    assert got == {"face_amount": F(1000), "designated_shares": F(7500)}


def test_fixed_conversion_price() -> None:
    # COD III.E: "$6.03"
    assert values(SERIES_B, "fixed_conversion_price")["fixed_conversion_price"] == F("6.03")


def test_closing_bid_price_is_the_market_series() -> None:
    # COD III.B: the closing bid as reported; the test CSV has 25 trading days, 1999-07-29 at $6.00.
    series = values(SERIES_B, "closing_bid_price", market=SMALL_MARKET)["closing_bid_price"]
    assert len(series.values) == 25
    assert series.values[D(1999, 7, 29)] == F(6)


class TestConversionDate:
    """COD III.C: the notice's date if delivered before 11:59 p.m. Eastern that day, else the next
    business day after delivery."""

    def test_delivered_before_the_cutoff(self) -> None:
        got = values(SERIES_B, "conversion_date", notice_date="1999-08-02",
                     notice_delivered_at="11:58 p.m.")
        assert got["conversion_date"] == D(1999, 8, 2)

    def test_delivered_at_the_cutoff_moves_to_the_next_business_day(self) -> None:
        # 11:59 p.m. is not "before 11:59 p.m."; Monday 1999-08-02 → Tuesday 1999-08-03.
        got = values(SERIES_B, "conversion_date", notice_date="1999-08-02",
                     notice_delivered_at="11:59 p.m.")
        assert got["conversion_date"] == D(1999, 8, 3)

    def test_late_on_a_friday_before_a_holiday(self) -> None:
        # Friday 1999-07-02 late → Monday 07-05 is Independence Day (observed) → Tuesday 07-06.
        got = values(SERIES_B, "conversion_date", notice_date="1999-07-02",
                     notice_delivered_at="11:59 p.m.")
        assert got["conversion_date"] == D(1999, 7, 6)

    def test_notice_delivered_a_day_late(self) -> None:
        # Dated Monday 1999-10-11 but delivered on Tuesday 10-12 at 9 a.m.: the business day after
        # delivery is Wednesday 10-13 (10-11 was Columbus Day, a bank holiday, but is irrelevant here).
        got = values(SERIES_B, "conversion_date", notice_date="1999-10-11",
                     notice_delivered_on="1999-10-12", notice_delivered_at="9:00 a.m.")
        assert got["conversion_date"] == D(1999, 10, 13)

    def test_notice_sent_ahead_of_its_date(self) -> None:
        got = values(SERIES_B, "conversion_date", notice_date="1999-08-04",
                     notice_delivered_on="1999-08-02", notice_delivered_at="11:59 p.m.")
        assert got["conversion_date"] == D(1999, 8, 4)


class TestPremium:
    """COD III.F: Premium = 1000 × (N/365) × .06, N from the Closing Date (1998-12-18) to and
    including the Conversion Date."""

    def test_default_reading_excludes_the_closing_date(self) -> None:
        # 1998-12-18 → 1999-03-01: 13 (Dec 19–31) + 31 + 28 + 1 = 73 days.
        # 1000 × 73/365 × 0.06 = 12 exactly.
        got = values(SERIES_B, "premium", "premium_days", notice_date="1999-03-01")
        assert got["premium_days"] == 73
        assert got["premium"] == F(12)

    def test_closing_date_included(self) -> None:
        # N = 74: 1000 × 74/365 × 0.06 = 4440/365 = 888/73 = 12.1643835…
        got = values(SERIES_B, "premium", notice_date="1999-03-01",
                     interpret={"premium_days": "closing_date_included"})
        assert got["premium"] == F(888, 73)

    def test_a_full_year(self) -> None:
        # 1999-12-18: N = 365 → 1000 × 365/365 × 0.06 = 60.
        assert values(SERIES_B, "premium", conversion_date="1999-12-18")["premium"] == 60


class TestConversionPrice:
    """COD III.D: Fixed before 1999-07-27; the lower of Fixed and Variable on or after."""

    def test_fixed_before_july_27_1999_without_market_data(self) -> None:
        got = values(SERIES_B, "conversion_price", conversion_date="1999-07-26")
        assert got["conversion_price"] == F("6.03")

    def test_variable_conversion_price(self) -> None:
        # COD III.G, Conversion Date 1999-08-02: the 10 trading days ending 1999-07-30 are
        # 07-19..07-30: 5.00 4.50 4.75 5.25 4.25 4.00 4.50 5.50 6.00 4.75.
        # Six lowest: 4.00 4.25 4.50 4.50 4.75 4.75, sum 26.75, average 4.458333…
        # × 101% = 27.0175 / 6 = 10807/2400 = 4.50291666…
        got = values(SERIES_B, "variable_conversion_price", "conversion_price",
                     conversion_date="1999-08-02", market=SMALL_MARKET)
        assert got["variable_conversion_price"] == F(10807, 2400)
        assert got["conversion_price"] == F(10807, 2400)  # lower than $6.03

    def test_fixed_wins_when_lower(self) -> None:
        # 1999-08-13: window 07-30..08-12 = 4.75 6.00 6.00 6.25 6.25 6.50 6.50 6.50 6.75 6.75;
        # six lowest sum 4.75 + 6 + 6 + 6.25 + 6.25 + 6.5 = 35.75 → /6 × 1.01 = 6.0179…, below $6.03.
        got = values(SERIES_B, "conversion_price", "variable_conversion_price",
                     conversion_date="1999-08-13", market=SMALL_MARKET)
        assert got["variable_conversion_price"] == F("35.75") / 6 * F("1.01")
        assert got["conversion_price"] == F("35.75") / 6 * F("1.01")
        # With a Fixed Conversion Price of $6.00 (a what-if), the Fixed price is lower and wins.
        got = values(SERIES_B, "conversion_price", conversion_date="1999-08-13",
                     fixed_conversion_price="$6.00", market=SMALL_MARKET)
        assert got["conversion_price"] == F(6)


class TestConversionShares:
    """COD IV.A: (Premium + 1000) / Conversion Price per preferred share; IV.E rounds the total up."""

    def test_before_variable_pricing(self) -> None:
        # 1999-03-01: Premium 12; 1000 shares × 1012 / 6.03 = 167,827.53… → 167,828.
        got = values(SERIES_B, "conversion_shares", notice_date="1999-03-01",
                     preferred_shares="1,000")
        assert got["conversion_shares"] == 167828

    def test_at_the_variable_price(self) -> None:
        # 1999-08-02: Premium = 1000 × 227/365 × 0.06 = 2724/73 = 37.3150684…
        # CP = 10807/2400; 1000 × (1000 + 2724/73) / (10807/2400) = 230,365.1489… → 230,366.
        got = values(SERIES_B, "conversion_shares", "premium", notice_date="1999-08-02",
                     preferred_shares="1000", market=SMALL_MARKET)
        assert got["premium"] == F(2724, 73)
        assert got["conversion_shares"] == 230366

    def test_rounds_the_total_not_each_share(self) -> None:
        # One share at 1999-03-01: 1012 / 6.03 = 167.827… → 168 (1000 × 168 would be 168,000).
        got = values(SERIES_B, "conversion_shares", notice_date="1999-03-01", preferred_shares="1")
        assert got["conversion_shares"] == 168


class TestRedemptionAmount:
    """COD VIII.C: greater of 1.25 × Face and (Face + Premium + Penalty) / CP × M."""

    def test_formula_exceeds_the_floor(self) -> None:
        # Notice 1999-08-02: CP = 10807/2400, M = 6.00, Premium = 2724/73.
        # (1000 + 2724/73) / (10807/2400) × 6 = 1,382.1908… > 1,250.
        got = values(SERIES_B, "redemption_amount", redemption_notice_date="1999-08-02",
                     market=SMALL_MARKET)
        assert got["redemption_amount"] == (1000 + F(2724, 73)) / F(10807, 2400) * 6
        assert F(13821, 10) < got["redemption_amount"] < F(13822, 10)

    def test_penalty_enters_the_formula(self) -> None:
        # With a $25 per share penalty: (1000 + 2724/73 + 25) / (10807/2400) × 6 = 1,415.50…
        got = values(SERIES_B, "redemption_amount", redemption_notice_date="1999-08-02",
                     penalty="$25", market=SMALL_MARKET)
        assert got["redemption_amount"] == (1025 + F(2724, 73)) / F(10807, 2400) * 6

    def test_floor_wins(self) -> None:
        # Notice 1999-07-20 (before 1999-07-27, so CP = 6.03), M = 4.50, N = 214:
        # (1000 + 35.18…) / 6.03 × 4.50 = 772.5… < 1,250 → 1,250.
        got = values(SERIES_B, "redemption_amount", redemption_notice_date="1999-07-20",
                     market=SMALL_MARKET)
        assert got["redemption_amount"] == 1250

    def test_aggregate_literal_reading(self) -> None:
        # 10 shares demanded, literal reading: floor = 1.25 × $1,000 × 10 = 12,500 per share.
        got = values(SERIES_B, "redemption_amount", redemption_notice_date="1999-07-20",
                     preferred_shares="10", market=SMALL_MARKET,
                     interpret={"redemption_floor": "aggregate_literal"})
        assert got["redemption_amount"] == 12500

    def test_premium_to_the_payment_date(self) -> None:
        # Paid 1999-08-09: N = 234, Premium = 1000 × 234/365 × 0.06 = 2808/73; CP and M stay on
        # the notice date: (1000 + 2808/73) / (10807/2400) × 6 = 1,383.72…
        got = values(SERIES_B, "redemption_amount", redemption_notice_date="1999-08-02",
                     redemption_payment_date="1999-08-09", market=SMALL_MARKET,
                     interpret={"redemption_premium": "payment_date"})
        assert got["redemption_amount"] == (1000 + F(2808, 73)) / F(10807, 2400) * 6

    def test_notice_on_a_non_trading_day_is_an_error_not_a_guess(self) -> None:
        with pytest.raises(ClauseError, match=r"no value on 1999-07-31 \(not a trading day"):
            values(SERIES_B, "redemption_amount", redemption_notice_date="1999-07-31",
                   market=SMALL_MARKET)


class TestLiquidationPreference:
    """COD X.C: Face Amount + Premium + other amounts due, through the date of final distribution."""

    def test_one_year_after_closing(self) -> None:
        # 1999-12-18: Premium 60 → 1,060.
        got = values(SERIES_B, "liquidation_preference", distribution_date="1999-12-18")
        assert got["liquidation_preference"] == 1060

    def test_with_other_amounts_due(self) -> None:
        # 1999-03-01: 1000 + 12 + 7.50 = 1,019.50.
        got = values(SERIES_B, "liquidation_preference", distribution_date="1999-03-01",
                     other_amounts_due="$7.50")
        assert got["liquidation_preference"] == F("1019.50")


def test_missing_input_is_named() -> None:
    with pytest.raises(ClauseError, match="missing input preferred_shares"):
        values(SERIES_B, "conversion_shares", notice_date="1999-03-01")


class TestTermsOfAHolding:
    """Terms that read a Holder's shares of Preferred Stock compute their provision in clause eval
    too, from holder_preferred (its holding in a run). Before, they read the run's holding, which
    is none outside a run, so each gave $0, 0 shares or false whatever was given. Made-up market
    data: 1,000 shares converting on 1999-08-02 give 1,000 × (1,000 + 1,000 × 227/365 × 6%) /
    5.03421875 = 206,052.84… → 206,053 shares (README)."""

    def _values(self, *terms: str, **given: str) -> dict:
        return values(SERIES_B, *terms, market=MARKET, **{"holder_preferred": "1,000", **given})

    def test_participation_and_purchase_rights(self) -> None:
        # COD IX.B, XI.F: record date 1999-08-03, converted on the day before, 08-02: 206,053 shares;
        # $0.10 a share of dividend = $20,605.30; half a right a share = 103,026.5 rights.
        got = self._values("participation_payment", "purchase_rights", dividend_record_date="1999-08-03",
                           dividend_per_share="$0.10", rights_per_share="0.5")
        assert got == {"participation_payment": F("20605.30"), "purchase_rights": F("103026.5")}

    def test_votes(self) -> None:
        # COD XII: record date 1999-08-02, the date as of which the Conversion Price is calculated:
        # 206,053 votes.
        assert self._values("votes", record_date="1999-08-02")["votes"] == 206053

    def test_major_transaction_payment(self) -> None:
        # COD XI.C: announced Tuesday 1999-08-03, converted on the trading day before (08-02):
        # 206,053 × $10 = $2,060,530, more than 125% × $1,000 × 1,000 = $1,250,000.
        got = self._values("major_transaction_payment", transaction_announced_on="1999-08-03",
                           consideration_per_share="$10")
        assert got["major_transaction_payment"] == F("2060530")
        floor = self._values("major_transaction_payment", transaction_announced_on="1999-08-03",
                             consideration_per_share="$5")
        assert floor["major_transaction_payment"] == F("1250000")  # 206,053 × $5 = $1,030,265 < $1,250,000

    def test_liquidation_payment(self) -> None:
        # COD X.A: $1,000,000 available for the 7,500 shares outstanding, each with a Liquidation
        # Preference of $1,037.3150…: ratably, 1,000 shares take 1,000,000 × 1,000 / 7,500 =
        # $133,333.33….
        got = self._values("liquidation_payment", distribution_date="1999-08-02",
                           assets_available="$1,000,000")
        assert got["liquidation_payment"] == F(400000, 3)

    @pytest.mark.parametrize(("room", "trigger"), [("1,014,382.6", False), ("600,000", True)])
    def test_trading_market_trigger_event(self, room: str, trigger: bool) -> None:
        # COD VI.B: 1,500 shares on 1999-08-02 would convert into 1,500 × 1,037.3150… / 5.03421875 =
        # 309,079.3 → 309,080; 200% is 618,160. An unissued Cap of 1,014,382.6 is not less: no event;
        # one of 600,000 is.
        got = self._values("trading_market_trigger_event", notice_date="1999-08-02", holder_preferred="1,500",
                           cap_room=room)
        assert got["trading_market_trigger_event"] is trigger


def test_adjusted_fixed_price_counts_from_the_conversion_date_given() -> None:
    # COD VII.C: notice for 1999-08-16, shares delivered 08-24. The lowest Conversion Price from 08-16
    # through 08-24 is 08-19's: 101% × the six lowest bids of 08-05..08-18 (4.75, 4.84375, 4.875, 4.875,
    # 4.9375, 4.9375; sum 29.21875) / 6 = 4.9184895833…, less than $6.03. Outside a run no conversion is
    # pending, and the period ran from 1900 (the stand-in for none): it found 08-11's $4.9027083333….
    got = values(SERIES_B, "adjusted_fixed_price", notice_date="1999-08-16", delivered_on="1999-08-24",
                 market=MARKET)
    assert got["adjusted_fixed_price"] == F(101, 100) * F("29.21875") / 6  # $4.9184895833…


def test_available_for_conversion_before_the_cap_and_reserved_amount() -> None:
    # COD XIV.D(iv): before any conversion, the lesser of the Reserved Amount, 4,000,000, and the Cap
    # Amount, 5,071,913 (it was 0: outside a run nothing is allocated to a Holder). With 6,000,000
    # reserved, the Cap Amount binds.
    assert values(SERIES_B, "available_for_conversion")["available_for_conversion"] == 4000000
    more = values(SERIES_B, "available_for_conversion", reserved_amount="6,000,000")
    assert more["available_for_conversion"] == 5071913


@pytest.mark.parametrize(("given", "deadline"), [
    ({}, D(1999, 9, 10)), ({"consummation_on": "1999-10-15"}, D(1999, 9, 10)),
    ({"consummation_on": "1999-10-05"}, D(1999, 9, 5))])
def test_record_date_notice_deadline(given: dict[str, str], deadline: dt.date) -> None:
    # COD XII: "at least twenty (20) days prior to the record date ... (or thirty (30) days prior to
    # the consummation of the transaction or event, whichever is earlier". Record date 1999-09-30:
    # 09-10. A merger consummated 10-15 would give 09-15, later: 09-10. One on 10-05 gives 09-05,
    # earlier (the clause gave 09-10 whatever the consummation).
    got = values(SERIES_B, "record_notice_deadline", record_date="1999-09-30", **given)
    assert got["record_notice_deadline"] == deadline


def test_eval_gives_the_holders_cap_allocation_and_its_delivery_period() -> None:
    # COD IV.G(i) in clause eval (found by the review of terms): the Holder's portion of the Cap
    # Amount is an input, its allocation in a run. 1,000 of 7,500 shares: 5,071,913 × 1,000/7,500 =
    # 676,255.07; the notice of 1999-08-02 converts all 1,000, 206,053 Common (scenario 01). Without
    # it, nothing is allocated outside a run, and nothing converts.
    given = {"notice_date": "1999-08-02", "preferred_shares": "1000", "common_outstanding": "26704073"}
    allocated = values(SERIES_B, "issued_shares", "convertible_preferred",
                       market=ROOT / "examples" / "closing-bids-MADE-UP.csv",
                       holder_cap_allocation="676255.07", **given)
    assert (allocated["convertible_preferred"], allocated["issued_shares"]) == (1000, 206053)
    assert values(SERIES_B, "issued_shares", market=ROOT / "examples" / "closing-bids-MADE-UP.csv",
                  **given)["issued_shares"] == 0
    # COD IV.C: the later of the 3rd business day after the Conversion Date (08-05) and the first
    # business day after the certificates arrive (08-03 → 08-04): 1999-08-05. It counted from 1900.
    period = values(SERIES_B, "delivery_period", certificates_delivered_on="1999-08-03", **given)
    assert period["delivery_period"] == dt.date(1999, 8, 5)


def test_conversion_default_payments_in_clause_eval_count_from_the_notice_given() -> None:
    # COD VII.A in clause eval (from the review of terms: it read a run's state and gave $3,500 for
    # any day). Scenario 05's notice: 1,000 shares on 1999-08-02, certificates 08-03, so the
    # Delivery Period ends 08-05; through 08-23: 08-06..08-09 at $500 ($2,000), 08-10..08-23,
    # 14 days × 1% × $1,000,000 ($140,000), the Premium once, 1,000 × 2,724/73: $179,315.0684931507.
    got = values(SERIES_B, "conversion_default_payment", notice_date="1999-08-02", preferred_shares="1000",
                 certificates_delivered_on="1999-08-03", accrued_through="1999-08-23")
    assert got["conversion_default_payment"] == 2000 + 140000 + 1000 * F(2724, 73)
