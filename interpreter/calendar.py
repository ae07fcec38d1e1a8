"""Business days and trading days.

Business days are weekdays that are not holidays of the calendars a contract
names (the ``holidays`` package's financial calendars such as FED and XNYS, or
a country code such as US or US-NY). Trading days are the dates of the market
data; an exchange calendar is used only to notice dates the data is missing,
which is an error naming the dates, never a guess.

A calendar's holidays are read a year at a time and kept in the cache (``cache.py``), so
that a run whose program comes from the cache need not import the ``holidays`` package.
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from . import cache

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

ONE_DAY = dt.timedelta(days=1)


class CalendarError(Exception):
    """A date computation the calendars cannot answer without guessing; its message follows what
    needed it (``WHAT: message``), which the caller writes: only then is it worth formatting."""


@functools.cache
def _financial_codes() -> frozenset[str]:
    """The codes of the financial calendars, aliases included: from the cache, else the package's
    registry (importing a calendar imports every financial calendar, and they every country's)."""
    codes = cache.load("calendars", "financial")
    if not isinstance(codes, frozenset):
        from holidays.registry import EntityLoader

        codes = frozenset(EntityLoader.get_financial_codes(include_aliases=True))
        cache.store("calendars", "financial", codes)
    return codes


@functools.cache
def _holiday_calendar(code: str) -> Any:
    import holidays as holidays_lib

    if code in _financial_codes():
        return holidays_lib.financial_holidays(code)
    country, _, subdivision = code.partition("-")
    return holidays_lib.country_holidays(country, subdiv=subdivision or None)


#: Holidays by calendar and year, as read in this run (None: the cache not yet read).
_tables: dict[tuple[str, int], dict[dt.date, str]] | None = None


def _holidays_in(code: str, year: int) -> dict[dt.date, str]:
    """The holidays of calendar ``code`` in ``year``, by date: from the cache, else from ``holidays``."""
    global _tables
    if _tables is None:
        _tables = cache.load("calendars", "holidays") or {}
    table = _tables.get((code, year))
    if table is None:
        calendar = _holiday_calendar(code)
        calendar.get(dt.date(year, 1, 1))  # fills in the whole year, and only that year
        table = {day: str(name) for day, name in calendar.items() if day.year == year}
        _tables[(code, year)] = table
        cache.store("calendars", "holidays", _tables)
    return table


def unknown_calendar(code: str) -> str | None:
    """A message if ``code`` names no holiday calendar, else None.

    A financial calendar is known by its code; a country's (and its subdivision) is made.
    """
    if code in _financial_codes():  # outside the try: a change in the registry is no unknown calendar
        return None
    try:
        _holiday_calendar(code)
    except (NotImplementedError, KeyError, ValueError, AttributeError):
        return (f"unknown holiday calendar {code!r}: use a financial calendar (FED, XNYS, XNAS, ...) "
                "or a country code (US, US-NY, ...) of the 'holidays' package")
    return None


class BusinessCalendar:
    """Weekdays other than the holidays of the named calendars."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = list(codes)
        self._open: dict[dt.date, bool] = {}  # each day asked about, answered once
        self._moves: dict[tuple[dt.date, int], dt.date] = {}  # each move asked for, made once

    def holiday(self, day: dt.date) -> str | None:
        """The holiday's name if ``day`` is a holiday of any of the calendars."""
        for code in self.codes:
            name = _holidays_in(code, day.year).get(day)
            if name:
                return name
        return None

    def is_business_day(self, day: dt.date) -> bool:
        """True for a weekday that is no listed holiday."""
        found = self._open.get(day)
        if found is None:
            found = self._open[day] = day.weekday() < 5 and self.holiday(day) is None
        return found

    def add(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th business day after ``day`` (before it, if negative)."""
        found = self._moves.get((day, count))
        if found is None:
            step = ONE_DAY if count >= 0 else -ONE_DAY
            found, remaining = day, abs(count)
            while remaining:
                found += step
                if self.is_business_day(found):
                    remaining -= 1
            self._moves[day, count] = found
        return found


@functools.cache
def business_calendar(codes: tuple[str, ...]) -> BusinessCalendar:
    """The business calendar of ``codes``, one per run for every evaluation that counts by it."""
    return BusinessCalendar(codes)


class TradingCalendar:
    """The trading days of a market data file, checked against an exchange calendar."""

    def __init__(self, dates: Iterable[dt.date], exchange: BusinessCalendar | None,
                 source: str) -> None:
        self.dates = sorted(set(dates))
        self._set = set(self.dates)
        self.exchange = exchange
        self.source = source
        # The answers found, each checked once (a run asks the same windows again and again).
        self._windows: dict[tuple[dt.date, int], list[dt.date]] = {}
        self._moves: dict[tuple[dt.date, int], dt.date] = {}
        self._gaps: list[dt.date] | None = None  # see missing

    def is_trading_day(self, day: dt.date) -> bool:
        """True when the market data has ``day``."""
        return day in self._set

    def missing(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Days in [first, last] the exchange was open but the market data lacks."""
        if self.exchange is None:
            return []
        if not self.dates:
            return self._open_days(first, last)
        if self._gaps is None:  # those between the data's first and last days, found once
            self._gaps = self._open_days(self.dates[0], self.dates[-1])
        inside = self._gaps[bisect_left(self._gaps, first):bisect_right(self._gaps, last)]
        before = self._open_days(first, min(last, self.dates[0] - ONE_DAY)) if first < self.dates[0] else []
        after = self._open_days(max(first, self.dates[-1] + ONE_DAY), last) if last > self.dates[-1] else []
        return before + inside + after

    def _open_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Days in [first, last] the exchange was open but the market data lacks, day by day."""
        assert self.exchange is not None
        out = []
        day = first
        while day <= last:
            if self.exchange.is_business_day(day) and day not in self._set:
                out.append(day)
            day += ONE_DAY
        return out

    def _require_complete(self, first: dt.date, last: dt.date) -> None:
        gaps = self.missing(first, last)
        if gaps:
            shown = ", ".join(d.isoformat() for d in gaps[:5]) + (" ..." if len(gaps) > 5 else "")
            exchange = "/".join(self.exchange.codes) if self.exchange else "exchange"
            raise CalendarError(f"{self.source} has no data for {shown}, which the "
                                f"{exchange} calendar says were trading days")

    def _empty(self) -> CalendarError:
        return CalendarError(f"{self.source} holds no trading days")

    def window(self, last: dt.date, count: int) -> list[dt.date]:
        """The ``count`` trading days ending on ``last`` (``last`` included if it is one); the
        list is shared by whoever asks for the same window: do not alter it."""
        found = self._windows.get((last, count))
        if found is not None:
            return found
        if not self.dates:
            raise self._empty()
        end = bisect_right(self.dates, last)
        if end < count:
            self._require_complete(self.dates[0], last)  # a gap is the likelier cause
            first = self.dates[0].isoformat()
            raise CalendarError(f"needs {_days(count)} up to {last.isoformat()}, "
                                f"but {self.source} starts on {first} with {end} of them")
        days = self.dates[end - count:end]
        self._require_complete(days[0], last)
        self._windows[(last, count)] = days
        return days

    def add(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th trading day after ``day`` (before it, if negative)."""
        if count == 0:
            return day
        found = self._moves.get((day, count))
        if found is not None:
            return found
        if not self.dates:
            raise self._empty()
        if count < 0:
            end = bisect_left(self.dates, day)  # trading days strictly before ``day``
            if end < -count:
                self._require_complete(self.dates[0], day - ONE_DAY)
                raise CalendarError(f"needs {_days(-count)} before "
                                    f"{day.isoformat()}, but {self.source} starts on "
                                    f"{self.dates[0].isoformat()}")
            result = self.dates[end + count]
            self._require_complete(result, day - ONE_DAY)
            self._moves[(day, count)] = result
            return result
        start = bisect_right(self.dates, day)  # trading days strictly after ``day``
        if len(self.dates) - start < count:
            self._require_complete(day + ONE_DAY, self.dates[-1])
            raise CalendarError(f"needs {_days(count)} after {day.isoformat()}, "
                                f"but {self.source} ends on {self.dates[-1].isoformat()}")
        result = self.dates[start + count - 1]
        self._require_complete(day + ONE_DAY, result)
        self._moves[(day, count)] = result
        return result


def _days(count: int) -> str:
    return f"{count} trading day{'s' if count != 1 else ''}"
