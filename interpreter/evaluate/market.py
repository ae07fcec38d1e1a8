"""Market data: a CSV with a ``date`` column and one column per series.

Each row's date is a trading day. Values are read exactly (``5.875`` or
``$5.875``); an empty cell means the series has no value that day. A file read before
(the same bytes, named the same, checked against the same calendar) comes from the cache.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from functools import partial

from .. import cache
from ..calendar import BusinessCalendar, TradingCalendar
from ..deferred import dataclass, field
from ..diagnostics import ClauseError, Diagnostic
from ..files import read_text
from ..limits import MAX_MARKET_ROWS, MAX_SPAN_DAYS
from ..link.program import SERIES, Program, impossible_value
from ..rational import Fraction
from ..syntax.literals import parse_date, parse_money, parse_number
from ..types import Series

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class MarketData:
    """Series by column name, each a mapping from trading day to exact value."""

    path: str
    dates: list[dt.date]
    columns: dict[str, dict[dt.date, Fraction]]
    warnings: list[Diagnostic] = field(default_factory=list)
    cells: dict[tuple[str, dt.date], tuple[int, int]] = field(default_factory=dict)  # line, column
    header_line: int = 1  # where the columns are named
    _calendars: dict[tuple[str, ...], TradingCalendar] = field(default_factory=dict, repr=False,
                                                               compare=False)

    def trading_calendar(self, exchange: BusinessCalendar | None) -> TradingCalendar:
        """The trading days of this data, checked against ``exchange``: made once for each exchange
        (every evaluation of a run asks for it)."""
        key = tuple(exchange.codes) if exchange else ()
        if key not in self._calendars:
            self._calendars[key] = TradingCalendar(self.dates, exchange, self.path)
        return self._calendars[key]

    def impossible(self, column: str, problem: Callable[[Fraction], str | None]) -> list[Diagnostic]:
        """A diagnostic at each cell of ``column`` whose value ``problem`` rejects, in date order."""
        found = []
        for day, value in sorted(self.columns.get(column, {}).items()):
            message = problem(value)
            if message:
                line, col = self.cells[(column, day)]
                found.append(Diagnostic(self.path, line, col, f"{column} of {day.isoformat()}: {message}"))
        return found


#: A column name as a header line gives it: a word or a few, not a line of another file.
_COLUMN_NAME = r"[A-Za-z_][A-Za-z0-9_ .()-]{0,39}"  # compiled (and kept by re) when first used


def _value(text: str) -> Fraction:
    text = text.strip()
    return parse_money(text) if "$" in text else parse_number(text)


def load_market(path: str | Path, exchange: BusinessCalendar | None = None) -> MarketData:
    """Read a market data CSV. Problems are diagnostics at ``file:line:column``.

    Dates must be unique; a date the ``exchange`` calendar says was closed is
    kept (the data is the record of trading days) but reported as a warning.
    """
    shown = str(path)
    text = read_text(path, "market data file")
    entry = cache.digest(shown, text.encode("utf-8"), *(exchange.codes if exchange else ()))
    kept = cache.load("markets", entry)
    if isinstance(kept, MarketData):
        return kept
    market = _read(shown, text, exchange)
    cache.store("markets", entry, market)
    return market


def _read(shown: str, text: str, exchange: BusinessCalendar | None) -> MarketData:
    import csv  # here: a warm run reads the data from the cache

    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # a field longer than the csv module's limit, a NUL byte
        raise ClauseError(f"{shown}: not market data: {exc}") from None
    header_row = next((i for i, r in enumerate(rows) if r and not r[0].startswith("#")), None)
    if header_row is None:
        raise ClauseError(f"{shown}: empty market data file",
                          [Diagnostic(shown, 1, 1, "empty market data file")])
    header = [h.strip() for h in rows[header_row]]
    if "date" not in header:
        # A header of column names is shown; any other line is not (it may be anyone's file).
        named = all(re.fullmatch(_COLUMN_NAME, h) for h in header)
        found = f"; found {', '.join(header)}" if named else ": this line is not a row of column names"
        raise ClauseError("no date column", [Diagnostic(
            shown, header_row + 1, 1, f"market data needs a 'date' column{found}")])
    if len(rows) - header_row - 1 > MAX_MARKET_ROWS:
        message = f"more than {MAX_MARKET_ROWS:,} rows of market data: the limit on a file"
        raise ClauseError(message, [Diagnostic(shown, header_row + MAX_MARKET_ROWS + 2, 1, message)])
    date_col = header.index("date")
    columns: dict[str, dict[dt.date, Fraction]] = {h: {} for h in header if h != "date"}
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    cells: dict[tuple[str, dt.date], tuple[int, int]] = {}
    seen: dict[dt.date, int] = {}
    for number, row in enumerate(rows[header_row + 1:], start=header_row + 2):
        if not row or (row[0].startswith("#")) or not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(Diagnostic(shown, number, 1,
                                       f"expected {len(header)} fields, found {len(row)}"))
            continue
        try:
            day = parse_date(row[date_col])
        except ValueError as exc:
            problems.append(Diagnostic(shown, number, _column(row, date_col), str(exc)))
            continue
        if day in seen:
            problems.append(Diagnostic(shown, number, 1,
                                       f"{day.isoformat()} already appears on line {seen[day]}"))
            continue
        seen[day] = number
        if exchange is not None and not exchange.is_business_day(day):
            why = exchange.holiday(day) or "a weekend"
            warnings.append(Diagnostic(shown, number, 1, f"{day.isoformat()} is {why}, a day "
                                       "the exchange calendar says was closed", "warning"))
        for i, name in enumerate(header):
            if name == "date" or not row[i].strip():
                continue
            try:
                columns[name][day] = _value(row[i])
                cells[(name, day)] = (number, _column(row, i))
            except ValueError as exc:
                problems.append(Diagnostic(shown, number, _column(row, i), f"{name}: {exc}"))
    if problems:
        raise ClauseError(problems[0].message, problems)
    dates = sorted(seen)
    if dates and (dates[-1] - dates[0]).days > MAX_SPAN_DAYS:
        message = (f"the market data runs from {dates[0].isoformat()} to {dates[-1].isoformat()}: more "
                   f"than {MAX_SPAN_DAYS:,} days, the limit on a period")
        raise ClauseError(message, [Diagnostic(shown, seen[dates[-1]], 1, message)])
    if exchange is not None and dates:
        warnings.extend(_gaps(shown, dates, exchange, header_row + 1))
    return MarketData(shown, dates, columns, warnings, cells, header_line=header_row + 1)


def _gaps(shown: str, dates: list[dt.date], exchange: BusinessCalendar, line: int) -> list[Diagnostic]:
    """A warning naming the days the exchange was open that the data skips."""
    present = set(dates)
    day, missing = dates[0], []
    while day < dates[-1]:
        if exchange.is_business_day(day) and day not in present:
            missing.append(day.isoformat())
        day += dt.timedelta(days=1)
    if not missing:
        return []
    listed = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [Diagnostic(shown, line, 1, f"no data for {listed}, when the exchange calendar says it was "
                       "open; a window over those days is an error", "warning")]


def _column(row: list[str], index: int) -> int:
    """1-based column of field ``index`` in a CSV row (commas counted, quotes ignored)."""
    return sum(len(f) + 1 for f in row[:index]) + 1


def check_bounds(market: MarketData, programs: list[Program]) -> None:
    """Refuse market values the contracts' series cannot take (a bid of $0), at their cells."""
    problems: list[Diagnostic] = []
    for program in programs:
        for term in program.terms.values():
            if term.kind == SERIES and term.bounds is not None and isinstance(term.type, Series):
                rejects = partial(impossible_value, term, type_=term.type.element)
                problems += [p for p in market.impossible(term.column or term.name, rejects)
                             if p not in problems]
    if problems:
        raise ClauseError(problems[0].message, problems)
