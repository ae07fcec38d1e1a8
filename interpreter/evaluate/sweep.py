"""``clause sweep``: terms over many price paths and a range of dates, by the vectorised back end.

A sweep gives one date input each trading day from START to END of the market paths in turn
(``--over notice_date=1999-08-02..1999-12-31``) and evaluates the terms asked for on every
path for each, as one array of shape (paths, dates swept) a term. The paths come from files
(``--market-paths``, ``--market-dates``) or from a model (``--paths N --model gbm``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

from ..check.dependencies import reachable
from ..diagnostics import ClauseError, Diagnostic, close_match
from ..link.program import SERIES, Program, Term
from ..syntax.literals import parse_date
from ..types import DATE
from .evaluator import Environment
from .inputs import environment, not_before_issue
from .paths import PathMarket, column_of, load_paths
from .vector import VectorEvaluator, series_read, uses

_NAMED = re.compile(r"([a-z_][a-z0-9_]*)=(.+)")


@dataclass
class Sweep:
    """The values of each term, (paths, dates swept), and how they were obtained."""

    over: str
    days: list[dt.date]
    terms: list[Term]
    values: dict[str, np.ndarray]
    recomputed: dict[str, int]
    market: PathMarket


@dataclass
class SweepRequest:
    """What ``clause sweep`` was asked: the contract, terms, the date swept and where paths come from."""

    contract: str
    terms: list[str]
    over: str
    given: list[tuple[str, str]] = field(default_factory=list)
    readings: list[tuple[str, str]] = field(default_factory=list)
    market_paths: list[str] = field(default_factory=list)
    market_dates: str | None = None
    paths: int | None = None
    model: str | None = None
    seed: int = 0
    market: str | None = None
    simulate_from: str | None = None
    drift: float = 0.0
    volatility: float | None = None
    start_price: float | None = None


def parse_over(text: str) -> tuple[str, dt.date, dt.date]:
    """``NAME=START..END`` as the name and the two dates."""
    name, sep, span = text.partition("=")
    start, dots, end = span.partition("..")
    if not sep or not dots or not name.strip():
        raise ClauseError(f"--over {text}: write NAME=START..END, such as "
                          "notice_date=1999-08-02..1999-12-31")
    try:
        first, last = parse_date(start), parse_date(end)
    except ValueError as exc:
        raise ClauseError(f"--over {text}: {exc}") from None
    if last < first:
        raise ClauseError(f"--over {text}: {last.isoformat()} is before {first.isoformat()}")
    return name.strip(), first, last


def swept_term(program: Program, name: str, env: Environment) -> Term:
    """The date term a sweep varies: it must exist, be a date, and not be given otherwise."""
    term = program.terms.get(name)
    if term is None:
        raise ClauseError(f"--over {name}: unknown term {name!r} in {program.path}"
                          f"{close_match(name, program.terms)}")
    if term.type != DATE or term.kind == SERIES:
        raise ClauseError(f"--over {name}: {name} is {term.type}; a sweep varies a date")
    if name in env.given:
        raise ClauseError(f"--over {name}: {name} is also given with --set; give it one way")
    return term


def checked_terms(program: Program, env: Environment, names: list[str], over: str) -> list[Term]:
    """The terms asked for: each must exist and depend on the date swept."""
    terms = []
    swept_term(program, over, env)
    graph = uses(program, env, set(env.given) | {over})
    for name in names:
        if name not in program.terms:
            raise ClauseError(f"unknown term {name!r} in {program.path}{close_match(name, program.terms)}")
        if over not in reachable(name, graph):
            raise ClauseError(f"{name} does not depend on {over}, so sweeping it changes nothing")
        terms.append(program.terms[name])
    return terms


def sweep(program: Program, env: Environment, market: PathMarket, over: str, start: dt.date,
          end: dt.date, names: list[str]) -> Sweep:
    """Evaluate ``names`` on every path for each trading day of ``market`` from ``start`` to
    ``end`` given as ``over``."""
    terms = checked_terms(program, env, names, over)
    first, last = market.dates[0], market.dates[-1]
    if start < first or end > last:
        raise ClauseError(f"--over {over}={start.isoformat()}..{end.isoformat()}: the market paths "
                          f"run from {first.isoformat()} to {last.isoformat()}")
    columns = [i for i, day in enumerate(market.dates) if start <= day <= end]
    if not columns:
        raise ClauseError(f"--over {over}: no trading day of the market paths from {start.isoformat()} "
                          f"to {end.isoformat()}")
    days = [market.dates[i] for i in columns]
    try:  # the first date swept is refused as clause eval would refuse it given with --set
        not_before_issue(program, Environment(given={**env.given, over: days[0]}, choices=env.choices))
    except ClauseError as exc:
        raise ClauseError(f"--over {over}: {exc.message.partition(': ')[2]}") from None
    evaluator = VectorEvaluator(program, env, market, over, columns)
    values = evaluator.evaluate(names)
    return Sweep(over, days, terms, values, evaluator.recomputed, market)


def market_files(program: Program, specs: list[str], read: list[Term]) -> dict[str, str]:
    """Each market column's .npy file, from ``[COLUMN=]FILE`` texts; every series the terms
    ``read`` must have one."""
    columns = {column_of(t) for t in program.terms.values() if t.kind == SERIES}
    wanted = list(dict.fromkeys(column_of(t) for t in read))
    files: dict[str, str] = {}
    for spec in specs:
        match = _NAMED.fullmatch(spec)
        if match:
            column, path = match[1], match[2]
            if column not in columns:
                raise ClauseError(f"--market-paths {spec}: {program.path} has no market series "
                                  f"{column!r} (series: {', '.join(sorted(columns)) or 'none'})")
        elif len(wanted) == 1:
            column, path = wanted[0], spec
        else:
            reads = f"{len(wanted)} market series ({', '.join(wanted)})" if wanted else "no market series"
            raise ClauseError(f"--market-paths {spec}: the terms read {reads}; name the one this file "
                              f"holds: --market-paths SERIES={spec}")
        if column in files:
            raise ClauseError(f"--market-paths {spec}: {column} is given twice")
        files[column] = path
    for column in wanted:
        if column not in files:
            raise ClauseError(f"the terms read the market series {column}: give its paths with "
                              f"--market-paths {column}=PATHS.npy")
    return files


def sweep_command(request: SweepRequest) -> tuple[Sweep, list[Diagnostic]]:
    """Load the contract, make or read the paths, and sweep; returns the sweep and warnings."""
    from ..pipeline import load_checked

    program = load_checked(request.contract)
    over, start, end = parse_over(request.over)
    env = environment(program, request.given, request.readings)
    checked_terms(program, env, request.terms, over)
    read = series_read(program, env, request.terms, over)
    if request.market_paths:
        assert request.market_dates is not None
        market = load_paths(market_files(program, request.market_paths, read), request.market_dates, program)
    else:
        from ..simulate.models import simulated

        assert request.market is not None and request.model is not None and request.paths is not None
        history = environment(program, [], [], request.market).market
        assert history is not None
        try:
            begin = parse_date(request.simulate_from) if request.simulate_from else None
        except ValueError as exc:
            raise ClauseError(f"--simulate-from: {exc}") from None
        market = simulated(history, list(dict.fromkeys(column_of(t) for t in read)), program,
                           request.model, request.paths, request.seed, begin, end, request.drift,
                           request.volatility, request.start_price)
        market.warnings = history.warnings
    return sweep(program, env, market, over, start, end, request.terms), market.warnings
