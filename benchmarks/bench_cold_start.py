"""Benchmark: the cold start of ``clause eval``, as whole processes, against ``python -c pass``.

Runs the README's example (``conversion_shares`` of the Series B certificate with the made-up
market data) and the bare interpreter in turn, A B A B ..., and prints each one's median
time and the median of the pairs' ratios beside the goal (issue 11: within 6 times
``python -c pass`` with a warm cache, 5 times hoped for). Also with an empty cache each run
(cold) and with the cache turned off, fewer times: they are slow.

Each is measured twice: as this Python runs it, and with compiled bytecode kept (as a
wheel's install has it: pip compiles the modules it installs). An editable install run
with PYTHONDONTWRITEBYTECODE set compiles Clause's own modules on every run.

Prints figures; asserts nothing. Run: python benchmarks/bench_cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ["eval", "contracts/series_b_certificate.yaml", "conversion_shares", "--set", "notice_date=1999-08-02",
        "--set", "preferred_shares=1000", "--market", "examples/closing-bids-MADE-UP.csv"]
EXPECTED = "conversion_shares = 206,053 shares"
REFERENCE = [sys.executable, "-c", "pass"]
GOAL, BOUND = 5, 6


def clause_command() -> list[str]:
    """The installed ``clause`` beside this Python, else the module run by it."""
    script = Path(sys.executable).with_name("clause")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "interpreter.cli"]


def run_once(command: list[str], env: dict[str, str], expected: str | None = EXPECTED) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole process, which must print ``expected``
    (when not None) unless it is the reference."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    if command is not REFERENCE and expected is not None and done.stdout.strip() != expected:
        sys.exit(f"{' '.join(command)} printed {done.stdout.strip()!r}, not {expected!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def paired(label: str, command: list[str], env: dict[str, str], runs: int, fresh_cache: bool = False) -> None:
    """Run ``command`` and the reference in turn ``runs`` times; print medians and the median ratio."""
    a: list[tuple[float, float]] = []
    b: list[tuple[float, float]] = []
    for _ in range(runs):
        if fresh_cache:
            shutil.rmtree(env["CLAUSE_CACHE_DIR"], ignore_errors=True)
        a.append(run_once(command, env))
        b.append(run_once(REFERENCE, env))
    cells = []
    for i, what in ((1, "cpu"), (0, "wall")):
        ratio = median([x[i] / y[i] for x, y in zip(a, b, strict=True) if y[i] > 0])
        mine, reference = median([x[i] for x in a]) * 1000, median([y[i] for y in b]) * 1000
        cells.append(f"{what} {mine:7.1f} ms vs {reference:5.1f} ms = {ratio:5.1f}x")
    print(f"  {label:<34} {'   '.join(cells)}   ({runs} pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="pairs with a warm cache (cold: a fifth)")
    args = parser.parse_args()
    clause = [*clause_command(), *EVAL]
    slow = max(1, args.runs // 5)
    with tempfile.TemporaryDirectory() as scratch:
        as_is = {**os.environ, "CLAUSE_CACHE_DIR": os.path.join(scratch, "cache")}
        as_is.pop("CLAUSE_NO_CACHE", None)
        compiled = {**as_is, "PYTHONPYCACHEPREFIX": os.path.join(scratch, "bytecode"),
                    "CLAUSE_CACHE_DIR": os.path.join(scratch, "cache-compiled")}
        compiled.pop("PYTHONDONTWRITEBYTECODE", None)
        print(f"clause eval {' '.join(EVAL[1:3])} (whole processes) against python -c pass; "
              f"goal: warm within {GOAL}x, at most {BOUND}x")
        for title, env in (("as this Python runs it", as_is), ("with compiled bytecode kept", compiled)):
            print(f"{title} (bytecode written: {'no' if env.get('PYTHONDONTWRITEBYTECODE') else 'yes'}):")
            run_once(clause, env)  # fills the cache (and the bytecode)
            paired("warm cache", clause, env, args.runs)
            paired("cold: an empty cache each run", clause, env, slow, fresh_cache=True)
            paired("cache turned off (--no-cache)", [*clause_command(), "--no-cache", *EVAL], env, slow)


if __name__ == "__main__":
    main()
