"""Benchmark: a Series B scenario of 1,000 to 20,000 events, run by the engine and by a hand loop.

The scenario and the hand-written loop in exact Fractions are ``series_b_scale.py``'s. This
checks first that the loop's numbers are the engine's (every conversion's Premium, Conversion
Price, shares and limits, the holdings at the end, the daily count of the Reserved Amount's
coverage, every flag raised), so that the reference is honest, then prints:

- both as whole processes, in turn (A B C A B C ...): ``clause run SCENARIO --format json`` (with
  a warm cache of checked programs) against the loop's script, each one's median wall and CPU
  time and the median of the ratios (issue 11's goal: within 3 times); and against the same script
  computing in quicktions' Fraction, the rational type Clause computes with, which shows what of
  the ratio is the engine's and what the arithmetic's;
- the computation alone, in this process: the engine's run against the loop;
- the time per event at 1,000, 5,000 and 20,000 events, of the engine (loading the scenario
  and running it) and of the loop: linear growth keeps it flat;
- the memory a run holds per event when it ends (tracemalloc: the scenario's events and the
  run's results, not the checked contract).

Run from the repository's root: python benchmarks/bench_scale.py [--quick]
(--quick: 1,000 and 5,000 events, fewer runs)
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import series_b_scale as scale
from bench_cold_start import clause_command, median, run_once

from interpreter.files import allow_paths
from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

HERE = Path(__file__).resolve().parent
COMPUTED = ("premium", "conversion_price", "conversion_shares", "convertible_preferred", "issued_shares")
GOAL = 3


def write_scenario(events: int, folder: Path) -> tuple[Path, scale.Numbers]:
    """The scenario of ``events`` events as a file, with the hand loop's numbers for it."""
    plan = scale.plan(events)
    numbers = scale.hand_loop(plan, *scale.closing_bids())
    path = folder / f"series-b-{events}.yaml"
    path.write_text(scale.scenario_yaml(plan), encoding="utf-8")
    return path, numbers


def engine_numbers(run: RunResult) -> scale.Numbers:
    """The numbers of ``run`` that the hand loop computes, in its form."""
    out = scale.Numbers()
    for result in run.results:
        values = {c.name: c.record.value for c in result.values if c.clause == "optional_conversion"}
        if values:
            out.conversions.append({name: values[name] for name in COMPUTED})
    for name in ("preferred", "common", "cap_allocation", "cap_used"):
        state = run.state["series_b_preferred" if name == "preferred" else name]
        setattr(out, name, {h: state.get(h) for h in scale.HOLDERS})
    out.outstanding_preferred = run.state["outstanding_preferred"]
    out.common_issued = run.state["common_issued"]
    out.reserve_short_days = run.state["reserve_short_days"]
    out.flags = [(f.name, f.party, f.date) for f in run.flags if f.raised]
    return out


def check(path: Path, numbers: scale.Numbers) -> None:
    """Fail unless the engine computes the hand loop's numbers for the scenario at ``path``."""
    got = engine_numbers(run_scenario(load_scenario(path)))
    assert len(got.conversions) == len(numbers.conversions), (len(got.conversions), len(numbers.conversions))
    for i, (a, b) in enumerate(zip(got.conversions, numbers.conversions, strict=True)):
        assert a == b, f"conversion {i}: engine {a}, hand loop {b}"
    got.flags.sort(key=str)
    for name in ("preferred", "common", "cap_allocation", "cap_used", "outstanding_preferred",
                 "common_issued", "reserve_short_days", "flags"):
        mine, theirs = getattr(got, name), getattr(numbers, name)
        assert mine == (sorted(theirs, key=str) if name == "flags" else theirs), (name, mine, theirs)


def whole_processes(path: Path, runs: int, env: dict[str, str]) -> None:
    """The engine's and the hand loop's processes in turn; their medians and the pairs' ratio."""
    engine = [*clause_command(), "run", str(path), "--format", "json"]
    hand = [sys.executable, str(HERE / "series_b_scale.py"), "1000"]
    run_once(engine, env, None)  # fills the cache of checked programs
    triples = [(run_once(engine, env, None), run_once(hand, env, None),
                run_once([*hand, "--quicktions"], env, None)) for _ in range(runs)]
    print("1,000 events, whole processes, in turn (median):")
    labels = ("clause run --format json", "hand loop in Fractions", "hand loop in quicktions")
    for index, label in enumerate(labels):
        wall = median([t[index][0] for t in triples])
        cpu = median([t[index][1] for t in triples])
        print(f"  {label:<29} {wall:7.3f} s wall  {cpu:7.3f} s CPU")
    for index, against in ((1, f"(goal: within {GOAL} ×)"), (2, "(the same loop in Clause's rational type)")):
        ratios = [median([t[0][i] / t[index][i] for t in triples if t[index][i] > 0]) for i in (0, 1)]
        shown = "ratio, the loop " + labels[index].removeprefix("hand loop ")
        print(f"  {shown:<29} {ratios[0]:7.1f} ×       {ratios[1]:7.1f} ×      {against}")


def cpu_seconds(action: Callable[[], object], runs: int) -> float:
    """The least CPU seconds of ``runs`` runs of ``action`` in this process."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def held_per_event(path: Path, events: int) -> float:
    """Bytes the loaded scenario (its events) and its run hold when the run ends, per event; the
    checked contract, loaded once for every scenario that names it, is not counted."""
    load_scenario(path)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    run = run_scenario(load_scenario(path))
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del run
    return held / events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 events, fewer runs")
    args = parser.parse_args()
    sizes = [1000, 5000] if args.quick else [1000, 5000, 20000]
    runs = 3 if args.quick else 7
    allow_paths([str(HERE.parent)])  # the scenarios, in a temporary folder, name the contracts here
    with tempfile.TemporaryDirectory() as folder:
        files = {n: write_scenario(n, Path(folder)) for n in sizes}
        for path, numbers in files.values():
            check(path, numbers)
        print(f"the hand loop's numbers are the engine's at {', '.join(f'{n:,}' for n in sizes)} events")

        env = {**os.environ, "CLAUSE_CACHE_DIR": os.path.join(folder, "cache")}
        env.pop("CLAUSE_NO_CACHE", None)
        whole_processes(files[1000][0], runs, env)

        scenario = load_scenario(files[1000][0])
        plan, bids = scale.plan(1000), scale.closing_bids()
        engine_run = cpu_seconds(lambda: run_scenario(scenario), runs)
        hand_run = cpu_seconds(lambda: scale.hand_loop(plan, *bids), runs)
        print(f"1,000 events, the computation alone (CPU, in this process): engine {engine_run * 1000:.0f} "
              f"ms, hand loop {hand_run * 1000:.0f} ms, ratio {engine_run / hand_run:.1f} ×")

        print("growth (CPU per event; the daily events of the run, about 2,200, are the same at every size):")
        first: tuple[float, float] | None = None
        for n, (path, _) in files.items():
            engine = cpu_seconds(lambda p=path: run_scenario(load_scenario(p)), 1 if n > 5000 else 2) / n
            plan_n = scale.plan(n)
            hand = cpu_seconds(lambda p=plan_n: scale.hand_loop(p, *bids), 2) / n
            first = first or (engine, hand)
            print(f"  {n:>6,} events  engine (load and run) {engine * 1e6:6.0f} µs "
                  f"({engine / first[0]:.2f} ×)   hand loop {hand * 1e6:5.0f} µs ({hand / first[1]:.2f} ×)")
        for n, (path, _) in files.items():
            print(f"memory held when a run of {n:,} events ends: {held_per_event(path, n) / 1024:.1f} KB "
                  "per event (goal: under 10 KB)")


if __name__ == "__main__":
    main()
