"""The vectorised back end: one term over many price paths and many dates at once, with numpy.

It reads the same checked program as the exact evaluator and evaluates a term on a grid of
paths × dates: the dates are the values one date input is swept over, the paths the rows of
each market series. Each part of a formula is evaluated where it belongs:

- a part that no market series reaches is the same on every path, so it is computed exactly,
  once per date, by the exact evaluator (with the swept date and any bound names given);
- a part a series reaches is computed over arrays in binary floating point, carrying a bound
  on its error (each correctly rounded operation errs by at most one unit roundoff of its
  result, and the bounds add up as the operations do);
- where that error could move a result the document makes exact (a rounding near its step,
  a comparison near equality, in ``lesser_of``, ``greater_of`` or ``if``), or where an element
  fails (a window past the data, a division by zero), the element is flagged, and at the end
  each flagged element is recomputed exactly by the exact evaluator, whose value or error
  stands. So rounded results (share counts) equal the exact engine's on every path-day, and
  the others (money) are within their error bound, far inside a cent.

Conditionals, ``and`` and ``or`` stay lazy: a branch is evaluated only on the elements that
take it (whole dates when the condition is exact, paths within a date when it is not), so a
branch that would fail where it is not taken, as the exact evaluator never evaluates it, is not
evaluated there either. A construct the arrays cannot carry (an accrual ``total ... for each``
over a term that varies by path, say) is reported as ``VectorUnsupported``, naming it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import numpy as np

from ..calendar import BusinessCalendar, TradingCalendar
from ..check.dependencies import Graph, reachable
from ..diagnostics import ClauseError
from ..link.program import INTERPRETATION, SERIES, STATE, Formula, Program, Term
from ..rational import Fraction
from ..syntax import ast
from ..types import BOOLEAN, DATE, DURATIONS, PartyMap, Quantity, Type
from .evaluator import Environment, EvaluationError, Evaluator
from .market import MarketData
from .paths import PathMarket

#: The unit roundoff of float64: a correctly rounded operation errs by at most this, relatively.
EPS = 2.0 ** -53
#: Every error bound is widened by this factor before it is trusted near a boundary.
SAFETY = 4.0
#: A quantity whose error bound exceeds this (in its unit: a tenth of a cent of money) is
#: recomputed exactly everywhere rather than reported approximately.
TOLERANCE = 1e-3
#: Paths × dates evaluated at once: large enough that numpy, not Python, does the work, small
#: enough that a window of ten values per element stays well inside memory.
CHUNK_ELEMENTS = 1 << 20
#: Elements a selection network works on at once, so that its arrays stay in cache.
BLOCK_ELEMENTS = 1 << 14
#: Windows up to this long select their lowest or highest with a sorting network.
NETWORK_MAX = 48


class VectorUnsupported(Exception):
    """A construct the vectorised back end cannot evaluate over paths, where it is written."""

    def __init__(self, construct: str, term: Term | None, formula: Formula | None,
                 span: tuple[int, int] | None) -> None:
        super().__init__(construct)
        self.construct = construct
        self.term = term
        self.formula = formula
        self.span = span

    def located(self, requested: str) -> ClauseError:
        """The failure as the user sees it, naming the term asked for and the one that has it."""
        inside = f" (in {self.term.name})" if self.term and self.term.name != requested else ""
        message = f"{requested}: the vectorised back end cannot evaluate {self.construct}{inside}"
        if self.formula is not None and self.span is not None:
            return ClauseError(message, [self.formula.diagnostic(self.span[0], message)])
        return ClauseError(message)


# -- values on a grid ---------------------------------------------------------
#
# Every value knows the sweep columns it covers (``cols``, ascending); a value computed on a
# grid is read on a grid of fewer columns (a branch) by taking those columns.


@dataclass(eq=False)
class _Grid:
    """The elements evaluated: sweep columns, and which paths of each are active (None: all)."""

    cols: np.ndarray
    active: np.ndarray | None


@dataclass(eq=False)
class _Exact:
    """The same on every path: one exact value per column (None where the exact evaluator
    failed; those elements are flagged)."""

    cols: np.ndarray
    values: list[Any]


def _grown(rel: float, roundings: int = 1) -> float:
    """A relative error after ``roundings`` more correctly rounded operations."""
    return (1 + rel) * (1 + EPS) ** roundings - 1 if rel < math.inf else math.inf


@dataclass(frozen=True)
class _Bound:
    """How far float values may be from the exact ones: by at most ``err``, and by at most
    ``rel`` of the exact value (inf: not known); every value is at most ``mag`` in size, and
    ``sign`` is 1 when none is negative, -1 when none is positive, 0 when either may be."""

    err: float = 0.0
    mag: float = 0.0
    rel: float = 0.0
    sign: int = 0

    def plus(self, other: _Bound) -> _Bound:
        """The bound of a sum: relative while both sides have one sign (no cancellation)."""
        mag = self.mag + other.mag
        same = self.sign == other.sign != 0
        if self.rel == other.rel == 0:
            rel = EPS  # exact operands: the one rounding of the sum
        else:
            rel = _grown(max(self.rel, other.rel)) if same else math.inf
        return _Bound(self.err + other.err + EPS * mag, mag, rel, self.sign if same else 0)

    def times(self, other: _Bound) -> _Bound:
        mag = self.mag * other.mag
        err = self.mag * other.err + other.mag * self.err + self.err * other.err + EPS * mag
        return _Bound(err, mag, _grown(self.rel + other.rel + self.rel * other.rel), self.sign * other.sign)

    def over(self, other: _Bound, low: float) -> _Bound:
        """The bound of a quotient whose divisor is at least ``low`` in size."""
        rel = _grown((1 + self.rel) / (1 - other.rel) - 1) if other.rel < 1 else math.inf
        if low == math.inf:  # nothing divided
            return _Bound(0.0, 0.0, rel, self.sign * other.sign)
        mag = self.mag / low
        err = (math.inf if low <= other.err
               else (self.err + mag * other.err) / (low - other.err) + EPS * mag)
        return _Bound(err, mag, rel, self.sign * other.sign)

    def either(self, other: _Bound) -> _Bound:
        """The bound of values each taken from one of two (a branch, the lesser of two)."""
        return _Bound(max(self.err, other.err), max(self.mag, other.mag), max(self.rel, other.rel),
                      self.sign if self.sign == other.sign else 0)

    def total(self, count: int) -> _Bound:
        """The bound of the sum of ``count`` values of this bound."""
        mag = count * self.mag
        err = count * self.err + EPS * max(count - 1, 0) * mag
        rel = _grown(self.rel, count - 1) if self.sign or count == 1 else math.inf
        return _Bound(err, mag, rel, self.sign)

    def divided(self, count: int) -> _Bound:
        """The bound after division by a whole number (an average's)."""
        return _Bound(self.err / count + EPS * self.mag / count, self.mag / count, _grown(self.rel),
                      self.sign)

    def negated(self) -> _Bound:
        return _Bound(self.err, self.mag, self.rel, -self.sign)

    def absolute(self) -> _Bound:
        return _Bound(self.err, self.mag, self.rel, 1)

    def within(self, values: np.ndarray) -> Any:
        """The error bound of each value: the absolute one, or the relative one where tighter."""
        if self.rel >= 0.5:
            return self.err
        return np.minimum(self.err, self.rel / (1 - self.rel) * np.abs(values))


#: The bound of values read from the data or counted: exact.
_EXACT = _Bound()


@dataclass(eq=False)
class _Num:
    """A quantity by path and column, within ``bound`` of the exact values."""

    cols: np.ndarray
    a: np.ndarray
    bound: _Bound


@dataclass(eq=False)
class _Flags:
    """A boolean by path and column."""

    cols: np.ndarray
    a: np.ndarray


@dataclass(eq=False)
class _Days:
    """A date by path and column, as proleptic Gregorian ordinals."""

    cols: np.ndarray
    a: np.ndarray


@dataclass(eq=False)
class _Paths:
    """A whole market series: (paths, trading days), exact (within ``bound``: its size and sign)."""

    name: str
    a: np.ndarray
    bound: _Bound


@dataclass(eq=False)
class _Listed:
    """A list of values (a window, the lowest of one), each item by path and column."""

    cols: np.ndarray
    items: list[np.ndarray]
    bound: _Bound


_Value = _Exact | _Num | _Flags | _Days | _Paths | _Listed
_Bindings = dict[str, _Value]


def _take(value: _Value, grid: _Grid) -> _Value:
    """``value`` on the columns of ``grid`` (a subset of its own)."""
    if isinstance(value, _Paths) or value.cols is grid.cols:
        return value
    pos = np.searchsorted(value.cols, grid.cols)
    if isinstance(value, _Exact):
        return _Exact(grid.cols, [value.values[i] for i in pos])
    if isinstance(value, _Num):
        return _Num(grid.cols, value.a[:, pos], value.bound)
    if isinstance(value, _Listed):
        return _Listed(grid.cols, [item[:, pos] for item in value.items], value.bound)
    if isinstance(value, _Flags):
        return _Flags(grid.cols, value.a[:, pos])
    return _Days(grid.cols, value.a[:, pos])


#: The ordinal standing for a date the exact evaluator failed to give (its elements are flagged).
_NO_DAY = 0


def _ordinals(days: list[dt.date]) -> np.ndarray:
    return np.array([d.toordinal() for d in days], dtype=np.int64)


def _date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(int(ordinal))


# -- the dependency graph ---------------------------------------------------------------


def _formula_of(term: Term, env: Environment) -> Formula | None:
    """The formula a term is evaluated by: its own, or its chosen reading's."""
    if term.kind == INTERPRETATION:
        return term.choices[env.choices.get(term.name, term.default_choice or "")].formula
    return term.formula


def _names(node: ast.Node, program: Program) -> Iterator[str]:
    """The terms a formula reads, as the checker counts them."""
    return (name for name in ast.names_read(node) if name in program.terms)


def uses(program: Program, env: Environment, fixed: set[str]) -> Graph:
    """Which term reads which, under the readings chosen; a ``fixed`` term (given) reads none."""
    graph: Graph = {}
    for term in program.terms.values():
        formula = None if term.name in fixed else _formula_of(term, env)
        graph[term.name] = set(_names(formula.node, program)) if formula else set()
    return graph


def series_read(program: Program, env: Environment, names: list[str], over: str) -> list[Term]:
    """The market series the terms ``names`` may read with ``over`` swept, in file order."""
    graph = uses(program, env, set(env.given) | {over})
    reached = set(names).union(*(reachable(name, graph) for name in names))
    return [t for t in program.terms.values() if t.kind == SERIES and t.name in reached]


def _reaching(graph: Graph, sources: set[str]) -> set[str]:
    """Every name from which one of ``sources`` is reachable, the sources included."""
    users: Graph = {"": set(sources)}  # "" names no term: a start from which every source is used
    for name, used in graph.items():
        for other in used:
            users.setdefault(other, set()).add(name)
    return reachable("", users)


# -- selection networks -------------------------------------------------------------


@cache
def _network(n: int, keep: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Batcher's odd-even merge sort on ``n`` items, keeping only the comparators the outputs
    ``keep`` depend on: each (i, j) puts the lesser of items i and j at i."""
    size = 1
    while size < n:
        size *= 2
    pairs: list[tuple[int, int]] = []
    p = 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    if (i + j) // (2 * p) == (i + j + k) // (2 * p) and i + j + k < n:
                        pairs.append((i + j, i + j + k))
            k //= 2
        p *= 2
    needed = set(keep)
    kept = []
    for i, j in reversed(pairs):
        if i in needed or j in needed:
            kept.append((i, j))
            needed |= {i, j}
    return tuple(reversed(kept))


def _select(items: list[np.ndarray], k: int, highest: bool) -> list[np.ndarray]:
    """The ``k`` lowest items elementwise, ascending (or the highest, descending)."""
    n = len(items)
    order = list(range(n - 1, n - 1 - k, -1)) if highest else list(range(k))
    if n > NETWORK_MAX:
        ranked = np.sort(np.stack(items, axis=-1), axis=-1)
        return [ranked[..., i] for i in order]
    rows, cols = items[0].shape
    out = [np.empty((rows, cols)) for _ in order]
    pairs = _network(n, tuple(order))
    block = max(1, BLOCK_ELEMENTS // max(cols, 1))
    spare = np.empty((block, cols))
    for start in range(0, rows, block):
        part = [np.array(item[start:start + block]) for item in items]
        scratch = spare[:part[0].shape[0]]
        for i, j in pairs:  # in place: the lesser to i, the greater to j
            np.minimum(part[i], part[j], out=scratch)
            np.maximum(part[i], part[j], out=part[j])
            part[i], scratch = scratch, part[i]
        for target, i in zip(out, order, strict=True):
            target[start:start + block] = part[i]
    return out


# -- the evaluator ------------------------------------------------------------------


class VectorEvaluator:
    """Evaluates terms of one checked program over paths × swept dates.

    ``env`` holds the given values and readings (as for the exact evaluator, without market
    data); ``over`` is the date term swept, ``columns`` the positions in ``market.dates`` of
    the dates it takes. ``evaluate`` returns one (paths, dates) array per term.
    """

    def __init__(self, program: Program, env: Environment, market: PathMarket, over: str,
                 columns: list[int]) -> None:
        self.program = program
        self.env = env
        self.market = market
        self.over = over
        self.days = [market.dates[i] for i in columns]
        self.graph = uses(program, env, set(env.given) | {over})
        series = {t.name for t in program.terms.values() if t.kind == SERIES}
        self._varying = _reaching(self.graph, series)
        self._reach: dict[str, set[str]] = {}
        self._dates = _ordinals(market.dates)
        self._business = BusinessCalendar(program.business_holidays)
        exchange = BusinessCalendar([program.exchange]) if program.exchange else None
        self._trading = TradingCalendar(market.dates, exchange, market.source)
        self._missing: np.ndarray | None = None  # exchange days the data lacks, within a year of it
        self._reach_from = self._reach_to = 0
        self._calendar_market = MarketData(market.source, market.dates, {c: {} for c in market.series})
        self._evaluators: dict[tuple[int, tuple[tuple[str, Any], ...]], Evaluator] = {}
        self._exact_values: dict[tuple[Any, ...], dict[int, Any]] = {}
        self._exact_columns: dict[tuple[Any, ...], tuple[list[Any], np.ndarray]] = {}
        self._prefixes: dict[tuple[int, int], ast.Arithmetic] = {}
        self._varies_cache: dict[tuple[int, frozenset[str], frozenset[str]], bool] = {}
        #: How many elements of each term were recomputed exactly.
        self.recomputed: dict[str, int] = {}
        self._collect: list[list[np.ndarray]] = [[]]  # flagged elements, a list per term being evaluated

    # -- driving -----------------------------------------------------------------

    def reads(self, name: str) -> set[str]:
        """Every term ``name`` reads, directly or not, under the readings chosen."""
        if name not in self._reach:
            self._reach[name] = reachable(name, self.graph)
        return self._reach[name]

    def evaluate(self, names: list[str]) -> dict[str, np.ndarray]:
        """Each term's values as a (paths, dates) array: float64 for quantities,
        datetime64[D] for dates, bool for booleans."""
        for name in names:
            _output_dtype(self.program.terms[name])  # refuse an unsweepable type before any work
        paths, width = self.market.paths, len(self.days)
        out = {name: np.empty((paths, width), dtype=_output_dtype(self.program.terms[name]))
               for name in names}
        flagged: dict[str, list[np.ndarray]] = {name: [] for name in names}
        rows = max(1, min(paths, CHUNK_ELEMENTS // max(width, 1)))
        everything = np.arange(width)
        for first in range(0, paths, rows):
            self._start_chunk(first, min(paths, first + rows))
            grid = _Grid(everything, None)
            for name in names:
                self._collect = [[]]
                try:
                    value = self._term(name, grid, {})
                except VectorUnsupported as exc:
                    raise exc.located(name) from None
                out[name][first:first + rows] = self._output(value, self.program.terms[name], grid)
                flagged[name].extend(self._collect[0])
        for name in names:
            flats = np.unique(np.concatenate(flagged[name])) if flagged[name] else np.array([], int)
            self.recomputed[name] = len(flats)
            self._recompute(name, flats, out[name])
        return out

    def _start_chunk(self, first: int, last: int) -> None:
        self._row0 = first
        self._rows = last - first
        self._series = {c: a[first:last] for c, a in self.market.series.items()}
        self._memo: dict[tuple[Any, ...], tuple[_Value, list[np.ndarray], _Grid]] = {}
        self._paths: dict[str, _Paths] = {}
        self._where: list[tuple[Term, Formula]] = []
        self._collect = [[]]

    def _output(self, value: _Value, term: Term, grid: _Grid) -> np.ndarray:
        """A term's value as the array written out; flags elements too inexact to report."""
        shape = (self._rows, len(grid.cols))
        if isinstance(value, _Exact):
            if term.type == DATE:
                days = np.array([v.toordinal() if v is not None else _NO_DAY for v in value.values])
                return np.broadcast_to(_datetimes(days), shape)
            if term.type == BOOLEAN:
                return np.broadcast_to(np.array([bool(v) for v in value.values]), shape)
            return np.broadcast_to(np.array([math.nan if v is None else float(v)
                                             for v in value.values]), shape)
        if isinstance(value, _Days):
            return _datetimes(value.a)
        if isinstance(value, _Flags):
            return value.a
        assert isinstance(value, _Num)
        if value.bound.err * SAFETY > TOLERANCE:
            self._flag(grid, SAFETY * value.bound.within(value.a) > TOLERANCE)
        return value.a

    def _recompute(self, name: str, flats: np.ndarray, out: np.ndarray) -> None:
        """Each flagged element of ``name`` by the exact evaluator: its value, or its error."""
        width = len(self.days)
        term = self.program.terms[name]
        path_market: tuple[int, MarketData] | None = None
        for flat in flats:
            path, col = divmod(int(flat), width)
            if path_market is None or path_market[0] != path:
                path_market = (path, self._exact_market(path))
            given = {**self.env.given, self.over: self.days[col]}
            env = Environment(given=given, choices=self.env.choices, market=path_market[1],
                              state=dict(self.env.state))
            try:
                value = Evaluator(self.program, env).value(name)
            except EvaluationError as exc:
                raise exc.located(f" (path {path}, {self.over} = {self.days[col].isoformat()})",
                                  how=lambda t: f"give it with --set {t.name}=VALUE") from None
            if term.type == DATE:
                out[path, col] = np.datetime64(value.isoformat())
            else:
                out[path, col] = bool(value) if term.type == BOOLEAN else float(value)

    def _exact_market(self, path: int) -> MarketData:
        """One path's market data as the exact evaluator reads it: each float exactly."""
        columns = {}
        for column, values in self.market.series.items():
            row = values[path]
            columns[column] = {day: Fraction(float(v)) for day, v in zip(self.market.dates, row, strict=True)
                               if not math.isnan(v)}
        return MarketData(self.market.source, self.market.dates, columns)

    # -- flags ---------------------------------------------------------------------

    def _flag(self, grid: _Grid, mask: Any) -> None:
        """Flag the active elements of ``mask``: (paths, n), or (1, n) or (n,) for whole columns."""
        mask = np.broadcast_to(mask, (self._rows, len(grid.cols)))
        if grid.active is not None:
            mask = mask & grid.active
        if not mask.any():
            return
        rows, pos = np.nonzero(mask)
        self._collect[-1].append((self._row0 + rows) * len(self.days) + grid.cols[pos])

    # -- terms -----------------------------------------------------------------------

    def _varies(self, node: ast.Node, bindings: _Bindings) -> bool:
        """Whether ``node`` can differ from path to path under ``bindings``."""
        varying = frozenset(n for n, v in bindings.items() if not isinstance(v, _Exact))
        exact = frozenset(n for n, v in bindings.items() if isinstance(v, _Exact))
        key = (id(node), varying, exact)
        if key not in self._varies_cache:
            self._varies_cache[key] = any(self._term_varies(name, varying, exact)
                                          for name in _names(node, self.program))
        return self._varies_cache[key]

    def _term_varies(self, name: str, varying: frozenset[str], exact: frozenset[str]) -> bool:
        if name in varying or name in exact:
            return name in varying
        return name in self._varying or bool(varying and self.reads(name) & varying)

    def _term(self, name: str, grid: _Grid, bindings: _Bindings) -> _Value:
        if name in bindings:
            return _take(bindings[name], grid)
        varying = frozenset(n for n, v in bindings.items() if not isinstance(v, _Exact))
        exact = frozenset(bindings) - varying
        if not self._term_varies(name, varying, exact):
            return self._exact(grid, bindings, ("term", name), lambda ev: ev.value(name))
        key = (name, tuple((n, id(v)) for n, v in sorted(bindings.items())), id(grid))
        hit = self._memo.get(key)
        if hit is not None:
            self._collect[-1].extend(hit[1])
            return hit[0]
        term = self.program.terms[name]
        self._collect.append([])
        try:
            value = self._compute(term, grid, bindings)
        finally:
            flags = self._collect.pop()
        self._collect[-1].extend(flags)
        self._memo[key] = (value, flags, grid)
        return value

    def _compute(self, term: Term, grid: _Grid, bindings: _Bindings) -> _Value:
        if term.kind == SERIES:
            column = term.column or term.name
            if column not in self._series:
                given = ", ".join(sorted(self._series)) or "none"
                raise ClauseError(f"{self.market.source} has no series {column!r} for {term.name} "
                                  f"(series given: {given})")
            if column not in self._paths:
                values = self._series[column]
                self._paths[column] = _Paths(term.name, values, _market_bound(values))
            return self._paths[column]
        formula = _formula_of(term, self.env)
        assert formula is not None  # a term without a formula reads nothing, so it never varies
        if term.kind == STATE and isinstance(term.type, PartyMap):
            raise VectorUnsupported("a value by party that varies by path", term, formula, formula.node.span)
        self._where.append((term, formula))
        try:
            return self._eval(formula.node, grid, bindings)
        finally:
            self._where.pop()

    def _unsupported(self, construct: str, node: ast.Node) -> VectorUnsupported:
        term, formula = self._where[-1]
        return VectorUnsupported(construct, term, formula, node.span)

    # -- exact parts -----------------------------------------------------------------

    def _exact(self, grid: _Grid, bindings: _Bindings, what: tuple[Any, ...],
               compute: Callable[[Evaluator], Any]) -> _Exact:
        """A value that is the same on every path, by the exact evaluator, once per column."""
        bound = {n: cast(_Exact, _take(v, grid)) for n, v in bindings.items() if isinstance(v, _Exact)}
        whole = (*what, grid.cols.tobytes())
        if not bound and whole in self._exact_columns:
            known_values, known_failed = self._exact_columns[whole]
            if known_failed.any():
                self._flag(grid, known_failed)
            return _Exact(grid.cols, known_values)
        values: list[Any] = []
        failed = np.zeros(len(grid.cols), dtype=bool)
        for pos, col in enumerate(grid.cols.tolist()):
            given = tuple(sorted((n, v.values[pos]) for n, v in bound.items())) if bound else ()
            if any(v is None for _, v in given):
                values.append(None)
                failed[pos] = True
                continue
            known = self._exact_values.setdefault((*what, _hashable(given)), {})
            if col not in known:
                try:
                    known[col] = compute(self._evaluator(col, given))
                except EvaluationError:
                    known[col] = None
            values.append(known[col])
            failed[pos] = known[col] is None
        if failed.any():
            self._flag(grid, failed)
        if not bound:
            self._exact_columns[whole] = (values, failed)
        return _Exact(grid.cols, values)

    def _evaluator(self, col: int, given: tuple[tuple[str, Any], ...]) -> Evaluator:
        key = (col, _hashable(given))
        if key not in self._evaluators:
            env = Environment(given={**self.env.given, self.over: self.days[col], **dict(given)},
                              choices=self.env.choices, market=self._calendar_market,
                              state=dict(self.env.state))
            self._evaluators[key] = Evaluator(self.program, env)
        return self._evaluators[key]

    # -- expressions -----------------------------------------------------------------

    def _eval(self, node: ast.Node, grid: _Grid, bindings: _Bindings) -> _Value:
        if isinstance(node, ast.Literal):
            return _Exact(grid.cols, [node.value] * len(grid.cols))
        if not self._varies(node, bindings):
            formula = self._where[-1][1]
            return self._exact(grid, bindings, ("node", id(node)),
                               lambda ev: ev.formula_value(formula, node))
        method = _DISPATCH.get(type(node))
        if method is None:  # Literal is never varying; every other kind is listed
            raise self._unsupported(f"`{type(node).__name__}`", node)  # pragma: no cover
        return method(self, node, grid, bindings)

    def _name(self, node: ast.Name, grid: _Grid, bindings: _Bindings) -> _Value:
        return self._term(node.name, grid, bindings)

    def _negate(self, node: ast.Negate, grid: _Grid, bindings: _Bindings) -> _Value:
        value = self._num(self._eval(node.operand, grid, bindings), grid)
        return _Num(grid.cols, -value.a, value.bound.negated())

    def _arithmetic(self, node: ast.Arithmetic, grid: _Grid, bindings: _Bindings) -> _Value:
        lead = 0  # operands the same on every path, from the left: one exact value per column
        while lead < len(node.operands) and not self._varies(node.operands[lead], bindings):
            lead += 1
        if lead >= 2:
            value = self._eval(self._prefix(node, lead), grid, bindings)
        else:
            lead = 1
            value = self._eval(node.operands[0], grid, bindings)
        for i in range(lead - 1, len(node.ops)):
            operand = node.operands[i + 1]
            right = self._eval(operand, grid, bindings)
            left_type, right_type = node.partial_types[i], operand.type
            if left_type == DATE or right_type == DATE:
                value = self._date_arithmetic(node, node.ops[i], (value, left_type), (right, right_type),
                                              grid)
            else:
                value = self._numeric(node.ops[i], self._num(value, grid), self._num(right, grid), grid)
        return value

    def _prefix(self, node: ast.Arithmetic, lead: int) -> ast.Arithmetic:
        """The chain's first ``lead`` operands as a chain of their own (evaluated exactly)."""
        key = (id(node), lead)
        if key not in self._prefixes:
            prefix = ast.Arithmetic((node.span[0], node.operands[lead - 1].span[1]),
                                    node.operands[:lead], node.ops[:lead - 1])
            prefix.partial_types = node.partial_types[:lead]
            prefix.type = node.partial_types[lead - 1]
            self._prefixes[key] = prefix
        return self._prefixes[key]

    def _numeric(self, op: str, x: _Num, y: _Num, grid: _Grid) -> _Num:
        with np.errstate(all="ignore"):
            if op == "+":
                return _Num(grid.cols, x.a + y.a, x.bound.plus(y.bound))
            if op == "-":
                return _Num(grid.cols, x.a - y.a, x.bound.plus(y.bound.negated()))
            if op == "*":
                return _Num(grid.cols, x.a * y.a, x.bound.times(y.bound))
            zero = y.a == 0
            if zero.any():  # the exact evaluator says "division by zero", where it is reached
                self._flag(grid, zero)
            size = np.abs(y.a)
            if grid.active is not None:
                size = np.where(grid.active, size, np.inf)
            low = float(np.min(size, initial=np.inf, where=~zero & ~np.isnan(size)))
            return _Num(grid.cols, x.a / y.a, x.bound.over(y.bound, low))

    def _date_arithmetic(self, node: ast.Node, op: str, left: tuple[_Value, Type | None],
                         right: tuple[_Value, Type | None], grid: _Grid) -> _Value:
        if left[1] == DATE and right[1] == DATE:
            days = self._days(left[0], grid).a - self._days(right[0], grid).a
            return _Num(grid.cols, days.astype(float), _Bound(mag=float(np.max(np.abs(days), initial=0))))
        (day, _), (count, unit) = (left, right) if left[1] == DATE else (right, left)
        assert unit is not None
        steps = self._steps(count, grid)
        if op == "-":
            steps = -steps
        ordinals = self._days(day, grid).a
        calendar = DURATIONS[unit]
        if calendar == "calendar":
            return _Days(grid.cols, np.where(ordinals == _NO_DAY, _NO_DAY, ordinals + steps))
        if calendar == "trading":
            moved, bad = self._trading_add(ordinals, steps)
            self._flag(grid, bad)
            return _Days(grid.cols, moved)
        return _Days(grid.cols, self._each_move(node, ordinals, steps, calendar, grid))

    def _steps(self, count: _Value, grid: _Grid) -> np.ndarray:
        """A number of days or years by path and column; a fraction of one is flagged."""
        if isinstance(count, _Exact):
            whole = np.array([v is not None and v.denominator == 1 for v in count.values])
            values = np.array([int(v) if ok else 0 for v, ok in zip(count.values, whole, strict=True)])
            self._flag(grid, ~whole)
            return values[None, :]
        number = self._num(count, grid)
        whole = (number.a == np.floor(number.a)) & (number.bound.err == 0)
        self._flag(grid, ~whole)
        return np.where(whole, number.a, 0).astype(np.int64)

    def _trading_add(self, ordinals: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each date moved by its number of trading days, and where that fails (as the trading
        calendar would: before the data starts, after it ends, or over a gap)."""
        dates = self._dates
        steps = np.where(ordinals == _NO_DAY, 0, steps)  # no date (already flagged): not moved
        back = steps < 0
        before = np.searchsorted(dates, ordinals, side="left")
        after = np.searchsorted(dates, ordinals, side="right")
        index = np.where(back, before + steps, after + steps - 1)
        bad = (steps != 0) & ((index < 0) | (index >= len(dates)))
        moved = np.where(steps == 0, ordinals, dates[np.clip(index, 0, max(len(dates) - 1, 0))])
        low = np.where(back, moved, ordinals + 1)
        high = np.where(back, ordinals - 1, moved)
        bad |= (steps != 0) & self._gaps(low, high)
        return moved, bad

    def _gaps(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Where [low, high] holds a day the exchange was open that the data lacks (or might:
        a span reaching a year past the data is left to the exact evaluator)."""
        if self._trading.exchange is None or low.size == 0:
            return np.zeros(np.broadcast(low, high).shape, dtype=bool)
        if self._missing is None:
            first, last = self.market.dates[0], self.market.dates[-1]
            self._reach_from = (first - dt.timedelta(days=366)).toordinal()
            self._reach_to = (last + dt.timedelta(days=366)).toordinal()
            self._missing = _ordinals(self._trading.missing(_date(self._reach_from), _date(self._reach_to)))
        count = (np.searchsorted(self._missing, high, side="right")
                 - np.searchsorted(self._missing, low, side="left"))
        far = (low < self._reach_from) | (high > self._reach_to)
        return (high >= low) & ((count > 0) | far)

    def _each_move(self, node: ast.Node, ordinals: np.ndarray, steps: np.ndarray, calendar: str,
                   grid: _Grid) -> np.ndarray:
        """Business days or years: each distinct (date, steps) moved once by the exact calendar."""
        mover = self._evaluator(int(grid.cols[0]), ())
        pairs, inverse = np.unique(np.stack([ordinals.ravel(), steps.ravel()]), axis=1,
                                   return_inverse=True)
        moved = np.empty(pairs.shape[1], dtype=np.int64)
        bad = np.zeros(pairs.shape[1], dtype=bool)
        for i, (ordinal, count) in enumerate(pairs.T.tolist()):
            try:
                moved[i] = _NO_DAY if ordinal == _NO_DAY else \
                    mover.move(_date(ordinal), count, calendar, node).toordinal()
            except EvaluationError:
                moved[i], bad[i] = _NO_DAY, True
        self._flag(grid, bad[inverse.ravel()].reshape(ordinals.shape))
        return moved[inverse.ravel()].reshape(ordinals.shape)

    def _compare(self, node: ast.Compare, grid: _Grid, bindings: _Bindings) -> _Value:
        left = self._eval(node.left, grid, bindings)
        right = self._eval(node.right, grid, bindings)
        compare = _COMPARE[node.op]
        kind = node.left.type
        if kind == DATE:
            return _Flags(grid.cols, compare(self._days(left, grid).a, self._days(right, grid).a))
        if kind == BOOLEAN:
            return _Flags(grid.cols, compare(self._flags(left, grid).a, self._flags(right, grid).a))
        if not isinstance(kind, Quantity):
            raise self._unsupported(f"a comparison of a {kind} that varies by path", node)
        x, y = self._num(left, grid), self._num(right, grid)
        with np.errstate(invalid="ignore"):
            result = compare(x.a, y.a)
            if x.bound.err or y.bound.err or x.bound.rel or y.bound.rel:  # else both are exact, as is this
                # strictly: a zero bound (a value exact relatively, such as 0) leaves nothing in doubt
                near = np.abs(x.a - y.a) < SAFETY * (x.bound.within(x.a) + y.bound.within(y.a))
                self._flag(grid, near)
        return _Flags(grid.cols, result)

    def _logical(self, node: ast.Logical, grid: _Grid, bindings: _Bindings) -> _Value:
        deciding = node.op == "or"  # the value that ends the chain
        result = np.full((self._rows, len(grid.cols)), not deciding)
        pending: _Grid | None = grid
        for i, operand in enumerate(node.operands):
            assert pending is not None
            value = self._flags(self._eval(operand, pending, bindings), pending)
            if i == len(node.operands) - 1:
                _fill(result, grid, pending, value.a)
                break
            holds, fails = self._split(pending, value)
            decided, rest = (holds, fails) if deciding else (fails, holds)
            if decided is not None:
                _fill(result, grid, decided, np.full((self._rows, len(decided.cols)), deciding))
            if rest is None:
                break
            pending = rest
        return _Flags(grid.cols, result)

    def _not(self, node: ast.Not, grid: _Grid, bindings: _Bindings) -> _Value:
        return _Flags(grid.cols, ~self._flags(self._eval(node.operand, grid, bindings), grid).a)

    def _split(self, grid: _Grid, condition: _Value) -> tuple[_Grid | None, _Grid | None]:
        """The elements of ``grid`` where ``condition`` holds, and those where it does not."""
        if isinstance(condition, _Exact):
            truth = np.array([v is True for v in condition.values])
            falsity = np.array([v is False for v in condition.values])
            return self._columns(grid, truth, None), self._columns(grid, falsity, None)
        flags = self._flags(condition, grid).a
        active = grid.active if grid.active is not None else np.ones_like(flags)
        holds, fails = flags & active, ~flags & active
        return (self._columns(grid, holds.any(axis=0), holds),
                self._columns(grid, fails.any(axis=0), fails))

    def _columns(self, grid: _Grid, chosen: np.ndarray, active: np.ndarray | None) -> _Grid | None:
        """The grid of the ``chosen`` columns of ``grid``, with ``active`` paths (None: all)."""
        if not chosen.any():
            return None
        if active is None:
            if chosen.all():
                return grid
            return _Grid(grid.cols[chosen], None if grid.active is None else grid.active[:, chosen])
        active = active[:, chosen]
        if chosen.all() and grid.active is not None and np.array_equal(active, grid.active):
            return grid
        return _Grid(grid.cols[chosen], None if active.all() else active)

    def _if(self, node: ast.If, grid: _Grid, bindings: _Bindings) -> _Value:
        condition = self._eval(node.condition, grid, bindings)
        yes, no = self._split(grid, condition)
        then = self._eval(node.then, yes, bindings) if yes is not None else None
        otherwise = self._eval(node.otherwise, no, bindings) if no is not None else None
        if isinstance(condition, _Exact) and isinstance(then, (_Exact, type(None))) \
                and isinstance(otherwise, (_Exact, type(None))):
            values: list[Any] = [None] * len(grid.cols)
            for exact_part, exact in ((yes, then), (no, otherwise)):
                if exact_part is not None and exact is not None:
                    for pos, value in zip(np.searchsorted(grid.cols, exact_part.cols), exact.values,
                                          strict=True):
                        values[pos] = value
            return _Exact(grid.cols, values)
        kind = node.type
        shape = (self._rows, len(grid.cols))
        branches = [(part, branch) for part, branch in ((yes, then), (no, otherwise))
                    if part is not None and branch is not None]
        if len(branches) == 1 and branches[0][0] is grid:  # every element takes one branch
            return branches[0][1]
        if kind == DATE:
            days = np.full(shape, _NO_DAY, dtype=np.int64)
            for part, branch in branches:
                _fill(days, grid, part, self._days(branch, part).a)
            return _Days(grid.cols, days)
        if kind == BOOLEAN:
            flags = np.zeros(shape, dtype=bool)
            for part, branch in branches:
                _fill(flags, grid, part, self._flags(branch, part).a)
            return _Flags(grid.cols, flags)
        if not isinstance(kind, Quantity):
            raise self._unsupported(f"a {kind} that varies by path", node)
        number = np.full(shape, math.nan)
        bounds = []
        for part, branch in branches:
            value = self._num(branch, part)
            _fill(number, grid, part, value.a)
            bounds.append(value.bound)
        return _Num(grid.cols, number, bounds[0] if len(bounds) == 1 else bounds[0].either(bounds[1]))

    def _round(self, node: ast.Round, grid: _Grid, bindings: _Bindings) -> _Value:
        """Rounded values; an element within its error of a step's boundary is flagged."""
        value = self._num(self._eval(node.operand, grid, bindings), grid)
        cents = node.step == "cent"
        bound = value.bound.times(_Bound(mag=100.0, sign=1)) if cents else value.bound
        scaled = value.a * 100.0 if cents else value.a
        with np.errstate(invalid="ignore"):
            if node.direction == "up":
                whole = np.ceil(scaled)
            elif node.direction == "down":
                whole = np.floor(scaled)
            else:  # halves away from zero; a float minus its whole part is exact, x + 0.5 is not
                part = np.trunc(scaled)
                whole = part + np.sign(scaled) * (np.abs(scaled - part) >= 0.5)
            if bound.err or bound.rel:
                if node.direction == "nearest":
                    distance = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5)
                else:
                    distance = np.abs(scaled - np.rint(scaled))
                self._flag(grid, distance < SAFETY * bound.within(scaled))
        mag = bound.mag + 1.0
        if cents:  # k/100 is not a float: one rounding from the exact cents
            return _Num(grid.cols, whole / 100.0, _Bound(EPS * mag / 100, mag / 100, EPS, value.bound.sign))
        return _Num(grid.cols, whole, _Bound(0.0, mag, 0.0, value.bound.sign))

    def _index(self, node: ast.Index, grid: _Grid, bindings: _Bindings) -> _Value:
        target = self._eval(node.target, grid, bindings)
        if not isinstance(target, _Paths):
            raise self._unsupported("a value by party read on each path", node)
        positions, bad = self._positions(self._eval(node.index, grid, bindings), grid)
        values = np.take_along_axis(target.a, positions, axis=1)
        self._flag(grid, bad | np.isnan(values))
        return _Num(grid.cols, values, target.bound)

    def _positions(self, day: _Value, grid: _Grid) -> tuple[np.ndarray, np.ndarray]:
        """Where each date is in the market's dates, and where it is none of them."""
        ordinals = self._days(day, grid).a
        index = np.clip(np.searchsorted(self._dates, ordinals), 0, max(len(self._dates) - 1, 0))
        return index, self._dates[index] != ordinals

    def _call(self, node: ast.Call, grid: _Grid, bindings: _Bindings) -> _Value:
        implementation = _BUILTINS.get(node.function)
        if implementation is not None:
            return implementation(self, node, grid, [self._eval(a, grid, bindings) for a in node.args])
        if node.function in _NOT_VECTORISED:
            raise self._unsupported(f"`{node.function}`", node)
        new = dict(bindings)
        for keyword in node.keywords:
            new[keyword.name] = self._eval(keyword.value, grid, bindings)
        return self._term(node.function, grid, new)

    def _total(self, node: ast.Total, grid: _Grid, bindings: _Bindings) -> _Value:
        over = " ... in" if node.keys is not None else " ... among" if node.among is not None else ""
        raise self._unsupported(f"`{node.mode} ... for each{over}`", node)

    def _as_of(self, node: ast.AsOf, grid: _Grid, bindings: _Bindings) -> _Value:
        raise self._unsupported("`as of` over values that vary by path", node)

    # -- built-ins ---------------------------------------------------------------

    def _extreme(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        pick = np.minimum if node.function == "lesser_of" else np.maximum
        if node.type == DATE:
            days = self._days(args[0], grid).a
            for other in args[1:]:
                days = pick(days, self._days(other, grid).a)
            return _Days(grid.cols, days)
        numbers = [self._num(a, grid) for a in args]
        result = numbers[0].a
        for other in numbers[1:]:
            result = pick(result, other.a)
        # The least of values each within its error is within the largest error of the exact
        # least, whichever is picked; a rounding or comparison further on flags what it must.
        bound = numbers[0].bound
        for other in numbers[1:]:
            bound = bound.either(other.bound)
        return _Num(grid.cols, result, bound)

    def _window(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        series, length, ending = args
        if not isinstance(series, _Paths) or not isinstance(length, _Exact):
            raise self._unsupported("a window over values that vary by path", node)
        lengths = {v for v in length.values if v is not None}
        if len(lengths) > 1:
            raise self._unsupported("a window whose length changes from date to date", node)
        size = lengths.pop() if lengths else Fraction(1)
        if size.denominator != 1 or size <= 0:
            self._flag(grid, np.ones(len(grid.cols), dtype=bool))
            size = Fraction(1)
        count = int(size)
        last = self._days(ending, grid).a
        if len(self._dates) < count:
            self._flag(grid, np.ones(len(grid.cols), dtype=bool))
            return _Listed(grid.cols, [np.full(last.shape, math.nan)] * count, series.bound)
        start = np.searchsorted(self._dates, last, side="right") - count
        bad = start < 0
        start = np.clip(start, 0, len(self._dates) - count)
        bad |= self._gaps(self._dates[start], last)
        items = _window_items(series.a, start, count)
        if np.isnan(series.a).any():
            for item in items:
                bad = bad | np.isnan(item)
        self._flag(grid, bad)
        return _Listed(grid.cols, items, series.bound)

    def _lowest(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        count, values = args
        if not isinstance(values, _Listed) or not isinstance(count, _Exact):
            raise self._unsupported(f"`{node.function}` of a whole series, or of a count that varies "
                                    "by path", node)
        counts = {v for v in count.values if v is not None}
        if len(counts) > 1:
            raise self._unsupported(f"`{node.function}` of a count that changes from date to date", node)
        k = counts.pop() if counts else Fraction(1)
        if k.denominator != 1 or not 0 < k <= len(values.items):
            self._flag(grid, np.ones(len(grid.cols), dtype=bool))
            k = Fraction(1)
        chosen = _select(values.items, int(k), node.function == "highest")
        return _Listed(grid.cols, chosen, values.bound)

    def _aggregate(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        values = args[0]
        shape = (self._rows, len(grid.cols))
        if isinstance(values, _Paths):
            present = ~np.isnan(values.a)
            counted = present.sum(axis=1).astype(float)
            if node.function == "count":
                return _Num(grid.cols, counted[:, None], _Bound(mag=float(values.a.shape[1]), sign=1))
            # numpy adds pairwise, within the bound of adding one by one
            bound = values.bound.total(values.a.shape[1])
            total = np.nansum(values.a, axis=1)
            if node.function == "average":
                if (counted == 0).any():
                    self._flag(grid, np.broadcast_to((counted == 0)[:, None], shape))
                with np.errstate(all="ignore"):
                    total = total / counted
                # each path divides by its own count, at least 1: within the sum's error, plus one rounding
                bound = _Bound(bound.err + EPS * values.bound.mag, values.bound.mag, _grown(bound.rel),
                               bound.sign)
            return _Num(grid.cols, total[:, None], bound)
        if not isinstance(values, _Listed):
            raise self._unsupported(f"`{node.function}` of values by party that vary by path", node)
        n = len(values.items)
        if node.function == "count":
            return _Exact(grid.cols, [Fraction(n)] * len(grid.cols))
        total = np.array(values.items[0], dtype=float)
        for item in values.items[1:]:
            total += item
        bound = values.bound.total(n)
        if node.function == "average":
            return _Num(grid.cols, total / n, bound.divided(n))
        return _Num(grid.cols, total, bound)

    def _days_between(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        return self._date_arithmetic(node, "-", (args[1], DATE), (args[0], DATE), grid)

    def _is_trading_day(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        _, missing = self._positions(args[0], grid)
        return _Flags(grid.cols, ~missing)

    def _is_business_day(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        ordinals = self._days(args[0], grid).a
        distinct, inverse = np.unique(ordinals, return_inverse=True)
        open_ = np.array([d != _NO_DAY and self._business.is_business_day(_date(d))
                          for d in distinct.tolist()])
        return _Flags(grid.cols, open_[inverse.ravel()].reshape(ordinals.shape))

    def _abs(self, node: ast.Call, grid: _Grid, args: list[_Value]) -> _Value:
        value = self._num(args[0], grid)
        return _Num(grid.cols, np.abs(value.a), value.bound.absolute())

    # -- as arrays ----------------------------------------------------------------

    def _num(self, value: _Value, grid: _Grid) -> _Num:
        if isinstance(value, _Num):
            return value
        if not isinstance(value, _Exact):
            raise TypeError(f"not a number: {type(value).__name__}")  # the checker typed the tree
        return _Num(grid.cols, *_exact_floats(value.values))

    def _days(self, value: _Value, grid: _Grid) -> _Days:
        if isinstance(value, _Days):
            return value
        assert isinstance(value, _Exact)
        ordinals = np.array([_NO_DAY if v is None else v.toordinal() for v in value.values], dtype=np.int64)
        return _Days(grid.cols, ordinals[None, :])

    def _flags(self, value: _Value, grid: _Grid) -> _Flags:
        if isinstance(value, _Flags):
            return value
        assert isinstance(value, _Exact)
        return _Flags(grid.cols, np.array([v is True for v in value.values])[None, :])


def _largest(values: np.ndarray) -> float:
    """The largest magnitude among ``values``, NaN (no value) aside; 0 for none."""
    return float(np.max(np.abs(values), initial=0.0, where=~np.isnan(values)))


def _binary(value: Any) -> bool:
    """Whether an exact number is a float64 exactly (a dyadic fraction of at most 53 bits)."""
    den = int(value.denominator)
    return den & (den - 1) == 0 and abs(int(value.numerator)) < 2 ** 53


def _exact_floats(values: list[Any]) -> tuple[np.ndarray, _Bound]:
    """Exact numbers (None: failed) as a (1, n) float row, each correctly rounded, and its bound."""
    floats = np.array([math.nan if v is None else float(v) for v in values])
    known = [v for v in values if v is not None]
    inexact = [abs(float(v)) for v in known if not _binary(v)]
    sign = 1 if all(v >= 0 for v in known) else -1 if all(v <= 0 for v in known) else 0
    return floats[None, :], _Bound(EPS * max(inexact, default=0.0), _largest(floats),
                                   EPS if inexact else 0.0, sign)


def _market_bound(values: np.ndarray) -> _Bound:
    """The bound of a market series: exact, its size, and its sign if it has one."""
    present = ~np.isnan(values)
    low = float(np.min(values, initial=math.inf, where=present))
    high = float(np.max(values, initial=-math.inf, where=present))
    return _Bound(0.0, _largest(values), 0.0, 1 if low >= 0 else -1 if high <= 0 else 0)


def _fill(target: np.ndarray, grid: _Grid, part: _Grid, values: np.ndarray) -> None:
    """Write ``values`` (on ``part``, a sub-grid of ``grid``) into ``target`` (on ``grid``)."""
    pos: Any = np.searchsorted(grid.cols, part.cols)
    if pos.size and pos[-1] - pos[0] == pos.size - 1:  # a run of columns: a slice, not a gather
        pos = slice(int(pos[0]), int(pos[-1]) + 1)
    if part.active is None:
        target[:, pos] = values
    else:
        target[:, pos] = np.where(part.active, values, target[:, pos])


def _window_items(values: np.ndarray, start: np.ndarray, count: int) -> list[np.ndarray]:
    """The ``count`` values from ``start`` on, each item by path and column: slices of the
    series when the windows move one trading day a column, else gathered."""
    if start.shape[0] == 1:
        first = start[0]
        if first.size and (np.diff(first) == 1).all():
            s = int(first[0])
            width = first.size
            return [values[:, s + i:s + i + width] for i in range(count)]
        return [values[:, first + i] for i in range(count)]
    return [np.take_along_axis(values, start + i, axis=1) for i in range(count)]


def _datetimes(ordinals: np.ndarray) -> np.ndarray:
    return (ordinals - dt.date(1970, 1, 1).toordinal()).astype("datetime64[D]")


def _hashable(given: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    """Bound values as a key: by value where they can be hashed, else by identity."""
    out = []
    for name, value in given:
        try:
            hash(value)
            out.append((name, value))
        except TypeError:
            out.append((name, ("id", id(value))))
    return tuple(out)


def _output_dtype(term: Term) -> Any:
    """The array type a term's values are written in; refuses a type that has none."""
    if isinstance(term.type, Quantity):
        return np.float64
    if term.type == DATE:
        return "datetime64[D]"
    if term.type == BOOLEAN:
        return np.bool_
    raise ClauseError(f"{term.name} is {term.type}: a sweep gives quantities, dates and booleans")


_COMPARE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "=": np.equal, "!=": np.not_equal,
}

#: Built-ins without an array form: values not rational, computed to 40 digits exactly.
_NOT_VECTORISED = {"sqrt", "volatility", "black_scholes", "key_of_least"}

_BUILTINS: dict[str, Callable[[VectorEvaluator, ast.Call, _Grid, list[_Value]], _Value]] = {
    "lesser_of": VectorEvaluator._extreme,
    "greater_of": VectorEvaluator._extreme,
    "window": VectorEvaluator._window,
    "lowest": VectorEvaluator._lowest,
    "highest": VectorEvaluator._lowest,
    "average": VectorEvaluator._aggregate,
    "sum": VectorEvaluator._aggregate,
    "count": VectorEvaluator._aggregate,
    "days_between": VectorEvaluator._days_between,
    "is_trading_day": VectorEvaluator._is_trading_day,
    "is_business_day": VectorEvaluator._is_business_day,
    "abs": VectorEvaluator._abs,
}

_DISPATCH: dict[type, Callable[[VectorEvaluator, Any, _Grid, _Bindings], _Value]] = {
    ast.Name: VectorEvaluator._name,
    ast.Negate: VectorEvaluator._negate,
    ast.Arithmetic: VectorEvaluator._arithmetic,
    ast.Compare: VectorEvaluator._compare,
    ast.Logical: VectorEvaluator._logical,
    ast.Not: VectorEvaluator._not,
    ast.If: VectorEvaluator._if,
    ast.Round: VectorEvaluator._round,
    ast.Index: VectorEvaluator._index,
    ast.Call: VectorEvaluator._call,
    ast.Total: VectorEvaluator._total,
    ast.AsOf: VectorEvaluator._as_of,
}
