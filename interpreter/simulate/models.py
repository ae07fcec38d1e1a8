"""Price paths drawn at random: geometric Brownian motion, and a bootstrap of daily log returns.

Each path draws from a stream of its own, ``Generator(PCG64(SeedSequence(seed, spawn_key=(i,))))``
for path ``i``, so a path is the same whichever other paths are drawn with it, in one process
or spread over many. Several series share the path's draws: they move together, each from its
own starting price (and, under GBM, with its own volatility).

Steps are trading days; a year is ``TRADING_DAYS_A_YEAR`` of them, the convention for daily
returns.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from ..calendar import BusinessCalendar
from ..diagnostics import ClauseError
from ..evaluate.market import MarketData
from ..evaluate.paths import PathMarket
from ..link.program import Program
from ..rational import Fraction

TRADING_DAYS_A_YEAR = 252


def path_generator(seed: int, path: int) -> np.random.Generator:
    """The random stream of path number ``path`` under ``seed``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(path,))))


def log_returns(prices: np.ndarray) -> np.ndarray:
    """Daily log returns of (series, days) prices: (series, days - 1), NaN where a day lacks one."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.diff(np.log(prices), axis=1)


def yearly_volatility(prices: np.ndarray) -> np.ndarray:
    """Each series' sample standard deviation of its daily log returns, scaled to a year."""
    returns = log_returns(prices)
    out = np.empty(prices.shape[0])
    for i, row in enumerate(returns):
        present = row[~np.isnan(row)]
        out[i] = float(np.std(present, ddof=1)) * math.sqrt(TRADING_DAYS_A_YEAR) if present.size > 1 else 0.0
    return out


def gbm(start: np.ndarray, volatility: np.ndarray, drift: float, steps: int, paths: range,
        seed: int) -> np.ndarray:
    """(series, paths, steps) prices of geometric Brownian motion from ``start`` (one price a
    series), with yearly ``drift`` and ``volatility`` (one a series), a step a trading day."""
    dt = 1.0 / TRADING_DAYS_A_YEAR
    shocks = np.empty((len(paths), steps))
    for row, path in enumerate(paths):
        shocks[row] = path_generator(seed, path).standard_normal(steps)
    volatility = volatility[:, None, None]
    moves = (drift - volatility ** 2 / 2) * dt + volatility * math.sqrt(dt) * shocks[None]
    return np.asarray(start[:, None, None] * np.exp(np.cumsum(moves, axis=2)))


def bootstrap(history: np.ndarray, steps: int, paths: range, seed: int) -> np.ndarray:
    """(series, paths, steps) prices, each step a daily log return drawn with replacement from
    the days of ``history`` (series, days) on which every series has one, from its last prices."""
    returns = log_returns(history)
    usable = returns[:, ~np.isnan(returns).any(axis=0)]
    if usable.shape[1] == 0:
        raise ValueError("the market data has no day with a return for every series")
    picks = np.empty((len(paths), steps), dtype=np.int64)
    for row, path in enumerate(paths):
        picks[row] = path_generator(seed, path).integers(0, usable.shape[1], steps)
    start = history[:, -1]
    return np.asarray(start[:, None, None] * np.exp(np.cumsum(usable[:, picks], axis=2)))


def simulated(history: MarketData, columns: list[str], program: Program, model: str, paths: int, seed: int,
              start: dt.date | None, end: dt.date, drift: float = 0.0, volatility: float | None = None,
              start_price: float | None = None, first_path: int = 0) -> PathMarket:
    """Paths continuing ``history`` (a market data CSV) from ``start`` (default: the first
    trading day after it) through ``end``, each series of ``columns`` drawn by ``model``:
    ``paths`` of them, numbered from ``first_path`` (each path is the same whichever are drawn).

    The days before ``start`` are the history's, the same on every path; the days simulated
    are the exchange's trading days (the contract's ``calendars.exchange``, else weekdays).
    """
    missing = [c for c in columns if c not in history.columns]
    if missing:
        raise ClauseError(f"{history.path} has no column {missing[0]!r} to simulate (columns: "
                          f"{', '.join(history.columns)})")
    if not columns:
        raise ClauseError("the terms read no market series: there is nothing to simulate")
    before = [d for d in history.dates if start is None or d < start]
    if not before:
        raise ClauseError(f"{history.path} has no day before {start.isoformat() if start else '?'} "
                          "to start the paths from")
    exchange = BusinessCalendar([program.exchange] if program.exchange else [])
    first = start or before[-1] + dt.timedelta(days=1)
    days = []
    day = first
    while day <= end:
        if exchange.is_business_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    if not days:
        raise ClauseError(f"no trading day to simulate from {first.isoformat()} through {end.isoformat()}")
    prices = np.array([[_float(history.columns[c].get(d)) for d in before] for c in columns])
    last = prices[:, -1]
    if np.isnan(last).any():
        column = columns[int(np.nonzero(np.isnan(last))[0][0])]
        raise ClauseError(f"{history.path}: {column} has no value on {before[-1].isoformat()}, the day the "
                          "paths start from")
    rows = range(first_path, first_path + paths)
    if model == "gbm":
        if start_price is not None:
            last = np.full(len(columns), start_price)
        vol = np.full(len(columns), volatility) if volatility is not None else yearly_volatility(prices)
        drawn = gbm(last, vol, drift, len(days), rows, seed)
        how = f"gbm, drift {drift:g}, volatility {', '.join(f'{v:.4g}' for v in vol)} a year"
    else:
        try:
            drawn = bootstrap(prices, len(days), rows, seed)
        except ValueError as exc:
            raise ClauseError(f"{history.path}: {exc}") from None
        how = f"bootstrap of {history.path}'s daily log returns"
    series = {c: np.concatenate([np.broadcast_to(prices[i], (paths, len(before))), drawn[i]], axis=1)
              for i, c in enumerate(columns)}
    origin = f"{paths:,} paths ({how}; seed {seed}) from {days[0].isoformat()}"
    return PathMarket(f"{model} paths from {history.path}", [*before, *days], series, [], origin)


def _float(value: Fraction | None) -> float:
    return math.nan if value is None else float(value)
