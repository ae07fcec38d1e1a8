"""Benchmark: a Series B scenario of 1,000 to 20,000 events, run by the engine and by a hand loop.

The scenario and the hand-written loop in exact Fractions are ``series_b_scale.py``'s. This
checks first that the loop's numbers are the engine's (every conversion's Premium, Conversion
Price, shares and limits, the holdings at the end, the Trading Market Trigger Events), so the
reference is honest, then prints:

- each as a whole process (``clause run SCENARIO --format json`` against the loop's script),
  wall and CPU seconds, median of the runs, and the ratio;
- the computation alone, in this process: the engine's run against the loop;
- the engine's time per event at 1,000, 5,000 and 20,000 events (linear growth keeps it flat);
- the memory the engine holds per event at the end of a run (tracemalloc).

Run: python benchmarks/bench_scale.py [--quick] (--quick: 1,000 and 5,000 events, fewer runs)
"""

from __future__ import annotations

import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import series_b_scale as scale

from interpreter.run.engine import RunResult, run_scenario
from interpreter.run.scenario import load_scenario

HERE = Path(__file__).resolve().parent
COMPUTED = ("premium", "conversion_price", "conversion_shares", "convertible_preferred", "issued_shares")


def write_scenario(events: int, folder: Path) -> tuple[Path, scale.Numbers]:
    """The scenario of ``events`` events as a file, with the hand loop's numbers for it."""
    plan = scale.plan(events)
    numbers = scale.hand_loop(plan, *scale.closing_bids())
    path = folder / f"series-b-{events}.yaml"
    path.write_text(scale.scenario_yaml(plan), encoding="utf-8")
    return path, numbers


def engine_numbers(run: RunResult) -> scale.Numbers:
    """The numbers of ``run`` the hand loop computes, in its form."""
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
    numbers.flags.sort(key=str)
    for name in ("preferred", "common", "cap_allocation", "cap_used", "outstanding_preferred",
                 "common_issued", "reserve_short_days", "flags"):
        assert getattr(got, name) == getattr(numbers, name), (name, getattr(got, name), getattr(numbers, name))


def whole_process(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds (user + system, of the process and its children) of ``command``."""
    walls, cpus = [], []
    for _ in range(runs + 1):  # the first warms the disk cache and is not counted
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(wall)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls[1:]), statistics.median(cpus[1:])


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
    """Bytes the loaded scenario and its run hold at the end, per event."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    run = run_scenario(load_scenario(path))
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del run
    return held / events


def main(quick: bool) -> None:
    sizes = [1000, 5000] if quick else [1000, 5000, 20000]
    runs = 3 if quick else 5
    with tempfile.TemporaryDirectory() as folder:
        files = {n: write_scenario(n, Path(folder)) for n in sizes}
        for n, (path, numbers) in files.items():
            check(path, numbers)
        print(f"the hand loop's numbers are the engine's at {', '.join(f'{n:,}' for n in sizes)} events")

        path, _ = files[1000]
        engine_cmd = [sys.executable, "-m", "interpreter.cli", "run", str(path), "--format", "json"]
        hand_cmd = [sys.executable, str(HERE / "series_b_scale.py"), "1000"]
        engine_wall, engine_cpu = whole_process(engine_cmd, runs)
        hand_wall, hand_cpu = whole_process(hand_cmd, runs)
        print("1,000 events, whole processes (median):")
        print(f"  clause run --format json   {engine_wall:7.3f} s wall  {engine_cpu:7.3f} s CPU")
        print(f"  hand loop in Fractions     {hand_wall:7.3f} s wall  {hand_cpu:7.3f} s CPU")
        print(f"  ratio                      {engine_wall / hand_wall:7.1f} ×       {engine_cpu / hand_cpu:7.1f} ×"
              "   (goal: within 3 ×)")

        scenario = load_scenario(path)
        plan = scale.plan(1000)
        bids = scale.closing_bids()
        engine_run = cpu_seconds(lambda: run_scenario(scenario), runs)
        hand_run = cpu_seconds(lambda: scale.hand_loop(plan, *bids), runs)
        print(f"1,000 events, computation alone: engine {engine_run * 1000:.1f} ms, hand loop "
              f"{hand_run * 1000:.1f} ms, ratio {engine_run / hand_run:.1f} ×")

        print("growth, load and run in this process (CPU):")
        first = None
        for n, (path, _) in files.items():
            per = cpu_seconds(lambda p=path: run_scenario(load_scenario(p)), 1 if n > 5000 else 2) / n
            first = first or per
            print(f"  {n:>6,} events  {per * 1e6:7.1f} µs per event  ({per / first:.2f} × the 1,000-event figure)")

        for n in sizes[:2]:
            print(f"memory held at the end of a run of {n:,} events: "
                  f"{held_per_event(files[n][0], n) / 1024:.1f} KB per event (goal: under 10 KB)")


if __name__ == "__main__":
    main("--quick" in sys.argv[1:])
