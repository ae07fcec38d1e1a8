"""Checking a run against a scenario's ``expect:`` block (``clause test``)."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..display import decimal_text, human
from ..rational import Fraction
from ..syntax.yamldoc import Path_
from ..types import PartyMap, Type, held_value, map_levels
from ..values import PartyValues
from .engine import Obligation, RunResult
from .scenario import Expectation, read_value

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any


def same(expected: Any, actual: Any) -> bool:
    """Exact equality; a value whose decimal never ends also matches its expected rounding.

    ``37.3150684932`` matches 2724/73 when written with at least ten decimal places.
    """
    if expected == actual:
        return True
    if isinstance(expected, Fraction) and isinstance(actual, Fraction):
        exact = decimal_text(actual)[1]
        places = len(decimal_text(expected)[0].partition(".")[2])
        if not exact and places >= 10:
            return round(actual, places) == expected
    return False


def failures(run: RunResult) -> list[Diagnostic]:
    """One diagnostic per expectation the run does not meet, at what it expects in the scenario file."""
    doc = run.scenario.doc
    return [doc.diagnostic(where, message)
            for expectation in run.scenario.expectations for where, message in _check(run, expectation)]


def _where(run: RunResult, expectation: Expectation) -> str:
    if expectation.after is None:
        return "at the end"
    event = run.scenario.events[expectation.after]
    return f"after event {expectation.after} ({event.date.isoformat()} {event.name})"


def _check(run: RunResult, expectation: Expectation) -> list[tuple[Path_, str]]:
    """Each unmet part of ``expectation``: where the scenario file writes it, and what the run gave."""
    where = _where(run, expectation)
    at = expectation.where
    out: list[tuple[Path_, str]] = []
    if expectation.values:
        computed = {}
        for result in run.results:
            if expectation.after is None or result.occurrence.index == expectation.after:
                computed.update({c.name: c for c in result.values})
        for name, expected in expectation.values.items():
            got = computed.get(name)
            if got is None:
                out.append(((*at, "values", name), f"{where}: {name} was not computed"))
            elif not same(expected, got.record.value):
                type_ = got.record.term.type
                out.append(((*at, "values", name), f"{where}: {name} expected {human(expected, type_)}, got "
                           f"{human(got.record.value, type_)} [{', '.join(got.record.term.sources)}; "
                           f"clause {got.clause}]"))
    state = run.state if expectation.after is None else run.snapshots.get(expectation.after, {})
    for name, expected in expectation.state.items():
        actual = state.get(name)
        type_ = run.types[name]
        if isinstance(actual, PartyValues):
            for written, value in expected.items():  # inner keys not written: the empty text's
                got = actual.at(written + ("",) * (map_levels(type_) - len(written)))
                if not same(value, got):
                    shown = "".join(f"[{k}]" for k in written)
                    out.append(((*at, "state", name, *written), f"{where}: {name}{shown} expected "
                                f"{_show(value, type_)}, got {_show(got, type_)}"))
        elif not same(expected, actual):
            out.append(((*at, "state", name), f"{where}: {name} expected {_show(expected, type_)}, "
                        f"got {_show(actual, type_)}"))
    # What the run had done by the event checked after (settlement is as at the end).
    day = None if expectation.after is None else run.scenario.events[expectation.after].date
    obligations = [o for o in run.obligations if day is None or o.created <= day]
    for i, wanted in enumerate(expectation.obligations):
        if not any(_matches(wanted, o) for o in obligations):
            asked = ", ".join(f"{k}: {str(v).lower() if isinstance(v, bool) else v}"
                              for k, v in wanted.items())
            alike = [o for o in obligations if o.what == wanted.get("what")] or obligations
            found = "; ".join(f"{o.summary()}, {o.status()}" for o in alike[:3]) or "none"
            more = f" (and {len(alike) - 3} more)" if len(alike) > 3 else ""
            out.append(((*at, "obligations", i),
                        f"{where}: no obligation matches {{{asked}}}; the run has: {found}{more}"))
    changes = [f for f in run.flags if day is None or f.date <= day]
    facts = [{"flag": f.name, "party": f.party, "change": "raised" if f.raised else "cleared",
              "date": f.date.isoformat(), "clause": f.clause} for f in changes]
    out += [((*at, "flags", i), line) for i, wanted in enumerate(expectation.flags)
            for line in _unmatched(where, "flag change", wanted, facts, "flag")]
    held = [r.occurrence for r in run.results if r.occurrence.origin.startswith("scheduled by")
            and (day is None or r.occurrence.date <= day)]
    scheduled = [{"event": o.name, "date": o.date.isoformat(), "by": o.origin.removeprefix("scheduled by ")}
                 for o in held]
    out += [((*at, "scheduled", i), line) for i, wanted in enumerate(expectation.scheduled)
            for line in _unmatched(where, "scheduled event", wanted, scheduled, "event")]
    return out


def _unmatched(where: str, what: str, wanted: dict[str, Any], facts: list[dict[str, Any]],
               key: str) -> list[str]:
    """A failure line when no fact matches ``wanted`` field by field, with those of its ``key``."""
    if any(all(str(fact.get(k)) == str(v) for k, v in wanted.items()) for fact in facts):
        return []
    asked = ", ".join(f"{k}: {v}" for k, v in wanted.items())
    alike = [f for f in facts if f.get(key) == wanted.get(key)]
    shown = "; ".join(", ".join(f"{k}: {v}" for k, v in f.items() if v is not None) for f in alike[:3])
    return [f"{where}: no {what} matches {{{asked}}}; the run has: {shown or 'none of that ' + key}"]


def _show(value: Any, type_: Type) -> str:
    element = held_value(type_) if isinstance(type_, PartyMap) else getattr(type_, "element", type_)
    return human(value, element)


def _matches(wanted: dict[str, Any], obligation: Obligation) -> bool:
    for key, text in wanted.items():
        if key == "amount":
            if obligation.amount is None or not same(read_value(text, obligation.type), obligation.amount):
                return False
        elif key == "settled":
            if isinstance(text, bool):
                if text != (obligation.settled is not None):
                    return False
            elif obligation.settled is None or str(text) != obligation.settled.isoformat():
                return False
        elif key == "due":
            if str(text) != obligation.due.isoformat():
                return False
        elif str(text) != str(getattr(obligation, key)):
            return False
    return True
