"""Benchmark: ``conversion_shares`` of the Series B certificate over 10,000 price paths × 750
trading days by the vectorised back end, against hand-written numpy computing the same.

Both run in this process on the same paths (geometric Brownian motion from the made-up
market's last bid), alternately, three times; the medians and their ratio are printed beside
the goal (within 2× of the hand-written numpy), and the two results are compared element by
element. The hand-written version rounds in binary floating point, so where the two differ the
exact evaluator says which is right.

Run: python benchmarks/bench_sweep.py [PATHS] [DAYS]
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from interpreter.evaluate.evaluator import Environment, Evaluator
from interpreter.evaluate.inputs import environment
from interpreter.evaluate.market import MarketData
from interpreter.evaluate.paths import PathMarket
from interpreter.evaluate.sweep import sweep
from interpreter.pipeline import load_checked
from interpreter.rational import Fraction
from interpreter.simulate.models import simulated

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "contracts" / "series_b_certificate.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"
GOAL = 2.0


def hand_written(market: PathMarket, columns: np.ndarray, days: list[dt.date]) -> np.ndarray:
    """conversion_shares as an analyst would write it in numpy, for 1,000 preferred shares and
    notice dates on each of ``days``, with every contract figure typed in (COD III.D-G, IV.A, IV.E)."""
    bids = market.series["closing_bid"]
    premium = np.array([1000 * ((d - dt.date(1998, 12, 18)).days / 365) * 0.06 for d in days])
    windows = sliding_window_view(bids, 10, axis=1)[:, columns - 10]  # the 10 days before each
    lowest_six = np.partition(windows, 5, axis=-1)[..., :6]
    variable = 1.01 * lowest_six.mean(axis=-1)
    late = np.array([d >= dt.date(1999, 7, 27) for d in days])
    price = np.where(late, np.minimum(6.03, variable), 6.03)
    return np.asarray(np.ceil(1000 * (premium + 1000) / price))


def exact(program, given, market: PathMarket, path: int, day: dt.date) -> Fraction:  # type: ignore[no-untyped-def]
    """The exact evaluator's conversion_shares on one path and day."""
    values = {d: Fraction(float(v))
              for d, v in zip(market.dates, market.series["closing_bid"][path], strict=True)}
    env = Environment(given={**given, "notice_date": day},
                      market=MarketData("paths", market.dates, {"closing_bid": values}))
    return Fraction(Evaluator(program, env).value("conversion_shares"))


def main() -> None:
    paths = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    width = int(sys.argv[2]) if len(sys.argv) > 2 else 750
    program = load_checked(str(CONTRACT))
    history = environment(program, [], [], str(MARKET)).market
    assert history is not None
    # 750 trading days after the made-up data ends (2001-08-31): from 2001-09-04
    end = dt.date(2001, 9, 4) + dt.timedelta(days=width * 365 // 250 + 30)
    market = simulated(history, ["closing_bid"], program, "gbm", paths, 19981218, None, end,
                       volatility=0.6)
    first = market.dates.index(dt.date(2001, 9, 4))
    columns = np.arange(first, first + width)
    days = [market.dates[i] for i in columns]
    env = environment(program, [("preferred_shares", "1000")], [])
    print(f"conversion_shares, {paths:,} paths × {width} trading days ({days[0]} to {days[-1]})")

    vector_times, hand_times = [], []
    for _ in range(3):
        start = time.perf_counter()
        result = sweep(program, env, market, "notice_date", days[0], days[-1], ["conversion_shares"])
        vector_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        reference = hand_written(market, columns, days)
        hand_times.append(time.perf_counter() - start)
    vector, hand = sorted(vector_times)[1], sorted(hand_times)[1]
    print(f"  vectorised back end (clause sweep's evaluation)  median {vector:7.3f} s")
    print(f"  hand-written numpy (np.partition)                median {hand:7.3f} s")
    print(f"  ratio {vector / hand:.2f} (goal: within {GOAL:g}×)")

    shares = result.values["conversion_shares"]
    differ = np.argwhere(shares != reference)
    print(f"  recomputed exactly by the vectorised back end: {result.recomputed['conversion_shares']:,} "
          "path-days")
    print(f"  the two agree on {shares.size - len(differ):,} of {shares.size:,} path-days")
    vector_right = sum(exact(program, env.given, market, int(p), days[int(c)]) == shares[p, c]
                       for p, c in differ)
    if len(differ):
        print(f"  where they differ the exact evaluator agrees with the vectorised back end on "
              f"{vector_right} of {len(differ)}")
    sample = [(p, c) for p in (0, paths // 2, paths - 1) for c in (0, width // 2, width - 1)]
    checked = all(exact(program, env.given, market, p, days[c]) == shares[p, c] for p, c in sample)
    print(f"  nine sampled path-days equal the exact evaluator's: {checked}")


if __name__ == "__main__":
    main()
