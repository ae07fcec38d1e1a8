"""Market data over many paths: each series' values by path and trading day.

Paths come from files (a ``.npy`` array a series, shape (paths, dates), and a text file of the
dates, one ISO date a line) or from a model (``simulate/models.py``) continuing the history of
a market data CSV. A series is named by its market column, as in the CSV (the series' ``column``,
else its name). The values are floats; the exact back end reads each exactly (``Fraction(x)``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..calendar import BusinessCalendar
from ..diagnostics import ClauseError, Diagnostic
from ..link.program import Program, Term, impossible_value
from ..rational import Fraction
from ..syntax.literals import parse_date
from ..types import Series


@dataclass
class PathMarket:
    """Market series over many paths: ``series[column]`` is a (paths, dates) float64 array of
    each day's value (NaN for a day without one), on the trading days ``dates``."""

    source: str
    dates: list[dt.date]
    series: dict[str, np.ndarray]
    warnings: list[Diagnostic] = field(default_factory=list)
    #: How the paths were made, for people: "3 files", "gbm, seed 7, from 2001-09-04".
    origin: str = ""

    @property
    def paths(self) -> int:
        """How many paths each series has."""
        return next(iter(self.series.values())).shape[0] if self.series else 1


def column_of(term: Term) -> str:
    """The market column a series reads."""
    return term.column or term.name


def read_dates(path: str, exchange: BusinessCalendar | None) -> tuple[list[dt.date], list[Diagnostic]]:
    """The dates of a dates file, one ISO date a line (blank lines and ``#`` lines skipped),
    ascending; a date the ``exchange`` calendar says was closed is kept, with a warning."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ClauseError(f"{path}: no such dates file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ClauseError(f"{path}: cannot read dates: {exc}") from None
    dates: list[dt.date] = []
    lines_of: dict[dt.date, int] = {}
    warnings: list[Diagnostic] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        column = len(line) - len(line.lstrip()) + 1
        try:
            day = parse_date(text)
        except ValueError as exc:
            raise ClauseError(str(exc), [Diagnostic(path, number, column, str(exc))]) from None
        if dates and day <= dates[-1]:
            message = (f"{day.isoformat()} already appears on line {lines_of[day]}" if day in lines_of
                       else f"{day.isoformat()} comes after {dates[-1].isoformat()} (line "
                            f"{lines_of[dates[-1]]}): the dates must ascend")
            raise ClauseError(message, [Diagnostic(path, number, column, message)])
        if exchange is not None and not exchange.is_business_day(day):
            why = exchange.holiday(day) or "a weekend"
            warnings.append(Diagnostic(path, number, column, f"{day.isoformat()} is {why}, a day the "
                                       "exchange calendar says was closed", "warning"))
        dates.append(day)
        lines_of[day] = number
    if not dates:
        message = "no dates: write one ISO date a line"
        raise ClauseError(f"{path}: {message}", [Diagnostic(path, 1, 1, message)])
    return dates, warnings


def load_paths(files: dict[str, str], dates_file: str, program: Program) -> PathMarket:
    """The market paths of ``files`` (market column → .npy file) on the dates of ``dates_file``."""
    exchange = BusinessCalendar([program.exchange]) if program.exchange else None
    dates, warnings = read_dates(dates_file, exchange)
    series: dict[str, np.ndarray] = {}
    rows: tuple[str, int] | None = None
    for column, path in files.items():
        values = _read_array(path)
        if values.ndim != 2:
            raise ClauseError(f"{path}: an array of shape {values.shape}; it must be (paths, dates): "
                              "a row a path, a column a date")
        if values.shape[1] != len(dates):
            raise ClauseError(f"{path}: {values.shape[1]} columns, but {dates_file} has {len(dates)} "
                              "dates: a column for each date")
        if rows is not None and values.shape[0] != rows[1]:
            raise ClauseError(f"{path}: {values.shape[0]} paths, but {rows[0]} has {rows[1]}: each "
                              "series needs a row for every path")
        rows = rows or (path, values.shape[0])
        if np.isinf(values).any():
            path_row, col = (int(i[0]) for i in np.nonzero(np.isinf(values)))
            raise ClauseError(f"{path}: {column} is infinite on path {path_row}, {dates[col].isoformat()}")
        series[column] = values
    shown = ", ".join(files.values())
    market = PathMarket(shown, dates, series, warnings, f"{rows[1] if rows else 0:,} paths from {shown}")
    check_path_bounds(market, program)
    return market


def _read_array(path: str) -> np.ndarray:
    try:
        values = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise ClauseError(f"{path}: no such file") from None
    except (OSError, ValueError, EOFError) as exc:
        raise ClauseError(f"{path}: cannot read a .npy array: {exc}") from None
    if not isinstance(values, np.ndarray) or not (np.issubdtype(values.dtype, np.floating)
                                                  or np.issubdtype(values.dtype, np.integer)):
        raise ClauseError(f"{path}: the values must be numbers (floats), not {getattr(values, 'dtype', '?')}")
    return values.astype(np.float64)


def check_path_bounds(market: PathMarket, program: Program) -> None:
    """Refuse a value a series cannot take (a bid of $0), naming its path and date."""
    for term in program.terms.values():
        values = market.series.get(column_of(term))
        if values is None or term.bounds is None or not isinstance(term.type, Series):
            continue
        bounds = term.bounds
        bad = np.zeros(values.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            if bounds.at_least is not None:
                bad |= values < float(bounds.at_least)
            if bounds.more_than is not None:
                bad |= values <= float(bounds.more_than)
            if bounds.whole:
                bad |= values != np.floor(values)
        bad &= ~np.isnan(values)
        # a float near a limit may be on the other side of it exactly: the exact check decides
        for row, col in zip(*np.nonzero(bad), strict=True):
            problem = impossible_value(term, Fraction(float(values[row, col])), term.type.element)
            if problem:
                raise ClauseError(f"{market.source}: {column_of(term)} on path {row}, "
                                  f"{market.dates[col].isoformat()}: {problem}")
