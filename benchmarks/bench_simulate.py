"""Benchmark: ``clause simulate`` against the same number of ``clause run``s in one process.

The reference is the run of scenario 11 on its own market data, repeated N times in this
process (the engine alone, as ``clause run`` does it without printing). Against it: N simulated
paths of the same scenario in this process (each path: its prices drawn, the run, its outcomes
collected), and the same N paths on a pool of K processes. Prints each one's paths a second and
its ratio to the reference, measured in this run; asserts nothing.

Run: python benchmarks/bench_simulate.py [--paths N] [--workers K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from interpreter.run.engine import run_scenario
from interpreter.run.scenario import load_scenario
from interpreter.simulate.simulation import ModelOptions, prepare, simulate

SCENARIO = (Path(__file__).resolve().parent.parent / "examples" / "scenarios"
            / "13-weekly-conversions-by-rule.yaml")


def main() -> None:
    """Time the three ways and print paths a second and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    simulation = prepare(scenario, ModelOptions("gbm", 7, dt.date(1999, 8, 2), volatility=0.6))
    run_scenario(scenario)  # compile the formulas once, as every later run finds them

    start = time.perf_counter()
    for _ in range(args.paths):
        run_scenario(scenario)
    reference = time.perf_counter() - start
    timed = {}
    for label, workers in (("simulate, 1 process", 1), (f"simulate, {args.workers} processes", args.workers)):
        start = time.perf_counter()
        simulate(simulation, args.paths, workers)
        timed[label] = time.perf_counter() - start
    print(f"{args.paths} paths of {SCENARIO.name} (as of {scenario.as_of.isoformat()})")
    print(f"  clause run x {args.paths} (reference)  {args.paths / reference:6.2f} paths/s")
    for label, seconds in timed.items():
        speed = args.paths / seconds
        print(f"  {label:<28}  {speed:6.2f} paths/s  {reference / seconds:5.2f}x the reference")


if __name__ == "__main__":
    main()
