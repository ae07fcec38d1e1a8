"""Evaluating terms of a contract from user-supplied text: the layer under the CLI.

``environment`` reads ``--set`` and ``--interpret`` pairs and the market data;
``evaluate`` computes the requested terms and turns evaluation failures into
diagnostics located in the contract file.
"""

from __future__ import annotations

from ..calendar import BusinessCalendar
from ..diagnostics import ClauseError, close_match
from ..link.literal_fit import value_problem
from ..link.program import INTERPRETATION, OWED, SERIES, Program, impossible_value
from ..syntax import ast
from ..syntax.literals import SHOWN_CHARS, literal_formula, shown
from .evaluator import Environment, EvaluationError, Evaluator
from .market import check_bounds, load_market
from .trace import Record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any


def unknown_name(name: str, program: Program, what: str) -> ClauseError:
    """``unknown term 'x' in FILE; did you mean 'y'?``, for a name the user gave."""
    return ClauseError(f"unknown {what} {name!r} in {program.path}{close_match(name, program.terms)}")


def given_values(program: Program, items: list[tuple[str, str]]) -> dict[str, Any]:
    """Read ``--set NAME=VALUE`` pairs as exact values of each term's declared type."""
    given: dict[str, Any] = {}
    for name, text in items:
        term = program.terms.get(name)
        if term is None:
            raise unknown_name(name, program, "term")
        if term.kind == SERIES:
            raise ClauseError(f"--set {name}: a series comes from the market data (--market)")
        if term.kind == OWED:
            raise ClauseError(f"--set {name}: what is outstanding of an obligation comes from a run "
                              "(clause run)")
        written = f"--set {name}={text if len(text) <= SHOWN_CHARS else shown(text)}"
        node = literal_formula(text)
        if node is None:
            node = _parsed(written, text)
        if ast.signed_literal(node) is None:
            raise ClauseError(f"{written}: give a single value such as 1,000 or 1999-08-02 or $6.03")
        problem = value_problem(node, term.type, text, coerce=True)
        if problem:
            raise ClauseError(f"{written}: {problem}")
        given[name] = ast.literal_value(node)
        impossible = impossible_value(term, given[name], term.type)
        if impossible:
            raise ClauseError(f"{written}: {impossible}")
    return given


def _parsed(written: str, text: str) -> ast.Node:
    """A ``--set`` value that is not a plain literal, read by the parser (loaded only for it);
    ``written`` is how an error shows the option."""
    from ..syntax.parser import FormulaSyntaxError, parse_formula

    try:
        return parse_formula(text)
    except FormulaSyntaxError as exc:
        raise ClauseError(f"{written}: {exc.message}") from None


def chosen_readings(program: Program, items: list[tuple[str, str]]) -> dict[str, str]:
    """Check ``--interpret NAME=CHOICE`` pairs against the contract's interpretations."""
    choices: dict[str, str] = {}
    for name, choice in items:
        term = program.terms.get(name)
        if term is None or term.kind != INTERPRETATION:
            known = ", ".join(t.name for t in program.interpretations()) or "none"
            raise ClauseError(f"--interpret {name}: not an interpretation of {program.path} "
                              f"(known: {known})")
        if choice not in term.choices:
            raise ClauseError(f"--interpret {name}={choice}: no such reading (choices: "
                              f"{', '.join(term.choices)})")
        choices[name] = choice
    return choices


def environment(program: Program, given: list[tuple[str, str]], readings: list[tuple[str, str]],
                market: str | None = None) -> Environment:
    """The evaluation environment from ``NAME=VALUE`` texts, ``NAME=CHOICE`` texts and a CSV."""
    env = Environment(given=given_values(program, given), choices=chosen_readings(program, readings))
    if market:
        exchange = BusinessCalendar([program.exchange]) if program.exchange else None
        env.market = load_market(market, exchange)
        check_bounds(env.market, [program])
    return env


def evaluate(program: Program, env: Environment, terms: list[str], derivations: bool = False) -> list[Record]:
    """Evaluate ``terms`` (with ``derivations``, each record with what it used, for ``--explain``);
    raises ``ClauseError`` located in the contract on failure."""
    for name in terms:
        if name not in program.terms:
            raise unknown_name(name, program, "term")
    not_before_issue(program, env)
    evaluator = Evaluator(program, env, derivations)
    try:
        return [evaluator.record(name) for name in terms]
    except EvaluationError as exc:
        raise exc.located(how=lambda term: f"give it with --set {term.name}=VALUE") from None


def not_before_issue(program: Program, env: Environment) -> None:
    """Refuse an event's date given before the document is issued: nothing happens under it then."""
    dates = {name for event in program.events.values() for name in event.date_inputs}
    given = sorted((name, day) for name, day in env.given.items() if name in dates)
    if not given or program.issue_date is None:
        return
    try:
        issued = Evaluator(program, env).value(program.issue_date)
    except EvaluationError:
        return  # the issue date needs inputs not given: the terms asked for will say which
    for name, day in given:
        if day < issued:
            raise ClauseError(f"--set {name}={day.isoformat()}: {day.isoformat()} is before "
                              f"{program.title}'s {program.issue_date} ({issued.isoformat()}), "
                              "when nothing under it can happen yet")
