"""Benchmark: loading and checking a contract and the whole deal, evaluating a term on many dates,
running the deal scenario.

Prints figures; asserts nothing. Run: python benchmarks/bench_eval.py
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from interpreter.evaluate.inputs import environment, evaluate
from interpreter.pipeline import load_checked
from interpreter.run.engine import run_scenario
from interpreter.run.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "contracts" / "series_b_certificate.yaml"
MARKET = ROOT / "examples" / "closing-bids-MADE-UP.csv"
DEAL = ROOT / "contracts" / "valence_financing.yaml"
DEAL_SCENARIO = ROOT / "examples" / "scenarios" / "deal" / "01-second-closing-to-maturity.yaml"


def timed(label: str, runs: int, action) -> None:  # type: ignore[no-untyped-def]
    """Run ``action`` ``runs`` times and print the median time per run."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"{label:<58} median {times[len(times) // 2] * 1000:8.2f} ms  ({runs} runs)")


def main() -> None:
    timed("load + check series_b_certificate.yaml", 20, lambda: load_checked(str(CONTRACT)))
    program = load_checked(str(CONTRACT))
    days = [dt.date(1999, 8, 2) + dt.timedelta(days=i) for i in range(365)]

    def year_of_conversions() -> None:
        env = environment(program, [("preferred_shares", "1000")], [], str(MARKET))
        for day in days:
            env.given["notice_date"] = day
            evaluate(program, env, ["conversion_shares"])

    timed("conversion_shares on 365 dates (fresh evaluator per date)", 5, year_of_conversions)
    timed("load + check valence_financing.yaml (six documents)", 5, lambda: load_checked(str(DEAL)))
    timed("load and run the deal scenario (Second Closing to maturity)", 3,
          lambda: run_scenario(load_scenario(DEAL_SCENARIO)))


if __name__ == "__main__":
    main()
