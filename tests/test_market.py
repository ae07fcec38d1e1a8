"""Market data files: exact values, positions of problems, and days the exchange was closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from interpreter.calendar import BusinessCalendar
from interpreter.diagnostics import ClauseError
from interpreter.evaluate.market import load_market
from interpreter.rational import Fraction as F

NASDAQ = BusinessCalendar(["XNAS"])


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.csv"
    path.write_text(text)
    return path


def test_values_are_exact_and_comments_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "# MADE-UP\ndate,closing_bid,volume\n1999-07-19,5.4375,100\n"
                           "1999-07-20,$5 ,\n")
    market = load_market(path, NASDAQ)
    assert market.dates == [dt.date(1999, 7, 19), dt.date(1999, 7, 20)]
    assert market.columns["closing_bid"] == {dt.date(1999, 7, 19): F(87, 16), dt.date(1999, 7, 20): 5}
    assert market.columns["volume"] == {dt.date(1999, 7, 19): 100}  # an empty cell is no value


def test_duplicate_dates_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "date,closing_bid\n1999-07-19,5\n1999-07-19,6\n")
    with pytest.raises(ClauseError) as info:
        load_market(path, NASDAQ)
    assert str(info.value.diagnostics[0]).endswith(":3:1: error: 1999-07-19 already appears on line 2")


def test_missing_date_column(tmp_path: Path) -> None:
    with pytest.raises(ClauseError, match="needs a 'date' column"):
        load_market(write(tmp_path, "day,closing_bid\n1999-07-19,5\n"), NASDAQ)


def test_a_closed_day_in_the_data_is_kept_with_a_warning(tmp_path: Path) -> None:
    # 1999-07-05 was Independence Day (observed); 1999-07-17 a Saturday.
    path = write(tmp_path, "date,closing_bid\n1999-07-05,5\n1999-07-17,5\n")
    market = load_market(path, NASDAQ)
    assert len(market.dates) == 2
    closed = [w for w in market.warnings if "was closed" in w.message]
    assert [(w.line, w.severity) for w in closed] == [(2, "warning"), (3, "warning")]
    assert "Independence Day" in closed[0].message
    assert "a weekend" in closed[1].message


def test_days_the_data_skips_are_warned_about(tmp_path: Path) -> None:
    # 1999-07-20 and 07-21 were Nasdaq trading days.
    path = write(tmp_path, "date,closing_bid\n1999-07-19,5\n1999-07-22,5\n")
    market = load_market(path, NASDAQ)
    assert [w.message for w in market.warnings] == [
        "no data for 1999-07-20, 1999-07-21, when the exchange calendar says it was open; "
        "a window over those days is an error"]


def test_the_days_missing_from_market_data_are_those_the_exchange_opened_on() -> None:
    # TradingCalendar.missing finds the gaps inside the data once and reads them by bisection;
    # day by day, over ranges before, across and after the data, it must say the same.
    import random

    from interpreter.calendar import ONE_DAY, TradingCalendar, business_calendar

    exchange = business_calendar(("XNYS",))
    first = dt.date(1999, 7, 1)
    days = [first + dt.timedelta(days=n) for n in range(120)]
    kept = [d for i, d in enumerate(days) if exchange.is_business_day(d) and i % 5 != 3]
    calendar = TradingCalendar(kept, exchange, "made up")

    def day_by_day(start: dt.date, end: dt.date) -> list[dt.date]:
        out, day = [], start
        while day <= end:
            if exchange.is_business_day(day) and day not in kept:
                out.append(day)
            day += ONE_DAY
        return out

    pick = random.Random(11)
    for _ in range(500):
        start = first + dt.timedelta(days=pick.randint(-30, 150))
        end = start + dt.timedelta(days=pick.randint(-3, 60))
        assert calendar.missing(start, end) == day_by_day(start, end), (start, end)
    assert calendar.missing(dt.date(1999, 7, 1), dt.date(1999, 7, 31))  # the made-up gaps are found
