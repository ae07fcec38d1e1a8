"""The event engine: runs a scenario's events in date order against its contracts.

State is shared by name across all the contracts of a run. For each event,
every clause declared ``on`` it fires in file order (contracts in the order the
scenario lists them). A clause sees the state as it was when the clause
started: its condition, computed terms and effect formulas are all evaluated
first, then its effects are applied in order. Scheduled events (deadlines) go
into the same queue; on a given date, the run's ``start`` and events scheduled
``at: start`` come first, then the scenario's events, then the other scheduled
ones, then the final ``as_of`` event.
"""

from __future__ import annotations

import datetime as dt
import heapq
from contextlib import contextmanager

from ..calendar import business_calendar
from ..collector import CollectorOff
from ..deferred import dataclass, field
from ..diagnostics import ClauseError, Diagnostic
from ..display import human
from ..evaluate.compiler import UNSET, Closure, compiled
from ..evaluate.evaluator import Environment, EvaluationError, Evaluator
from ..evaluate.history import StateHistory
from ..evaluate.trace import Bindings, Record
from ..limits import MAX_RUN_EVENTS, TOO_LARGE, too_large
from ..link.program import (
    BUILT_IN_EVENTS,
    END_EVENT,
    START_EVENT,
    Clause,
    Effect,
    Formula,
    Program,
    Requirement,
    Term,
    impossible_value,
)
from ..rational import Fraction
from ..slotted import Slotted
from ..syntax import ast
from ..syntax.yamldoc import Path_
from ..types import PARTY, PartyMap, Type, held_value
from ..values import PartyValues
from .rules import Rule, first_of_weeks
from .scenario import Scenario

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

#: The bindings of an effect applied once, not for each party.
_UNBOUND: list[Bindings] = [()]
#: An effect as a clause applies it (see ``Engine._effects``): its plan, the closures of its
#: condition, formulas and fields by name, and of the keys of the map value it changes, and the
#: bindings it is applied under (each party's, or none).
_Applied = tuple["_Plan", "Closure | None", list[tuple[str, "Closure"]], list[tuple[str, "Closure"]],
                 "list[Closure] | None", list[Bindings]]


class _Plan:
    """An effect as the engine applies it, worked out once per run (see ``Engine._effects``): its
    formulas by name (an ``owe`` or ``settle`` takes the parties it lacks from its declaration) and
    its fields'; where its target names a map's value, the target's formula and its keys, outermost
    first; the state it changes, its term and the type of the value it holds."""

    __slots__ = ("effect", "element", "fields", "formulas", "name", "party_of", "term")

    def __init__(self, program: Program, effect: Effect) -> None:
        self.effect = effect
        formulas = effect.formulas
        if effect.kind in ("owe", "settle"):
            declared = program.obligations[effect.label or ""]
            parties = {"debtor": declared.debtor, "creditor": declared.creditor}
            formulas = {**{k: f for k, f in parties.items() if f is not None}, **effect.formulas}
        self.formulas = list(formulas.items())
        self.fields = list(effect.fields.items())
        self.party_of: tuple[Formula, list[ast.Node]] | None = None
        self.name = ""  # an owe, settle or schedule changes no state
        self.term: Term | None = None
        self.element: Type | None = None
        if effect.target is not None:
            target, keys = ast.keyed(effect.target.node)
            assert isinstance(target, ast.Name)
            self.name, self.term = target.name, program.terms[target.name]
            self.element = held_value(self.term.type)
            if isinstance(effect.target.node, ast.Index):
                self.party_of = (effect.target, keys)


class _Reaction:
    """What one contract does on an event of one name, worked out at its first occurrence: the
    requirements it checks, the clauses that fire (in file order), the inputs each field fills
    and those the day fills. Hashed by identity: the engine keeps what it learns of each."""

    __slots__ = ("clauses", "date_inputs", "fields", "program", "requirements")

    def __init__(self, program: Program, requirements: list[Requirement], clauses: list[Clause],
                 fields: dict[str, list[str]], date_inputs: list[str]) -> None:
        self.program = program
        self.requirements = requirements
        self.clauses = clauses
        self.fields = fields
        self.date_inputs = date_inputs


class Occurrence(Slotted):
    """An event as it happens: from the scenario, a clause's schedule, or the run's end."""

    _names = ("date", "name", "fields", "index", "origin", "where")
    __slots__ = _names  # slots: a long run keeps thousands of these (and of the classes below)

    def __init__(self, date: dt.date, name: str, fields: dict[str, Any], index: int | None,
                 origin: str = "scenario", where: Path_ | None = None) -> None:
        self.date = date
        self.name = name
        self.fields = fields
        self.index = index  # the scenario's event number, None for scheduled and final events
        self.origin = origin
        self.where = where  # in the scenario, the rule that emitted it


class _RuleDay(Slotted):
    """A day on which a scenario's rule is tried."""

    _names = ("date", "rule")
    __slots__ = _names

    def __init__(self, date: dt.date, rule: Rule) -> None:
        self.date = date
        self.rule = rule


class Computed(Slotted):
    """A value a clause computed: the term's record (value, derivation) and the clause."""

    _names = ("record", "clause", "program")
    __slots__ = _names

    def __init__(self, record: Record, clause: str, program: Program) -> None:
        self.record = record
        self.clause = clause
        self.program = program

    @property
    def name(self) -> str:
        """The term's name."""
        return self.record.term.name


class Result(Slotted):
    """Everything that happened on one occurrence."""

    _names = ("occurrence", "clauses", "values")
    __slots__ = _names

    def __init__(self, occurrence: Occurrence, clauses: list[str] | None = None,
                 values: list[Computed] | None = None) -> None:
        self.occurrence = occurrence
        self.clauses: list[str] = [] if clauses is None else clauses
        self.values: list[Computed] = [] if values is None else values


class Obligation(Slotted):
    """Something a party owes another, created by a clause: one of a declared obligation."""

    _names = ("name", "debtor", "creditor", "what", "amount", "type", "due", "clause", "sources", "created",
              "outstanding", "settled")
    __slots__ = _names

    def __init__(self, name: str, debtor: str, creditor: str, what: str, amount: Fraction | None,
                 type: Type, due: dt.date, clause: str, sources: list[str], created: dt.date,
                 outstanding: Fraction | None, settled: dt.date | None = None) -> None:
        self.name = name
        self.debtor = debtor
        self.creditor = creditor
        self.what = what
        self.amount = amount  # None: an act owed (a notice, a certificate), not a quantity
        self.type = type
        self.due = due
        self.clause = clause
        self.sources = sources
        self.created = created
        self.outstanding = outstanding
        self.settled = settled

    def summary(self) -> str:
        """``Co owes A $1,000.00 (Buy-In payment) by 1999-08-09``, in the contract's notation."""
        amount = "" if self.amount is None else human(self.amount, self.type) + " "
        return f"{self.debtor} owes {self.creditor} {amount}({self.what}) by {self.due.isoformat()}"

    def status(self) -> str:
        """``settled 1999-08-10``, ``open``, or what is still outstanding of a part payment."""
        if self.settled:
            return f"settled {self.settled.isoformat()}"
        if self.outstanding is not None and self.outstanding != self.amount:
            return f"open, {human(self.outstanding, self.type)} outstanding"
        return "open"


class FlagChange(Slotted):
    """A flag raised or cleared, with when and why."""

    _names = ("name", "party", "raised", "date", "clause", "sources")
    __slots__ = _names

    def __init__(self, name: str, party: str | None, raised: bool, date: dt.date, clause: str,
                 sources: list[str]) -> None:
        self.name = name
        self.party = party
        self.raised = raised
        self.date = date
        self.clause = clause
        self.sources = sources


@dataclass
class RunResult:
    """The outcome of a run: results per occurrence, obligations, flags and state."""

    scenario: Scenario
    results: list[Result]
    obligations: list[Obligation]
    flags: list[FlagChange]
    state: dict[str, Any]
    types: dict[str, Type]
    snapshots: dict[int, dict[str, Any]]  # state after each scenario event
    not_reached: list[Occurrence] = field(default_factory=list)  # scenario events after as_of
    initial: dict[str, Any] = field(default_factory=dict)  # state before the first event
    #: Every occurrence that happened, in order, with what formulas read after it (state, what is owed).
    timeline: list[tuple[Occurrence, dict[str, Any]]] = field(default_factory=list)
    read: set[str] = field(default_factory=set)  # the interpretations the run evaluated


def run_environment(scenario: Scenario, program: Program, state: dict[str, Any], bound: dict[str, Any],
                    read: set[str] | None = None, history: StateHistory | None = None,
                    today: dt.date | None = None) -> Environment:
    """What a formula of ``program`` sees during a run of ``scenario``: its facts, readings and
    market, ``state``, and the names ``bound`` by the event (or by whoever asks).

    ``read``, when given, collects the names of the interpretations evaluated; ``history`` is the
    state of the run before ``today``, the day evaluated, which ``as of`` reads.
    """
    facts = {k: v for k, v in scenario.facts.items() if k in program.terms}
    origins = {**dict.fromkeys(facts, "scenario fact"), **dict.fromkeys(bound, "from the event")}
    return _environment(scenario, {**facts, **bound}, origins, dict(state), read, history, today)


def _environment(scenario: Scenario, given: dict[str, Any], origins: dict[str, str], state: dict[str, Any],
                 read: set[str] | None, history: StateHistory | None, today: dt.date | None) -> Environment:
    """The environment of a formula in a run of ``scenario``, made here alone (``run_environment``
    for whoever asks, ``Engine._evaluator`` with what it keeps from one event to the next)."""
    return Environment(given=given, choices=scenario.choices, market=scenario.market, state=state,
                       origins=origins, read=read, history=history, today=today, others=scenario.others,
                       parties=tuple(scenario.holders))


class Engine:
    """Runs one scenario; with ``derivations``, each value computed keeps what it used (for
    ``--explain``, ``clause report`` and ``diff --run``), otherwise values only.

    Each event has one evaluator per contract, shared by its requirements, clauses and
    effects: when a clause changes state, the evaluator forgets only what read it.
    """

    def __init__(self, scenario: Scenario, derivations: bool = False) -> None:
        self.scenario = scenario
        self.derivations = derivations
        self.types: dict[str, Type] = {}
        self.state: dict[str, Any] = {}
        self.results: list[Result] = []
        self.obligations: list[Obligation] = []
        self.flags: list[FlagChange] = []
        self.snapshots: dict[int, dict[str, Any]] = {}
        self.timeline: list[tuple[Occurrence, dict[str, Any]]] = []
        self.read: set[str] = set()
        self._queue: list[tuple[dt.date, int, int, Occurrence | _RuleDay]] = []
        self._sequence = 0
        self._open: dict[str, list[Obligation]] = {}  # unsettled obligations by name, oldest first
        self._owed: dict[str, PartyValues] = {}  # what is outstanding of each, by creditor, when any is
        self._reactions: dict[str, list[_Reaction]] = {}  # by event: each contract's that does something
        self._effects_of: dict[tuple[int, bool], list[_Applied]] = {}  # see _effects
        self._seen_now: dict[str, Any] | None = None  # _seen(), until state or what is owed changes
        self._state_now: dict[str, Any] | None = None  # a copy of the state, until it changes
        self._facts: dict[int, dict[str, Any]] = {}  # the scenario's facts each program reads
        self._origins: dict[tuple[int, tuple[str, ...]], dict[str, str]] = {}  # see _evaluator
        #: By reaction to an event of every day: what its conditions read, when they read nothing the
        #: day binds (None: they do), and the values of those names when nothing fired (see _idle).
        self._conditions: dict[_Reaction, tuple[str, ...] | None] = {}
        self._quiet: dict[_Reaction, tuple[Any, ...]] = {}
        self.history = StateHistory({})  # the state after each occurrence, for ``as of``
        self._now: Occurrence | None = None  # the occurrence being processed

    def run(self) -> RunResult:
        """Process every event up to ``as_of`` and return what happened."""
        # A run makes what it keeps (results, the state of each day) and no garbage in cycles (none
        # in a run of 20,000 events): with the collector on, its passes made the time per event
        # grow with the run's length.
        with CollectorOff():
            try:
                return self._run()
            except ClauseError as exc:
                raise self._in_scenario(exc) from None

    def _in_scenario(self, exc: ClauseError) -> ClauseError:
        """A failure that no formula locates (a fact the scenario does not give, say), located in
        the scenario: at the event it came on, the rule that emitted it, or the facts."""
        if exc.diagnostics:
            return exc
        doc, now = self.scenario.doc, self._now
        event = next((e for e in self.scenario.events if now and e.index == now.index), None)
        if event is not None:
            return ClauseError(exc.message, [doc.diagnostic(event.where, exc.message)])
        if now is not None and now.where is not None:
            return ClauseError(exc.message, [doc.diagnostic(now.where, exc.message)])
        if "facts" in doc.data:
            return ClauseError(exc.message, [doc.diagnostic(("facts",), exc.message, key=True)])
        return ClauseError(exc.message, [Diagnostic(doc.path, 1, 1, exc.message)])

    def _run(self) -> RunResult:
        self._initial_state()
        initial = dict(self.state)
        self.history = StateHistory(self._seen())
        starts = [e.date for e in self.scenario.events] + [self.scenario.as_of]
        for program in self.scenario.programs:
            if program.issue_date:
                with self._located():
                    starts.append(self._evaluator(program, {}).value(program.issue_date))
        self._push(Occurrence(min(starts), START_EVENT, {}, None, "start of run"), -1)
        for event in self.scenario.events:
            self._push(Occurrence(event.date, event.name, event.fields, event.index), 0)
        for rule in self.scenario.rules:  # after the day's scenario events, before what is scheduled
            first, last = max(min(starts), rule.first or dt.date.min), min(self.scenario.as_of,
                                                                         rule.last or dt.date.max)
            for day in self._days(rule.every, rule.program, rule.name, first, last):
                self._push(_RuleDay(day, rule), 0)
        for day, name, origin in self._recurring(min(starts)):
            self._push(Occurrence(day, name, {}, None, origin), 1)
        self._push(Occurrence(self.scenario.as_of, END_EVENT, {}, None, "end of run"), 2)
        not_reached = []
        # What is known before the run, in order once: the queue then holds only what clauses
        # schedule, a few at a time, and each day comes from whichever of the two is first.
        planned, self._queue = sorted(self._queue), []
        next_planned = 0
        while self._queue or next_planned < len(planned):
            if self._queue and (next_planned == len(planned) or self._queue[0] < planned[next_planned]):
                day, _, _, item = heapq.heappop(self._queue)
            else:
                day, _, _, item = planned[next_planned]
                next_planned += 1
            if day > self.scenario.as_of:
                if isinstance(item, Occurrence):
                    not_reached.append(item)
                continue
            for occurrence in self._tried(item) if isinstance(item, _RuleDay) else (item,):
                self._now = occurrence
                self._fire(occurrence)
                seen = self._seen()
                self.timeline.append((occurrence, seen))
                self.history.add(occurrence.date, seen)
                if occurrence.index is not None:
                    self.snapshots[occurrence.index] = self._state_copy()
        return RunResult(self.scenario, self.results, self.obligations, self.flags, self.state,
                         self.types, self.snapshots,
                         [o for o in not_reached if o.index is not None], initial, self.timeline,
                         self.read)

    def _recurring(self, first: dt.date) -> list[tuple[dt.date, str, str]]:
        """The days of the events that happen by themselves (``every: trading day``), in the run,
        with their origin (``every trading day``: one string for all the days of an event)."""
        found: dict[str, tuple[str, list[dt.date]]] = {}
        for program in self.scenario.programs:
            for event in program.events.values():
                if event.every is None or event.name in found:
                    continue
                days = self._days(event.every, program, f"{event.name} happens every trading day "
                                  f"({program.path})", first, self.scenario.as_of)
                found[event.name] = (event.every, days)
        origins = {name: f"every {every}" for name, (every, _) in found.items()}
        return sorted((day, name, origins[name]) for name, (_, days) in found.items() for day in days)

    def _days(self, every: str, program: Program, who: str, first: dt.date, last: dt.date) -> list[dt.date]:
        """The days from ``first`` through ``last`` of a schedule: every ``trading day`` of the
        market data, ``business day`` of ``program``'s calendars, ``day``, or ``week`` (the first
        trading day of each); ``who`` says what needs market data when there is none."""
        if every in ("business day", "day"):
            business = business_calendar(tuple(program.business_holidays))
            days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
            return [d for d in days if every == "day" or business.is_business_day(d)]
        if self.scenario.market is None:
            raise ClauseError(f"{who}: give the scenario market data (market: FILE.csv) for its trading days")
        trading = [d for d in self.scenario.market.dates if first <= d <= last]
        return first_of_weeks(trading) if every == "week" else trading

    def _tried(self, item: _RuleDay) -> Iterator[Occurrence]:
        """The events a rule emits on its day, once or for each holder in turn: each is emitted
        (and fired by the caller) before the next holder's formulas are read."""
        rule, day = item.rule, item.date
        declared = rule.program.events[rule.event]
        for party in list(self.scenario.holders) if rule.for_each else [None]:
            bound: dict[str, Any] = dict.fromkeys(declared.date_inputs, day)
            if rule.for_each is not None:
                bound[rule.for_each] = party
            shown = f"rule {rule.name} on {day.isoformat()}" + (f" for {party}" if party else "")
            with self._located(f", trying {shown}"):
                evaluator = self._evaluator(rule.program, bound)
                fields = {k: evaluator.formula_value(f) for k, f in rule.fields.items()}
                if rule.when is not None:
                    filled = {name: v for k, v in fields.items() for name in declared.fields[k]}
                    if not self._evaluator(rule.program, {**bound, **filled}).formula_value(rule.when):
                        continue
            for key, value in fields.items():
                term = rule.program.terms[declared.fields[key][0]]
                problem = impossible_value(term, value, term.type)
                if problem:
                    found = self.scenario.doc.diagnostic((*rule.where, "with", key),
                                                         f"{shown}: {key}: {problem}")
                    raise ClauseError(found.message, [found])
            origin = f"rule {rule.name}" + (f" for {party}" if party else "")
            yield Occurrence(day, rule.event, fields, None, origin, rule.where)

    def _push(self, occurrence: Occurrence | _RuleDay, rank: int) -> None:
        self._sequence += 1
        heapq.heappush(self._queue, (occurrence.date, rank, self._sequence, occurrence))

    # -- state ------------------------------------------------------------

    def _initial_state(self) -> None:
        for program in self.scenario.programs:
            evaluator = self._evaluator(program, {})
            for term in program.state():
                if term.name in self.types:
                    if self.types[term.name] != term.type:
                        raise ClauseError(f"state {term.name} is {self.types[term.name]} in one contract "
                                          f"and {term.type} in {program.path}")
                    continue
                self.types[term.name] = term.type
                with self._located():
                    value = evaluator.value(term.name)
                if isinstance(term.type, PartyMap) and term.type.key == PARTY:
                    value = PartyValues({p: pos[term.name] for p, pos in self.scenario.holders.items()
                                         if term.name in pos}, value.default)
                self._set(term.name, value)

    def _evaluator(self, program: Program, bound: dict[str, Any], today: dt.date | None = None) -> Evaluator:
        """An evaluator of ``program`` with the scenario's facts, ``bound`` (an event's fields)
        and the state as it is now, on ``today`` (the state of the days before it, for ``as of``)."""
        facts = self._facts.get(id(program))
        if facts is None:
            facts = self._facts[id(program)] = {k: v for k, v in self.scenario.facts.items()
                                                if k in program.terms}
        key = (id(program), tuple(bound))
        origins = self._origins.get(key)
        if origins is None:  # the same for every event of a kind: an evaluator only reads them
            origins = self._origins[key] = {**dict.fromkeys(facts, "scenario fact"),
                                            **dict.fromkeys(bound, "from the event")}
        # The state as it is: an evaluator told of a change makes its own copy (see set_state).
        env = _environment(self.scenario, {**facts, **bound}, origins, self._seen(), self.read, self.history,
                           today)
        return Evaluator(program, env, self.derivations)

    def _seen(self) -> dict[str, Any]:
        """The state as formulas read it: the state variables, and what is owed of each obligation.

        The same dict until either changes (the timeline holds it for each occurrence): do not alter it.
        """
        if self._seen_now is None:
            self._seen_now = {**self.state, **self._owed} if self._owed else self._state_copy()
        return self._seen_now

    def _state_copy(self) -> dict[str, Any]:
        """A copy of the state, the same until it changes (events that change nothing share one)."""
        if self._state_now is None:
            self._state_now = dict(self.state)
        return self._state_now

    def _owed_now(self, name: str) -> PartyValues:
        """What is outstanding of obligation ``name`` (one with a unit), by creditor: its name
        read in a formula. Kept up to date in ``_owed``, for the next evaluator."""
        by_creditor: dict[str, Fraction] = {}
        for obligation in self._open.get(name, []):
            if obligation.outstanding is not None:
                already = by_creditor.get(obligation.creditor, Fraction(0))
                by_creditor[obligation.creditor] = already + obligation.outstanding
        owed = PartyValues(by_creditor, Fraction(0))
        if by_creditor:
            self._owed[name] = owed
        else:
            self._owed.pop(name, None)
        self._seen_now = None
        return owed

    def _set(self, name: str, value: Any) -> None:
        """A new value of state variable ``name`` (the copies made before keep the old one)."""
        self.state[name] = value
        self._seen_now = self._state_now = None

    @staticmethod
    @contextmanager
    def _located(context: str = "") -> Iterator[None]:
        """Turn evaluation failures into diagnostics located in the formula that failed."""
        try:
            yield
        except EvaluationError as exc:
            raise _located(exc, context) from None

    # -- events -----------------------------------------------------------

    def _reactions_to(self, event: str) -> list[_Reaction]:
        """What each contract that declares ``event`` (or any, for a built-in one) does on it, when
        it checks or applies anything, in the scenario's order of contracts."""
        found = self._reactions.get(event)
        if found is None:
            found = self._reactions[event] = []
            for program in self.scenario.programs:
                declared = program.events.get(event)
                if declared is None and event not in BUILT_IN_EVENTS:
                    continue
                requirements = declared.requires if declared else []
                clauses = [clause for clause in program.clauses if event in clause.on]
                if requirements or clauses:
                    fields, days = (declared.fields, declared.date_inputs) if declared else ({}, [])
                    found.append(_Reaction(program, requirements, clauses, fields, days))
        return found

    def _fire(self, occurrence: Occurrence) -> None:
        result = Result(occurrence)
        every = occurrence.origin.startswith("every ")
        before = self._marks() if every else None
        for reaction in self._reactions_to(occurrence.name):
            program, fields = reaction.program, reaction.fields
            bound: dict[str, Any] = {}
            for k, v in occurrence.fields.items():  # a field fills the inputs it names, else its own
                for name in fields.get(k, (k,)):
                    bound[name] = v
            for name in reaction.date_inputs:
                bound[name] = occurrence.date
            if every and self._idle(reaction, bound):
                continue
            evaluator = self._evaluator(program, bound, occurrence.date)
            for requirement in reaction.requirements:
                try:
                    met = evaluator.formula_value(requirement.condition)
                except EvaluationError as exc:  # the context is written only for a failure
                    raise _located(exc, f", checking {occurrence.name} of "
                                        f"{occurrence.date.isoformat()}") from None
                if not met:
                    self._impossible(occurrence, f"{requirement.message} "
                                                 f"({' '.join(requirement.condition.text.split())} is false)")
            applied = len(result.clauses)
            for clause in reaction.clauses:
                try:
                    self._apply(evaluator, program, clause, occurrence, result)
                except EvaluationError as exc:  # the context is written only for a failure
                    raise _located(exc, f", applying clause {clause.name} on {occurrence.name} of "
                                        f"{occurrence.date.isoformat()}") from None
            if every:
                self._rest(reaction, len(result.clauses) == applied)
        # An event of every day is reported on the days its clauses change something, not on each.
        quiet = every and self._marks() == before
        if (result.clauses and not quiet) or occurrence.index is not None:
            self.results.append(result)

    def _idle(self, key: _Reaction, bound: dict[str, Any]) -> bool:
        """Whether an event of every day (``key``: a contract's reaction) would do nothing again, as it
        did last time: its requirements held and no clause's condition did, and nothing those
        formulas read has changed since. They read the state, what is owed, the facts, readings,
        market data and the day's bound names, and formulas compute the same values from the same
        values: when they read nothing the day binds, and each name of the state or of what is owed
        they read holds the very value it held then, they hold and do not hold as they did."""
        if key not in self._conditions:
            formulas = [r.condition for r in key.requirements] + [c.when for c in key.clauses]
            reads: frozenset[str] = frozenset()
            if all(f is not None for f in formulas):  # a clause without a condition always applies
                reads = frozenset().union(*(compiled(key.program).formula_reads(f) for f in formulas if f))
            self._conditions[key] = (tuple(sorted(reads)) if reads and reads.isdisjoint(bound)
                                     else None)
        names, last = self._conditions[key], self._quiet.get(key)
        if names is None or last is None:
            return False
        seen = self._seen()
        return all(seen.get(name, UNSET) is value for name, value in zip(names, last, strict=True))

    def _rest(self, key: _Reaction, quiet: bool) -> None:
        """After an event of every day: when no clause applied, what its conditions read (see _idle)."""
        names = self._conditions[key]
        if quiet and names is not None:
            seen = self._seen()
            self._quiet[key] = tuple(seen.get(name, UNSET) for name in names)
        else:
            self._quiet.pop(key, None)

    def _marks(self) -> tuple[int, int, int, dict[str, Any]]:
        """What an event can change: obligations, flags, the schedule and the state (the same copy
        of it until it changes)."""
        return len(self.obligations), len(self.flags), self._sequence, self._state_copy()

    def _apply(self, evaluator: Evaluator, program: Program, clause: Clause, occurrence: Occurrence,
               result: Result) -> None:
        """Evaluate the clause's condition, values and effects on the state as the clause found it,
        then apply the effects and tell ``evaluator`` what they changed."""
        if clause.when is not None and not evaluator.formula_value(clause.when):
            return
        result.clauses.append(clause.name)
        for name in clause.compute:
            result.values.append(Computed(evaluator.record(name), clause.name, program))
        planned = []
        for plan, when, formulas, field_formulas, keys, each in self._effects(program, clause, evaluator):
            for b in each:
                if when is None or when(evaluator, b):
                    # Loops, not comprehensions: most effects have one formula and one key, and a
                    # comprehension is a call of its own.
                    values: dict[str, Any] = {}
                    for k, closure in formulas:
                        values[k] = closure(evaluator, b)
                    fields = {k: c(evaluator, b) for k, c in field_formulas} if field_formulas else {}
                    party = None
                    if keys is not None:
                        found: list[Any] = []
                        for closure in keys:
                            found.append(closure(evaluator, b))
                        party = tuple(found)
                    planned.append((plan, values, fields, party))
        changed: set[str] = set()
        for plan, values, fields, party in planned:
            changes = self._effect(program, clause, plan, values, fields, party, occurrence)
            if changes is not None:
                changed.add(changes)
        if changed:
            evaluator.set_state({name: self.state[name] if name in self.state else self._owed_now(name)
                                 for name in changed})

    def _effects(self, program: Program, clause: Clause, evaluator: Evaluator) -> list[_Applied]:
        """The clause's effects as it applies them (see ``_Applied``) with evaluators of
        ``evaluator``'s kind (constants inlined or not), worked out once for each kind."""
        key = (id(clause), evaluator.inline)
        found = self._effects_of.get(key)
        if found is None:
            closure, found = evaluator.closure, []
            for effect in clause.effects:
                plan = _Plan(program, effect)
                target = plan.party_of
                keys = [closure(target[0], node) for node in target[1]] if target else None
                each: list[Bindings] = ([((effect.for_each, party),) for party in self.scenario.holders]
                                        if effect.for_each else _UNBOUND)
                found.append((plan, closure(effect.when) if effect.when is not None else None,
                              [(k, closure(f)) for k, f in plan.formulas],
                              [(k, closure(f)) for k, f in plan.fields], keys, each))
            self._effects_of[key] = found
        return found

    def _effect(self, program: Program, clause: Clause, plan: _Plan, values: dict[str, Any],
                fields: dict[str, Any], keys: tuple[Any, ...] | None, occurrence: Occurrence) -> str | None:
        """Apply one effect; the name of the state it changed, or of the obligation it made or
        settled (None for an event it scheduled).

        ``keys`` name the value of a map the effect changes, outermost first."""
        effect = plan.effect
        if effect.kind == "remove":
            assert keys is not None
            name = plan.name
            self._set(name, self.state[name].replaced(keys, remove=True))
            return name
        if effect.kind in ("set", "increase", "decrease", "raise", "clear"):
            name, term, element = plan.name, plan.term, plan.element
            assert term is not None and element is not None
            old = self.state[name].at(keys) if keys is not None else self.state[name]
            new = _changed(effect.kind, old, values)
            if too_large(new):
                self._impossible(occurrence, f"{name} would be {TOO_LARGE} (clause {clause.name})")
            problem = term.bounds.problem(new, element) if term.bounds else None
            if problem:
                shown = name + "".join(f"[{k}]" for k in keys or ())
                self._impossible(occurrence, f"{shown} would be {human(new, element)}, but {problem} "
                                             f"(clause {clause.name})")
            if effect.kind in ("raise", "clear") and old != new:
                party = ", ".join(str(k) for k in keys if k != "") if keys is not None else None
                self.flags.append(FlagChange(name, party, bool(new), occurrence.date, clause.name,
                                             effect.sources or clause.sources))
            if keys is None:
                self._set(name, new)
            else:
                current: PartyValues = self.state[name]
                self._set(name, current.replaced(keys, new))
            return name
        if effect.kind == "owe":
            amount = values.get("amount")
            declared = program.obligations[effect.label or ""]
            obligation = Obligation(declared.name, values["debtor"], values["creditor"], declared.what,
                                    amount, declared.unit or Type(), values["due"], clause.name,
                                    effect.sources or clause.sources, occurrence.date, amount)
            self.obligations.append(obligation)
            self._open.setdefault(obligation.name, []).append(obligation)
            return obligation.name
        if effect.kind == "settle":
            self._settle(effect.label or "", values.get("debtor"), values["creditor"], values.get("amount"),
                         occurrence.date, values.get("due"))
            return effect.label or ""
        if effect.kind == "schedule":  # at the end of its day, after its events, unless at its start
            if self._sequence >= MAX_RUN_EVENTS:
                found = clause.doc.diagnostic((*effect.where, "schedule"), f"{clause.name} schedules "
                                              f"{effect.label} on {values['on'].isoformat()}, past "
                                              f"{MAX_RUN_EVENTS:,} events in one run (the limit): "
                                              "does an event schedule itself?")
                raise ClauseError(found.message, [found])
            self._push(Occurrence(values["on"], effect.label or "", fields, None,
                                  f"scheduled by {clause.name}"), -1 if effect.at_start else 1)
        return None

    def _impossible(self, occurrence: Occurrence, message: str) -> None:
        """Stop the run: the event asks for what the contract cannot do, at its place in the scenario."""
        where = f"{occurrence.name} of {occurrence.date.isoformat()}: "
        if occurrence.index is None and occurrence.where is not None:  # emitted by a rule
            said = f"{occurrence.origin} ({where}{message})"
            problem = self.scenario.doc.diagnostic(occurrence.where, said, key=True)
            raise ClauseError(problem.message, [problem])
        if occurrence.index is None:
            raise ClauseError(where + message)
        event = self.scenario.events[occurrence.index]
        problem = self.scenario.doc.diagnostic(event.where, f"event {occurrence.index} ({where}{message})")
        raise ClauseError(problem.message, [problem])

    def _settle(self, name: str, debtor: str | None, creditor: str, amount: Fraction | None, day: dt.date,
                due: dt.date | None = None) -> None:
        """Settle open obligations ``name`` of ``debtor`` (when known) to ``creditor``, oldest
        first, up to ``amount``.

        With ``due``, only the obligations due that day: the one a payment names.
        """
        remaining = amount
        open_ = self._open.get(name, [])
        for obligation in open_:
            if obligation.creditor != creditor:
                continue
            if debtor is not None and obligation.debtor != debtor:
                continue
            if due is not None and obligation.due != due:
                continue
            if obligation.outstanding is None:
                obligation.settled = day
                continue
            paid = obligation.outstanding if remaining is None else min(remaining, obligation.outstanding)
            obligation.outstanding -= paid
            if obligation.outstanding == 0:
                obligation.settled = day
            if remaining is not None:
                remaining -= paid
                if remaining <= 0:
                    break
        self._open[name] = [o for o in open_ if not o.settled]


def _changed(kind: str, old: Any, values: dict[str, Any]) -> Any:
    """The new value of a state variable under a set/increase/decrease/raise/clear effect."""
    if kind == "set":
        return values["to"]
    if kind == "increase":
        return old + values["by"]
    if kind == "decrease":
        return old - values["by"]
    return kind == "raise"


def _located(exc: EvaluationError, context: str) -> ClauseError:
    """An evaluation failure as a diagnostic located in the formula that failed, ``context`` added."""
    return exc.located(context, how=lambda term: f"give it under the scenario's facts ({term.name}: VALUE)")


def run_scenario(scenario: Scenario, derivations: bool = False) -> RunResult:
    """Run ``scenario`` and return its results; with ``derivations``, each value computed keeps
    what it used."""
    return Engine(scenario, derivations).run()
