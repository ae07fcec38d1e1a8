"""``clause simulate``: the whole event engine over many generated price paths.

Each path replaces the scenario's market series with prices drawn by a model (``models.py``,
the models of ``clause sweep``), runs the scenario exactly as ``clause run`` does (its events,
its rules, every clause), and keeps the path's outcomes: the scenario's declared ``outcomes``
(values at the end, each holder's values after every change of state, the first date a
condition holds), the flags raised and the obligations owed. A run that fails is kept as its
first message.

Path ``i`` draws from its own random stream, so its outcomes are the same whether it is run
alone, with others in one process, on a process pool or on a Dask cluster; outcomes are merged
in path order, and the JSON written is the same byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import math
import pickle
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from ..deferred import replace
from ..diagnostics import ClauseError
from ..display import plain
from ..evaluate.evaluator import EvaluationError, Evaluator
from ..evaluate.market import MarketData
from ..evaluate.paths import column_of
from ..link.program import SERIES, Formula
from ..rational import Fraction
from ..run.engine import RunResult, run_environment, run_scenario
from ..run.rules import Outcomes
from ..run.scenario import Scenario
from ..terminal import unescaped
from ..types import PartyMap, Quantity, Type
from .models import simulated


@dataclass(frozen=True)
class ModelOptions:
    """How paths are drawn: the options of ``clause sweep --paths`` (see ``docs/sweep.md``)."""

    model: str
    seed: int = 0
    simulate_from: dt.date | None = None
    drift: float = 0.0
    volatility: float | None = None
    start_price: float | None = None


@dataclass
class Simulation:
    """What every worker needs, shipped once to each: the loaded scenario (its checked
    contracts), the model options and the market columns drawn."""

    scenario: Scenario
    options: ModelOptions
    columns: list[str]


def prepare(scenario: Scenario, options: ModelOptions) -> Simulation:
    """Check that ``scenario`` can be simulated under ``options``: market data to continue,
    series to draw, and days to draw before its ``as_of``."""
    market = scenario.market
    if market is None:
        raise ClauseError(f"{scenario.path}: the scenario has no market data (market: FILE.csv) for the "
                          "paths to continue")
    columns = list(dict.fromkeys(column_of(t) for p in scenario.programs for t in p.terms.values()
                                 if t.kind == SERIES and column_of(t) in market.columns))
    if not columns:
        raise ClauseError(f"{scenario.path}: its contracts read no series of {market.path}: there is "
                          "nothing to simulate")
    start = options.simulate_from
    if start is None and market.dates and market.dates[-1] >= scenario.as_of:
        raise ClauseError(f"{market.path} runs through {market.dates[-1].isoformat()}, past the run's end "
                          f"({scenario.as_of.isoformat()}): give --simulate-from DATE, the first day drawn")
    if start is not None and start > scenario.as_of:
        raise ClauseError(f"--simulate-from {start.isoformat()} is after the run's end "
                          f"({scenario.as_of.isoformat()}): nothing would be drawn")
    simulation = Simulation(scenario, options, columns)
    path_market(simulation, 0)  # a model that cannot start fails here, once, not on every path
    return simulation


def path_market(simulation: Simulation, path: int) -> MarketData:
    """The scenario's market data with path ``path``'s prices from the first day drawn: the days
    before are the history's; each day drawn is a trading day of the exchange, its price the
    model's float read exactly (as ``clause sweep`` reads it). A series the contracts do not read
    keeps only its history."""
    scenario, options = simulation.scenario, simulation.options
    history = scenario.market
    assert history is not None
    drawn = simulated(history, simulation.columns, scenario.programs[0], options.model, 1, options.seed,
                      options.simulate_from, scenario.as_of, options.drift, options.volatility,
                      options.start_price, first_path=path)
    kept_days = sum(1 for d in history.dates if options.simulate_from is None or d < options.simulate_from)
    first = drawn.dates[kept_days]  # the first day drawn
    columns = {}
    for name, values in history.columns.items():
        kept = {d: v for d, v in values.items() if d < first}
        if name in drawn.series:
            row = drawn.series[name][0]
            kept.update((d, Fraction(float(row[i]))) for i, d in enumerate(drawn.dates) if d >= first)
        columns[name] = kept
    return MarketData(f"{history.path} (path {path})", drawn.dates, columns)


def run_path(simulation: Simulation, path: int) -> dict[str, Any]:
    """Path ``path`` run through the whole engine, as its outcomes (or its first error)."""
    scenario = replace(simulation.scenario, market=path_market(simulation, path))
    try:
        result = run_scenario(scenario)
        return {"path": path, **outcomes(result, scenario.outcomes)}
    except ClauseError as exc:
        return {"path": path, "error": exc.lines()[0]}


def outcomes(result: RunResult, declared: Outcomes | None) -> dict[str, Any]:
    """What a run gives a simulation: declared values, holders' values (final and highest) and
    first dates; the first date each flag was raised; what each obligation came to."""
    found: dict[str, Any] = {}
    if declared is not None and (declared.values or declared.holders or declared.first):
        found.update(_declared(result, declared))
    else:
        found["values"] = {name: plain(value, result.types[name]) for name, value in result.state.items()
                           if isinstance(result.types[name], Quantity)}
    flags: dict[str, str] = {}
    for change in result.flags:
        key = f"{change.name}[{change.party}]" if change.party is not None else change.name
        if change.raised:
            flags.setdefault(key, change.date.isoformat())
    found["flags"] = flags
    owed: dict[str, dict[str, Any]] = {}
    for obligation in result.obligations:
        entry = owed.setdefault(obligation.what, {"count": 0, "open": 0, "unit": None, "amount": Fraction(0),
                                                  "settled": Fraction(0)})
        entry["count"] += 1
        entry["open"] += obligation.settled is None
        if obligation.amount is not None:
            entry["unit"] = str(obligation.type)
            entry["amount"] += obligation.amount
            entry["settled"] += obligation.amount - (obligation.outstanding or 0)
    for entry in owed.values():
        for key in ("amount", "settled"):
            entry[key] = plain(entry[key], Type()) if entry["unit"] else None
    found["obligations"] = owed
    return found


def _declared(result: RunResult, declared: Outcomes) -> dict[str, Any]:
    program, scenario = declared.program, result.scenario
    parties = list(scenario.holders)

    def reader(seen: dict[str, Any]) -> Callable[[Formula, str | None], Any]:
        evaluator = Evaluator(program, run_environment(scenario, program, seen, {}))

        def read(formula: Formula, party: str | None) -> Any:
            bindings = ((declared.for_each, party),) if party is not None and declared.for_each else ()
            try:
                return evaluator.formula_value(formula, bindings=bindings)
            except EvaluationError as exc:
                raise exc.located(" (reading the scenario's outcomes)") from None
        return read

    highest: dict[str, dict[str, Any]] = {label: {} for label in declared.holders}
    final: dict[str, dict[str, Any]] = {label: {} for label in declared.holders}
    first: dict[str, str | None] = dict.fromkeys(declared.first)
    for day, seen in _changes(result):
        read = reader(seen)
        for label, formula in declared.holders.items():
            for party in parties:
                value = read(formula, party)
                final[label][party] = value
                if party not in highest[label] or value > highest[label][party]:
                    highest[label][party] = value
        for label, formula in declared.first.items():
            if first[label] is None and read(formula, None):
                first[label] = day.isoformat()
    end = reader(result.timeline[-1][1] if result.timeline else dict(result.state))
    types = declared.types
    return {
        "values": {label: plain(end(f, None), types[label]) for label, f in declared.values.items()},
        "holders": {label: {party: {"final": plain(final[label][party], types[label]),
                                    "highest": plain(highest[label][party], types[label])}
                            for party in parties} for label in declared.holders},
        "first": first,
    }


def _changes(result: RunResult) -> Iterator[tuple[dt.date, dict[str, Any]]]:
    """The state (with what is owed) after each occurrence that changed it, with its date."""
    last: dict[str, Any] | None = None
    for occurrence, seen in result.timeline:
        if seen is not last:  # the engine hands on one dict until the state changes
            last = seen
            yield occurrence.date, seen


def run_paths(simulation: Simulation, paths: range) -> list[dict[str, Any]]:
    """The outcomes of ``paths``, in order, in this process."""
    return [run_path(simulation, path) for path in paths]


#: In a worker: the simulation it was sent, unpickled once, by the digest of its bytes.
_SHIPPED: dict[bytes, Simulation] = {}


def _receive(payload: bytes) -> Simulation:
    key = hashlib.sha256(payload).digest()
    if key not in _SHIPPED:
        _SHIPPED.clear()  # a worker keeps one simulation: the one it is working on
        _SHIPPED[key] = pickle.loads(payload)
    return _SHIPPED[key]


def _run_shipped(paths: range, payload: bytes | None = None) -> list[dict[str, Any]]:
    """``run_paths`` in a worker, of the simulation sent with ``payload`` (or received before)."""
    simulation = _receive(payload) if payload is not None else next(iter(_SHIPPED.values()))
    return run_paths(simulation, paths)


def chunks(count: int, parts: int) -> list[range]:
    """``range(count)`` cut into about ``parts`` consecutive ranges (a worker's share, taken a piece
    at a time so that the progress bar moves and a slow piece does not hold the others up)."""
    size = max(1, math.ceil(count / max(1, parts)))
    return [range(start, min(count, start + size)) for start in range(0, count, size)]


def simulate(simulation: Simulation, count: int, workers: int = 1, scheduler: str | None = None,
             progress: bool = False) -> list[dict[str, Any]]:
    """The outcomes of paths 0 to ``count`` - 1, in path order: in this process, on a pool of
    ``workers`` processes, or on the Dask cluster at ``scheduler``; the same whichever. With
    ``progress``, a bar on standard error."""
    bar = None
    if progress:
        tqdm: Any = importlib.import_module("tqdm")  # no type stubs
        bar = tqdm.tqdm(total=count, unit="path", file=unescaped(sys.stderr), desc="simulate")
    done: dict[int, list[dict[str, Any]]] = {}

    def finished(piece: range, found: list[dict[str, Any]]) -> None:
        done[piece.start] = found
        if bar is not None:
            bar.update(len(piece))

    try:
        if scheduler is not None:
            _on_dask(simulation, chunks(count, 64), scheduler, finished)
        elif workers > 1:
            pieces = chunks(count, workers * 8)
            with ProcessPoolExecutor(workers, initializer=_receive,
                                     initargs=(pickle.dumps(simulation),)) as pool:
                running = {pool.submit(_run_shipped, piece): piece for piece in pieces}
                for future in as_completed(running):
                    finished(running[future], future.result())
        else:
            for piece in chunks(count, max(1, count // 10)):
                finished(piece, run_paths(simulation, piece))
    finally:
        if bar is not None:
            bar.close()
    return [outcome for start in sorted(done) for outcome in done[start]]


def _on_dask(simulation: Simulation, pieces: list[range], scheduler: str,
             finished: Callable[[range, list[dict[str, Any]]], None]) -> None:
    """Run the pieces on the Dask cluster at ``scheduler``, the simulation sent once to each worker."""
    try:
        distributed: Any = importlib.import_module("distributed")  # an optional extra, untyped
    except ImportError:
        raise ClauseError("--scheduler needs Dask: pip install 'clause[dask]'") from None
    try:
        client = distributed.Client(scheduler, timeout=30)
    except (OSError, ValueError, TimeoutError) as exc:
        raise ClauseError(f"--scheduler {scheduler}: cannot reach the Dask scheduler: {exc}") from None
    with client:
        # Its bytes, sent once to each worker (and not hashed as a structure, which takes long).
        shipped = client.scatter(pickle.dumps(simulation), broadcast=True, hash=False)
        futures = {client.submit(_run_shipped, piece, shipped, pure=False): piece for piece in pieces}
        for future in distributed.as_completed(list(futures)):
            finished(futures[future], future.result())


def quantile(values: list[Fraction], percent: float) -> Fraction:
    """The ``percent`` quantile of ``values``, a value of the sample (the inverted CDF)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def holder_types(declared: Outcomes | None) -> dict[str, str]:
    """The unit of each declared value and holders' value, as JSON names it."""
    if declared is None:
        return {}
    return {label: str(t.element if isinstance(t, PartyMap) else t) for label, t in declared.types.items()}
