"""The exact evaluator: checked formulas, compiled once into closures, with rational arithmetic.

This is one back end. It relies only on the typed syntax tree and the
built-in names of ``builtins.py``; another back end (one evaluating a formula
over many price paths at once, say) can implement the same node kinds and the
same built-ins without any change to contract files or to the checker.

Each term's value is memoised under the bindings it reads. Asked for derivations, the
evaluator keeps every value computed as a ``Record`` with the records it used, which is
the derivation ``--explain`` prints; otherwise it computes values only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..calendar import BusinessCalendar, TradingCalendar
from ..diagnostics import ClauseError, Diagnostic
from ..link.program import (
    DEFINITION,
    GIVEN,
    INPUT,
    INTERPRETATION,
    OWED,
    PARAMETER,
    SERIES,
    STATE,
    Formula,
    Program,
    Term,
)
from ..rational import Fraction
from ..slotted import Slotted
from ..syntax import ast
from ..types import Type, map_levels
from ..values import PartyValues, SeriesValue, empty_map
from .compiler import UNSET, Closure, EvaluationError, Fail, compiled, move, round_value
from .history import StateHistory
from .market import MarketData
from .trace import Bindings, Record, Step

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Environment", "EvaluationError", "Evaluator", "round_value"]

_ORIGINS = {PARAMETER: "parameter", INPUT: "default", DEFINITION: "formula",
            INTERPRETATION: "interpretation", STATE: "initial state"}


class Environment(Slotted):
    """What evaluation needs besides the program: given values, readings, data, calendars.

    Slotted, not a dataclass: a run makes one for each event and contract, and a dataclass's
    ``__init__`` (or the stand-in of ``deferred``) costs several times this one's.
    """

    _names = ("given", "choices", "market", "state", "origins", "read", "history", "today", "others",
              "parties")
    __slots__ = _names

    def __init__(self, *, given: dict[str, Any] | None = None, choices: dict[str, str] | None = None,
                 market: MarketData | None = None, state: dict[str, Any] | None = None,
                 origins: dict[str, str] | None = None, read: set[str] | None = None,
                 history: StateHistory | None = None, today: dt.date | None = None,
                 others: frozenset[str] = frozenset(), parties: tuple[str, ...] = ()) -> None:
        self.given: dict[str, Any] = {} if given is None else given
        self.choices: dict[str, str] = {} if choices is None else choices
        self.market = market
        self.state: dict[str, Any] = {} if state is None else state
        self.origins: dict[str, str] = {} if origins is None else origins  # why a given value is given
        #: When given, collects the name of every interpretation evaluated (whose other readings
        #: may change what was computed).
        self.read = read
        #: In a run, the state day by day (for ``X as of D``) and the day being evaluated, after which
        #: the state is not known yet; None outside a run, where the state never changes.
        self.history = history
        self.today = today
        #: The parties a run names that are not holders (the Company): values by party summed,
        #: counted or listed leave theirs out.
        self.others = others
        #: The parties of the run (its holders), which ``for each P among holders`` ranges over.
        self.parties = parties


class Evaluator:
    """Evaluates terms of one checked program under one environment, memoising each.

    With ``derivations``, every value is kept as a ``Record`` of what it used (for
    ``--explain`` and the reports that read derivations), each memoised under all the
    bindings in force; without, values only, each memoised under the bindings it reads, and
    the program's constants read as the values they always have.
    """

    def __init__(self, program: Program, env: Environment, derivations: bool = False) -> None:
        self.program = program
        self.env = env
        self.derivations = derivations
        self._compiled = compiled(program)
        self.business: BusinessCalendar = self._compiled.business
        self.trading: TradingCalendar | None = (env.market.trading_calendar(self._compiled.exchange)
                                                if env.market else None)
        #: Whether its closures read the program's constants as values (see ``Compiled``).
        self.inline = not derivations and self._compiled.may_be_constant.isdisjoint(env.given)
        self._computers = self._compiled.computers[self.inline]
        self._formulas = self._compiled.formulas[self.inline]
        self.memo: dict[str, Any] = {}  # by term: without bindings, a value, or with derivations a record
        self._bound: dict[str, dict[Bindings, Any]] = {}  # by term, then by the bindings in force
        self._active: list[Record] = []
        self._given, self._terms = env.given, program.terms
        self._past: dict[dt.date, Evaluator] = {}  # by day: an evaluator of the state at its end

    # -- terms -------------------------------------------------------------

    def record(self, name: str, bindings: Bindings = ()) -> Record:
        """The record of term ``name`` evaluated with ``bindings`` in force; without
        derivations, one of its value and origin only."""
        term = self.program.terms[name]
        if not self.derivations:
            value = self.lookup(name, bindings)
            return Record(term, bindings, value, *self._origin(term, bindings))
        memo = self._bound.setdefault(name, {}) if bindings else None
        found = memo.get(bindings) if memo is not None else self.memo.get(name)
        if found is not None:
            return found  # type: ignore[no-any-return]
        rec = Record(term, bindings)
        self._active.append(rec)
        try:
            rec.origin, rec.choice = self._origin(term, bindings)
            rec.value = self.value_of(term, bindings)
        finally:
            self._active.pop()
        if memo is not None:
            memo[bindings] = rec
        else:
            self.memo[name] = rec
        return rec

    def value(self, name: str) -> Any:
        """The value of term ``name``."""
        return self.get(name, ())

    def get(self, name: str, bindings: Bindings) -> Any:
        """The value of term ``name`` read by a formula; with derivations, a use it lists."""
        if not self.derivations:
            return self.lookup(name, bindings)
        rec = self.record(name, bindings)
        if self._active:
            self._active[-1].uses.append(rec)
        return rec.value

    def peek(self, name: str, bindings: Bindings) -> Any:
        """The value of term ``name`` read by a formula, and not listed among its uses (each
        day of a daily total)."""
        return self.lookup(name, bindings) if not self.derivations else self.record(name, bindings).value

    def formula_value(self, formula: Formula, node: ast.Node | None = None, bindings: Bindings = ()) -> Any:
        """The value of a formula that belongs to no term (a clause's condition or effect),
        or of one of its sub-expressions ``node``, with ``bindings`` in force."""
        return self.closure(formula, node)(self, bindings)

    def closure(self, formula: Formula, node: ast.Node | None = None) -> Closure:
        """What ``formula_value`` calls: the closure of a formula of no term, or of its node, for
        evaluators of this one's kind (of its program, constants inlined or not), found once."""
        key = formula if node is None else node
        found = self._formulas.get(id(key))
        if found is None or found[0] is not key:
            closure = self._compiled.closure(formula, node, inline=self.inline)
            found = self._formulas[id(key)] = (key, closure)
        return found[1]

    def set_state(self, values: Mapping[str, Any]) -> None:
        """New values of state (or of what is owed) while the evaluator is in use: the terms
        that read them are forgotten, and computed again when asked for. The environment's state
        is replaced, not changed: whoever gave it (the engine, for each event) keeps its own."""
        self.env.state = {**self.env.state, **values}
        stale = self._compiled.dependents(frozenset(values))
        for memo in (self.memo, self._bound):
            if len(stale) > len(memo):
                for term in [t for t in memo if t in stale]:
                    del memo[term]
            else:
                for term in stale:
                    memo.pop(term, None)

    def past(self, day: dt.date, fail: Fail) -> Evaluator:
        """An evaluator of the state as it stood at the end of ``day`` (``X as of day``): this
        one for the day evaluated, or outside a run; a day after it is not known yet."""
        history, today = self.env.history, self.env.today
        if history is None or today is None or day == today:
            return self
        if day > today:
            raise fail(f"the state as of {day.isoformat()} is not known on {today.isoformat()}, "
                       "the day evaluated")
        found = self._past.get(day)
        if found is None:
            env = self.env.copy_with(state=dict(history.on(day)))
            found = self._past[day] = Evaluator(self.program, env, self.derivations)
            found._active = self._active  # what it computes is used by the term computed here
        return found

    def move(self, day: dt.date, steps: int, calendar: str, node: ast.Node) -> dt.date:
        """``day`` moved by ``steps`` calendar, business or trading days, months or years, as a
        formula's ``node`` moves it (a failure is located at it)."""
        return move(self, day, steps, calendar, lambda message: EvaluationError(message, span=node.span))

    def step(self, text: str, value: Any, type_: Type, detail: str) -> None:
        """Add a built-in's step to the derivation of the term being computed."""
        if self._active:
            self._active[-1].steps.append(Step(text, value, type_, detail))

    def lookup(self, name: str, bindings: Bindings) -> Any:
        """The value of term ``name`` read by a formula, memoised under the bindings it reads; for an
        evaluator without derivations, what ``get`` does (its inline closures call the program's
        fetcher of the term, this, directly)."""
        return self._compiled.fetcher(name)(self, bindings)

    def bound_value(self, term: Term, bindings: Bindings) -> Any:
        """The value of ``term`` under ``bindings``, those in force that it reads (none empty),
        memoised under them."""
        memo = self._bound.get(term.name)
        if memo is None:
            memo = self._bound[term.name] = {}
        found = memo.get(bindings, UNSET)
        if found is UNSET:
            found = memo[bindings] = self.value_of(term, bindings)
        return found

    def value_of(self, term: Term, bindings: Bindings) -> Any:
        """The value of ``term`` under ``bindings``, not memoised here: bound, given or computed by
        its kind (the program's computer for it, worked out once)."""
        name = term.name
        for bound, value in bindings:
            if bound == name:
                return value
        if name in self._given:
            return self._given[name]
        computer = self._computers.get(name)
        if computer is None:
            computer = self._computers[name] = self._computer(term)
        return computer(self, bindings)

    def _origin(self, term: Term, bindings: Bindings) -> tuple[str, str | None]:
        """How the term gets its value here, and the reading chosen for an interpretation."""
        if any(bound == term.name for bound, _ in bindings):
            return "bound", None
        if term.name in self.env.given:
            return self.env.origins.get(term.name, "given"), None
        if term.kind == SERIES:
            return "market data", None
        if term.kind == STATE and term.name in self.env.state:
            return "state", None
        if term.kind == OWED:  # outside a run, or before anything of it was owed: nothing is
            return "obligations of the run", None
        if term.kind == INTERPRETATION:
            return "interpretation", self.env.choices.get(term.name, term.default_choice or "")
        return _ORIGINS.get(term.kind, "formula"), None

    def _computer(self, term: Term) -> Closure:
        name, kind = term.name, term.kind
        if kind == SERIES:
            return lambda ev, b: ev._series(term)
        if kind == OWED:  # outside a run, or before anything of it was owed: nothing is
            return lambda ev, b: ev.env.state[name] if name in ev.env.state else PartyValues({}, Fraction(0))
        if kind == PARAMETER and term.formula is None:
            return _failing(f"parameter {name} has no value in {self.program.path} (an abstract body: "
                            "evaluate a contract that extends it)", term)
        if kind == GIVEN:
            return _failing(f"missing {name} ({term.type}), {term.description}, which a call or a loop "
                            "binds", term, missing=term)
        if kind == INPUT and term.formula is None:
            return _failing(f"missing input {name} ({term.type}): {term.description}", term, missing=term)
        compiled, inline = self._compiled, self.inline
        if kind == INTERPRETATION:
            default = term.default_choice or ""
            by_choice: dict[str, Closure] = {}

            def reading(ev: Evaluator, b: Bindings) -> Any:  # the formula of the reading chosen
                if ev.env.read is not None:
                    ev.env.read.add(name)
                choice = ev.env.choices.get(name, default)
                found = by_choice.get(choice)
                if found is None:
                    found = by_choice[choice] = compiled.closure(term.choices[choice].formula, owner=term,
                                                                 inline=inline)
                return found(ev, b)
            return reading
        assert term.formula is not None
        formula = compiled.closure(term.formula, owner=term, inline=inline)
        if kind != STATE:
            return formula
        levels = map_levels(term.type)

        def state(ev: Evaluator, b: Bindings) -> Any:  # as the run has it, else its initial value
            if name in ev.env.state:
                return ev.env.state[name]
            return empty_map(levels, formula(ev, b)) if levels else formula(ev, b)
        return state

    def _series(self, term: Term) -> SeriesValue:
        market, trading = self.env.market, self.trading
        if market is None or trading is None:
            raise EvaluationError(f"{term.name} comes from market data: give a CSV (--market on the "
                                  "command line, market: in a scenario)", term)
        column = term.column or term.name
        if column not in market.columns:  # at the header of the market data, which lacks it
            message = (f"no column {column!r} for {term.name} (columns: "
                       f"{', '.join(['date', *market.columns])})")
            raise ClauseError(message, [Diagnostic(market.path, market.header_line, 1, message)])
        return SeriesValue(term.name, market.columns[column], trading)


def _failing(message: str, term: Term, missing: Term | None = None) -> Closure:
    """A term's computer that says why it has no value."""
    def fail(ev: Evaluator, b: Bindings) -> Any:
        raise EvaluationError(message, term, missing=missing)
    return fail
