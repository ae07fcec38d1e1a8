"""Scenario files: which contracts, which market data, the facts, the parties, the events.

Loading resolves every name against the contracts and reads every value
exactly, so that a bad scenario fails with ``path:line:col`` in the scenario
file before anything runs.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from ..calendar import BusinessCalendar
from ..deferred import dataclass, field
from ..diagnostics import ClauseError, Diagnostic
from ..evaluate.evaluator import Environment, EvaluationError, Evaluator
from ..evaluate.market import MarketData, check_bounds, load_market
from ..files import named_file
from ..link.literal_fit import value_problem
from ..link.program import (
    END_EVENT,
    INTERPRETATION,
    OWED,
    SERIES,
    STATE,
    Chart,
    Program,
    Term,
    impossible_value,
)
from ..pipeline import load_checked
from ..slotted import Slotted
from ..syntax import ast
from ..syntax.formula_errors import FormulaSyntaxError
from ..syntax.literals import literal_formula, parse_date
from ..syntax.schema import load_checked_yaml
from ..syntax.yamldoc import Path_, YamlDoc
from ..types import DATE, PARTY, TEXT, Enum, PartyMap, Type, held_keys, held_value, map_levels
from .rules import Outcomes, Rule, load_outcomes, load_rules

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class ScenarioEvent(Slotted):
    """One event of a scenario, its fields read as values of the inputs they fill."""

    _names = ("index", "date", "name", "fields", "where")
    __slots__ = _names  # slotted: a scenario has thousands, each made in a warm run without dataclasses

    def __init__(self, index: int, date: dt.date, name: str, fields: dict[str, Any], where: Path_) -> None:
        self.index = index
        self.date = date
        self.name = name
        self.fields = fields
        self.where = where


@dataclass
class Expectation:
    """What a scenario expects after one event (or at the end)."""

    after: int | None  # None: after the whole run
    values: dict[str, Any]
    state: dict[str, Any]
    obligations: list[dict[str, Any]]
    where: Path_
    flags: list[dict[str, Any]] = field(default_factory=list)
    scheduled: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Scenario:
    """A loaded scenario: programs, market, facts, parties, events and expectations."""

    doc: YamlDoc
    title: str
    programs: list[Program]
    market: MarketData | None
    as_of: dt.date
    choices: dict[str, str]
    facts: dict[str, Any]
    holders: dict[str, dict[str, Any]]
    events: list[ScenarioEvent]
    expectations: list[Expectation] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)  # conduct stated as rules, tried on their days
    outcomes: Outcomes | None = None  # what a simulation collects
    charts: list[tuple[Program, Chart]] = field(default_factory=list)  # its own, with what each reads
    #: The parties the contracts declare with a role (``role: the Company``), by name: the role.
    parties: dict[str, str] = field(default_factory=dict)

    @cached_property
    def others(self) -> frozenset[str]:
        """The parties named with a role that are not among the holders: events and obligations
        may name them, ``for_each`` and sums by party leave them out."""
        return frozenset(self.parties) - frozenset(self.holders)

    @property
    def path(self) -> str:
        """The scenario file as the user named it."""
        return self.doc.path

    def term(self, name: str) -> Term | None:
        """The first program's term of that name."""
        for program in self.programs:
            if name in program.terms:
                return program.terms[name]
        return None

    def event_fields(self, name: str) -> dict[str, Term] | None:
        """The inputs an event fills, across the programs that declare it (None if none does)."""
        found: dict[str, Term] | None = None
        for program in self.programs:
            event = program.events.get(name)
            if event is None:
                continue
            found = found or {}
            for field_name, inputs in event.fields.items():
                found.setdefault(field_name, program.terms[inputs[0]])
        return found


def read_value(text: Any, type_: Type) -> Any:
    """A scenario or expectation value, read exactly as a value of ``type_``.

    Words (a party, a text, a member of an enum) are written without quotes; a plain
    number takes the declared unit and an amount of money may be a price.
    """
    if type_ in (PARTY, TEXT) or isinstance(type_, Enum):
        word = str(text)
        problem = type_.not_a_member(word) if isinstance(type_, Enum) else None
        if problem:
            raise ValueError(problem)
        return word
    if isinstance(text, bool):
        text = "true" if text else "false"
    written = str(text)
    node = literal_formula(written)  # a plain literal needs no grammar
    if node is None:
        from ..syntax.parser import parse_formula

        node = parse_formula(written)
    if ast.signed_literal(node) is None:
        raise ValueError(f"expected a single value, not {text!r}")
    problem = value_problem(node, type_, written, coerce=True)
    if problem:
        raise ValueError(problem)
    return ast.literal_value(node)


def load_scenario(path: str | Path, as_of: dt.date | None = None,
                  variant: Program | None = None) -> Scenario:
    """Load a scenario and every contract it names. Raises ``ClauseError`` with positions.

    ``variant`` replaces the scenario's contract that extends the same body (or its only one).
    """
    doc = load_checked_yaml(path, "scenario.schema.json", "scenario")
    problems: list[Diagnostic] = []
    data = doc.data
    programs = []
    for i, name in enumerate(data["contracts"]):
        contract = named_file(doc, ("contracts", i), str(name), "contract file")
        programs.append(load_checked(contract))
    if variant is not None:
        programs = _with_variant(doc, programs, variant)
    market = None
    if "market" in data:
        csv = named_file(doc, ("market",), str(data["market"]), "market data file")
        exchange = next((p.exchange for p in programs if p.exchange), None)
        market = load_market(csv, BusinessCalendar([exchange]) if exchange else None)
        check_bounds(market, programs)
    scenario = Scenario(doc, str(data["title"]), programs, market,
                        as_of or _date(doc, ("as_of",), data["as_of"], problems), {}, {}, {}, [])
    _readings(scenario, data.get("interpret") or {}, problems)
    _facts(scenario, data.get("facts") or {}, problems)
    _holders(scenario, data.get("holders") or {}, problems)
    _parties(scenario)
    alike: dict[tuple[str, ...], Any] = {}  # what each event's checks find the same for every event
    for i, entry in enumerate(data.get("events") or []):
        event = _event(scenario, i, entry, problems, alike)
        if event is not None:
            scenario.events.append(event)
    scenario.rules = load_rules(doc, programs, problems)
    scenario.outcomes = load_outcomes(doc, programs, problems)
    for i, entry in enumerate(data.get("expect") or []):
        scenario.expectations.append(_expectation(scenario, i, entry, problems))
    if data.get("charts"):
        scenario.charts = _charts(doc, programs, data["charts"], problems)
    if problems:
        raise ClauseError(problems[0].message, problems)
    return scenario


def _charts(doc: YamlDoc, programs: list[Program], raw: dict[str, Any],
            problems: list[Diagnostic]) -> list[tuple[Program, Chart]]:
    """The scenario's own charts, each read and checked as a contract file's over the contract it
    names (``contract:``, as the ``contracts`` list does), or the only one."""
    from ..check.checker import check_charts
    from ..link.loader import read_chart
    from ..syntax.schema import part_diagnostics

    listed = [str(name) for name in doc.data["contracts"]]
    charts: list[tuple[Program, Chart]] = []
    for name, data in raw.items():
        where: Path_ = ("charts", name)
        chart = {k: v for k, v in data.items() if k != "contract"}
        found = part_diagnostics(doc, where, chart, "contract.schema.json", "chart")
        if "contract" in data and str(data["contract"]) not in listed:
            found.append(doc.diagnostic((*where, "contract"), f"{data['contract']!r} is not one of the "
                                        f"contracts: {', '.join(listed)}"))
        elif "contract" not in data and len(programs) > 1:
            found.append(doc.diagnostic(where, f"chart {name} must say which contract's names it reads: "
                                        f"contract: one of {', '.join(listed)}", key=True))
        if found:
            problems.extend(found)
            continue
        program = programs[listed.index(str(data["contract"]))] if "contract" in data else programs[0]
        read: list[Diagnostic] = []
        made = read_chart(doc, str(name), chart, program, read)
        problems.extend(read or check_charts(program, [made]))
        charts.append((program, made))
    return charts


def _root(program: Program) -> str:
    from pathlib import Path  # here: only a scenario that names a variant compares roots

    while program.parent is not None:
        program = program.parent
    return str(Path(program.path).resolve())


def _with_variant(doc: YamlDoc, programs: list[Program], variant: Program) -> list[Program]:
    matches = [i for i, p in enumerate(programs) if _root(p) == _root(variant)]
    if not matches and len(programs) == 1:
        matches = [0]
    if len(matches) != 1:
        problem = doc.diagnostic(("contracts",), f"cannot tell which contract {variant.path} replaces")
        raise ClauseError(problem.message, [problem])
    return [variant if i == matches[0] else p for i, p in enumerate(programs)]


def _date(doc: YamlDoc, where: Path_, raw: Any, problems: list[Diagnostic]) -> dt.date:
    try:
        return parse_date(str(raw))
    except ValueError as exc:
        problems.append(doc.diagnostic(where, str(exc)))
        return dt.date.min


def _readings(scenario: Scenario, raw: dict[str, Any], problems: list[Diagnostic]) -> None:
    for name, choice in raw.items():
        term = scenario.term(name)
        if term is None or term.kind != INTERPRETATION:
            problems.append(scenario.doc.diagnostic(("interpret", name), f"{name!r} is not an interpretation "
                                                    "of these contracts", key=True))
        elif str(choice) not in term.choices:
            problems.append(scenario.doc.diagnostic(("interpret", name), f"no reading {choice!r} of {name} "
                                                    f"(choices: {', '.join(term.choices)})"))
        else:
            scenario.choices[name] = str(choice)


def _facts(scenario: Scenario, raw: dict[str, Any], problems: list[Diagnostic]) -> None:
    for name, text in raw.items():
        term = scenario.term(name)
        if term is None or term.kind in (SERIES, STATE, OWED):
            what = ({STATE: "a state variable (give it under holders)", SERIES: "a market series",
                     OWED: "an obligation, owed by the run's clauses"}[term.kind] if term
                    else "not a term of these contracts")
            problems.append(scenario.doc.diagnostic(("facts", name), f"{name!r} is {what}", key=True))
            continue
        try:
            scenario.facts[name] = read_value(text, term.type)
        except (ValueError, FormulaSyntaxError) as exc:
            problems.append(scenario.doc.diagnostic(("facts", name), f"{name}: {_reason(exc)}"))
            continue
        impossible = impossible_value(term, scenario.facts[name], term.type)
        if impossible:
            problems.append(scenario.doc.diagnostic(("facts", name), f"{name}: {impossible}"))


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, FormulaSyntaxError) else str(exc)


def _key(raw: Any, key: Type) -> Any:
    """A key of a map as the scenario writes it: a party or a text as is, a date read as one."""
    if key == DATE:
        return raw if isinstance(raw, dt.date) else parse_date(str(raw))
    return str(raw)


def _expected_map(raw: Any, type_: PartyMap, keys: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    """A map's expected values by the keys written, outermost first. Under a map of maps, a value
    written without its inner keys is the one under the empty text (the key “” stands for none)."""
    if not isinstance(raw, dict):
        raise ValueError(f"give one value per {type_.key}: {{{type_.key}: value}}")
    found: dict[tuple[Any, ...], Any] = {}
    for k, v in raw.items():
        written = (*keys, _key(k, type_.key))
        inner = type_.element
        if isinstance(inner, PartyMap) and isinstance(v, dict):
            found.update(_expected_map(v, inner, written))
        elif isinstance(inner, PartyMap) and held_keys(inner) != [TEXT] * map_levels(inner):
            raise ValueError(f"give one value per {inner.key}: {{{inner.key}: value}}")
        else:
            found[written] = read_value(v, held_value(inner))
    return found


def _holders(scenario: Scenario, raw: dict[str, Any], problems: list[Diagnostic]) -> None:
    for party, positions in raw.items():
        scenario.holders[party] = {}
        for name, text in (positions or {}).items():
            where = ("holders", party, name)
            term = scenario.term(name)
            if term is None or term.kind != STATE or not isinstance(term.type, PartyMap) or (
                    term.type.key != PARTY):
                problems.append(scenario.doc.diagnostic(where, f"{name!r} is not a state variable kept "
                                                        "by party", key=True))
                continue
            try:
                scenario.holders[party][name] = read_value(text, term.type.element)
            except (ValueError, FormulaSyntaxError) as exc:
                problems.append(scenario.doc.diagnostic(where, f"{name}: {_reason(exc)}"))
                continue
            impossible = impossible_value(term, scenario.holders[party][name], term.type.element)
            if impossible:
                problems.append(scenario.doc.diagnostic(where, f"{name}: {impossible}"))


def _parties(scenario: Scenario) -> None:
    """The parties the contracts name with a role, each by its name (a fact may rename it)."""
    for program in scenario.programs:
        for term in program.terms.values():
            if term.role is not None and term.formula is not None:
                name = scenario.facts.get(term.name, ast.literal_value(term.formula.node))
                scenario.parties.setdefault(str(name), term.role)


def _event(scenario: Scenario, index: int, entry: dict[str, Any], problems: list[Diagnostic],
           alike: dict[tuple[str, ...], Any]) -> ScenarioEvent | None:
    """One event of the scenario read; ``alike`` keeps, by event name and by start date, what the
    checks of every event find the same (its fields, whether it happens by itself, the documents' issue
    dates), and each field's value as written once it was read and found good."""
    doc = scenario.doc
    where: Path_ = ("events", index)
    name = str(entry["event"])
    if ("fields", name) not in alike:
        alike["fields", name] = scenario.event_fields(name)
    fields = alike["fields", name]
    if fields is None or name == END_EVENT:
        known = sorted({e for p in scenario.programs for e in p.events} - {END_EVENT})
        problems.append(doc.diagnostic((*where, "event"),
                                       f"unknown event {name!r} (events: {', '.join(known)})"))
        return None
    if ("every", name) not in alike:
        alike["every", name] = next((e.every for p in scenario.programs for e in p.events.values()
                                     if e.name == name and e.every), None)
    every = alike["every", name]
    if every:
        problems.append(doc.diagnostic((*where, "event"), f"{name} happens by itself every {every}; a "
                                       "scenario does not list it"))
        return None
    day = _date(doc, (*where, "date"), entry["date"], problems)
    values: dict[str, Any] = {}
    for key, text in entry.items():
        if key in ("date", "event"):
            continue
        term = fields.get(key)
        if term is None:
            problems.append(doc.diagnostic((*where, key), f"{name} has no field {key!r} "
                                           f"(fields: {', '.join(fields) or 'none'})", key=True))
            continue
        written = ("value", name, key, type(text).__name__, str(text))
        if written in alike:  # the same field written the same way in an earlier event, and found good
            values[key] = alike[written]
            continue
        try:
            values[key] = read_value(text, term.type)
        except (ValueError, FormulaSyntaxError) as exc:
            label = key if isinstance(term.type, Enum) else f"{key} ({term.type})"  # the reason names members
            problems.append(doc.diagnostic((*where, key), f"{label}: {_reason(exc)}"))
            continue
        impossible = impossible_value(term, values[key], term.type)
        if impossible:
            problems.append(doc.diagnostic((*where, key), f"{key}: {impossible}"))
        unknown = (term.type == PARTY and values[key] not in scenario.holders
                   and values[key] not in scenario.parties)
        if unknown:
            others = "".join(f"; {name}, {role}" for name, role in scenario.parties.items())
            problems.append(doc.diagnostic((*where, key), f"unknown holder {values[key]!r} (holders: "
                                           f"{', '.join(scenario.holders) or 'none'}{others})"))
        if not impossible and not unknown:
            alike[written] = values[key]
    for key, term in fields.items():
        if key not in values and term.formula is None and key not in entry:
            problems.append(doc.diagnostic(where, f"{name} needs its field {key!r}"))
    _check_date(scenario, (*where, "date"), name, day, problems, alike)
    return ScenarioEvent(index, day, name, values, where)


def _check_date(scenario: Scenario, where: Path_, event: str, day: dt.date, problems: list[Diagnostic],
                alike: dict[tuple[str, ...], Any]) -> None:
    market = scenario.market
    if market and market.dates and not market.dates[0] <= day <= market.dates[-1]:
        problems.append(scenario.doc.diagnostic(where, f"{day.isoformat()} is outside the market data "
                                                f"({market.dates[0].isoformat()} to "
                                                f"{market.dates[-1].isoformat()})"))
    for program in scenario.programs:
        starts = [(program.title, program.issue_date)]
        joined = program.documents.get(event.partition(".")[0]) if "." in event else None
        if joined is not None:  # in a deal, an event of one document cannot precede its issue either
            starts.append((joined.title, joined.issue_date))
        for title, issue_date in starts:
            if issue_date and (program.path, issue_date) not in alike:
                alike[program.path, issue_date] = _constant_date(program, issue_date, scenario.facts)
            issued = alike[program.path, issue_date] if issue_date else None
            if issued is not None and day < issued:
                problems.append(scenario.doc.diagnostic(where, f"{day.isoformat()} is before {title}'s "
                                                        f"{issue_date} ({issued.isoformat()})"))


def _constant_date(program: Program, name: str, facts: dict[str, Any]) -> dt.date | None:
    try:
        value = Evaluator(program, Environment(given=dict(facts))).value(name)
    except EvaluationError:
        return None
    return value if isinstance(value, dt.date) else None


def _expectation(scenario: Scenario, index: int, entry: dict[str, Any],
                 problems: list[Diagnostic]) -> Expectation:
    doc = scenario.doc
    where: Path_ = ("expect", index)
    after = entry.get("after", "end")
    position = None if after == "end" else int(after)
    if position is not None and not 0 <= position < len(doc.data.get("events") or []):
        problems.append(doc.diagnostic((*where, "after"), f"there is no event {position} "
                                       "(events are counted from 0)"))
    expected = Expectation(position, {}, {}, list(entry.get("obligations") or []), where,
                           list(entry.get("flags") or []), list(entry.get("scheduled") or []))
    for name, text in (entry.get("values") or {}).items():
        term = scenario.term(name)
        if term is None:
            problems.append(doc.diagnostic((*where, "values", name), f"unknown term {name!r}", key=True))
            continue
        try:
            expected.values[name] = read_value(text, term.type)
        except (ValueError, FormulaSyntaxError) as exc:
            problems.append(doc.diagnostic((*where, "values", name), f"{name}: {_reason(exc)}"))
    for name, raw in (entry.get("state") or {}).items():
        term = scenario.term(name)
        if term is None or term.kind != STATE:
            problems.append(doc.diagnostic((*where, "state", name), f"{name!r} is not a state variable",
                                           key=True))
            continue
        try:
            if isinstance(term.type, PartyMap):
                expected.state[name] = _expected_map(raw, term.type)
            else:
                expected.state[name] = read_value(raw, term.type)
        except (ValueError, FormulaSyntaxError) as exc:
            problems.append(doc.diagnostic((*where, "state", name), f"{name}: {_reason(exc)}"))
    return expected
