"""A scenario's own formulas: the rules holders follow, and the outcomes a simulation collects.

A **rule** states conduct instead of dated events: on each day of its schedule (every trading
day, business day, day, or the first trading day of each week) it is tried, once or for each
holder, and emits its event when its condition holds, with the event's fields computed by
formulas. Its formulas are the contract's formulas: checked against the contract that declares
the event (names, types), read on the state of the run as it is that day, with the event's
date inputs set to that day. **Outcomes** name what ``clause simulate`` collects from each run.

Both are read from the scenario file and every problem is reported at its place in it.
"""

from __future__ import annotations

import datetime as dt

from ..deferred import dataclass, field
from ..diagnostics import Diagnostic
from ..link.program import INPUT, Formula, Program
from ..syntax.formula_errors import FormulaSyntaxError
from ..syntax.literals import parse_date
from ..syntax.yamldoc import Path_, YamlDoc
from ..types import BOOLEAN, PARTY, Quantity, Type

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

#: The schedules a rule may follow: the first three as an event's ``every``; ``week``: the first
#: trading day of each calendar week (Monday to Sunday).
RULE_SCHEDULES = ("trading day", "business day", "day", "week")


@dataclass
class Rule:
    """A scenario's rule: on each day of ``every``, emit ``event`` with ``fields`` when ``when`` holds."""

    name: str
    every: str
    event: str
    program: Program  # the contract that declares the event, whose names the formulas read
    fields: dict[str, Formula]
    when: Formula | None
    where: Path_
    for_each: str | None = None
    first: dt.date | None = None
    last: dt.date | None = None


@dataclass
class Outcomes:
    """What a simulation collects from each run, besides flags and obligations: formulas of
    ``program`` read at the end (``values``), for each holder after each change of state
    (``holders``, bound by ``for_each``), and conditions whose first date is kept (``first``)."""

    program: Program
    values: dict[str, Formula] = field(default_factory=dict)
    holders: dict[str, Formula] = field(default_factory=dict)
    first: dict[str, Formula] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)  # by label of ``holders``: a value of its type
    for_each: str | None = None
    types: dict[str, Type] = field(default_factory=dict)  # of values and holders, by label


def _formula(doc: YamlDoc, where: Path_, program: Program, expected: Type | str, what: str,
             problems: list[Diagnostic]) -> Formula | None:
    """The formula at ``where``, parsed and checked against ``program``'s names as ``what``."""
    from ..check.checker import check_formula  # here: a scenario without rules needs no parser (Lark)
    from ..link.loader import formula_at

    formula = formula_at(doc, where, problems)
    if formula is None:
        return None
    found = check_formula(program, formula, expected, what)
    problems.extend(found)
    return None if found else formula


def _party_input(doc: YamlDoc, where: Path_, program: Program, name: str, problems: list[Diagnostic]) -> bool:
    term = program.terms.get(name)
    if term is None or term.kind != INPUT or term.type != PARTY:
        problems.append(doc.diagnostic(where, f"for_each names a party input, not {name!r}"))
        return False
    return True


def load_rules(doc: YamlDoc, programs: list[Program], problems: list[Diagnostic]) -> list[Rule]:
    """The scenario's ``rules``, each checked against the contract that declares its event."""
    rules = []
    for name, entry in (doc.data.get("rules") or {}).items():
        where: Path_ = ("rules", name)
        event = str(entry["event"])
        program = next((p for p in programs if event in p.events), None)
        if program is None or program.events[event].every:
            known = sorted({e for p in programs for e, d in p.events.items() if not d.every})
            problems.append(doc.diagnostic((*where, "event"), f"unknown event {event!r} (events: "
                                           f"{', '.join(known)})" if program is None else
                                           f"{event} happens by itself every {program.events[event].every}; "
                                           "a rule cannot emit it"))
            continue
        declared = program.events[event]
        before = len(problems)
        for_each = entry.get("for_each")
        if for_each is not None and not _party_input(doc, (*where, "for_each"), program, str(for_each),
                                                     problems):
            continue
        fields: dict[str, Formula] = {}
        for key in entry.get("with") or {}:
            inputs = declared.fields.get(str(key))
            if inputs is None:
                problems.append(doc.diagnostic((*where, "with", key), f"{event} has no field {key!r} "
                                               f"(fields: {', '.join(declared.fields) or 'none'})", key=True))
                continue
            formula = _formula(doc, (*where, "with", key), program, program.terms[inputs[0]].type,
                               f"field {key}", problems)
            if formula is not None:
                fields[str(key)] = formula
        for key, inputs in declared.fields.items():
            if program.terms[inputs[0]].formula is None and key not in (entry.get("with") or {}):
                problems.append(doc.diagnostic(where, f"rule {name}: {event} needs its field {key!r} "
                                               f"(give it under with)", key=True))
        when = (_formula(doc, (*where, "when"), program, BOOLEAN, "a rule's condition", problems)
                if "when" in entry else None)
        first, last = (_day(doc, (*where, key), entry.get(key), problems) for key in ("from", "through"))
        if len(problems) == before:
            rules.append(Rule(str(name), str(entry["every"]), event, program, fields, when, where,
                              str(for_each) if for_each is not None else None, first, last))
    return rules


def _day(doc: YamlDoc, where: Path_, raw: Any, problems: list[Diagnostic]) -> dt.date | None:
    if raw is None:
        return None
    try:
        return raw if isinstance(raw, dt.date) else parse_date(str(raw))
    except ValueError as exc:
        problems.append(doc.diagnostic(where, str(exc)))
        return None


def load_outcomes(doc: YamlDoc, programs: list[Program], problems: list[Diagnostic]) -> Outcomes:
    """The scenario's ``outcomes``, read against its first contract (empty when it has none)."""
    from .scenario import read_value

    program = programs[0]
    raw = doc.data.get("outcomes") or {}
    outcomes = Outcomes(program)
    for_each = raw.get("for_each")
    if for_each is not None and _party_input(doc, ("outcomes", "for_each"), program, str(for_each), problems):
        outcomes.for_each = str(for_each)
    if raw.get("holders") and outcomes.for_each is None and for_each is None:
        problems.append(doc.diagnostic(("outcomes", "holders"), "holders' formulas need for_each: the "
                                       "party input they read", key=True))
    for section, expected, what in (("values", "quantity", "a value"), ("holders", "quantity", "a value"),
                                    ("first", BOOLEAN, "a condition")):
        for label in raw.get(section) or {}:
            formula = _formula(doc, ("outcomes", section, label), program, expected, what, problems)
            if formula is not None:
                getattr(outcomes, section)[str(label)] = formula
                if section != "first" and formula.node.type is not None:
                    outcomes.types[str(label)] = formula.node.type
    for label, text in (raw.get("limits") or {}).items():
        where: Path_ = ("outcomes", "limits", label)
        type_ = outcomes.types.get(str(label))
        if str(label) not in (raw.get("holders") or {}):
            problems.append(doc.diagnostic(where, f"no holders' formula {label!r} to draw a limit on",
                                           key=True))
        elif isinstance(type_, Quantity):
            try:
                outcomes.limits[str(label)] = read_value(text, type_)
            except (ValueError, FormulaSyntaxError) as exc:
                problems.append(doc.diagnostic(where, f"{label}: {getattr(exc, 'message', exc)}"))
    return outcomes


def first_of_weeks(days: list[dt.date]) -> list[dt.date]:
    """The first of ``days`` (ascending) in each calendar week, Monday to Sunday."""
    found: list[dt.date] = []
    for day in days:
        if not found or day.isocalendar()[:2] != found[-1].isocalendar()[:2]:
            found.append(day)
    return found
