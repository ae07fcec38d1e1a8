"""Presenting a run: what happened at each event, obligations, flags and final state."""

from __future__ import annotations

from ..display import human, plain
from ..run.engine import FlagChange, Obligation, Result, RunResult
from ..values import PartyValues
from .explain import explain

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any


def _effective(value: Any) -> Any:
    """A value by party compared by what it says: a party set to the default is no change."""
    if isinstance(value, PartyValues):
        return (value.default, {p: v for p, v in value.values.items() if v != value.default})
    return value


def _event_label(result: Result) -> str:
    occurrence = result.occurrence
    index = "-" if occurrence.index is None else str(occurrence.index)
    origin = "" if occurrence.origin == "scenario" else f"  ({occurrence.origin})"
    return f"{index:>3}  {occurrence.date.isoformat()}  {occurrence.name}{origin}"


def obligation_plain(o: Obligation) -> dict[str, Any]:
    """An obligation as JSON-ready data, every number an exact decimal string."""
    counted = o.amount is not None
    return {"debtor": o.debtor, "creditor": o.creditor, "what": o.what,
            "amount": plain(o.amount, o.type) if counted else None,
            "unit": str(o.type) if counted else None, "due": o.due.isoformat(),
            "created": o.created.isoformat(),
            "outstanding": plain(o.outstanding, o.type) if o.outstanding is not None else None,
            "settled": o.settled.isoformat() if o.settled else None,
            "clause": o.clause, "source": o.sources}


def _flag_plain(f: FlagChange) -> dict[str, Any]:
    return {"flag": f.name, "party": f.party, "change": "raised" if f.raised else "cleared",
            "date": f.date.isoformat(), "clause": f.clause, "source": f.sources}


def run_json(run: RunResult) -> dict[str, Any]:
    """The run as JSON-ready data, every number an exact decimal string."""
    return {
        "scenario": run.scenario.title,
        "as_of": run.scenario.as_of.isoformat(),
        "results": [{
            "index": r.occurrence.index,
            "date": r.occurrence.date.isoformat(),
            "event": r.occurrence.name,
            "origin": r.occurrence.origin,
            "clauses": r.clauses,
            "values": {c.name: plain(c.record.value, c.record.term.type) for c in r.values},
            "sources": {c.name: c.record.term.sources for c in r.values},
        } for r in run.results],
        "not_reached": [{"index": o.index, "date": o.date.isoformat(), "event": o.name}
                        for o in run.not_reached],
        "obligations": [obligation_plain(o) for o in run.obligations],
        "flags": [_flag_plain(f) for f in run.flags],
        "state": {k: plain(v, run.types[k]) for k, v in run.state.items()},
    }


def run_text(run: RunResult, explain_values: bool = False) -> str:
    """A plain-text report of the run."""
    out = [f"{run.scenario.title}  ({run.scenario.path}, as of {run.scenario.as_of.isoformat()})", "",
           "Events"]
    for result in run.results:
        clauses = ", ".join(result.clauses) or "no clause applied"
        out.append(f"{_event_label(result)}: {clauses}")
        for computed in result.values:
            record = computed.record
            if explain_values:
                out.extend("       " + line for line in explain(record, computed.program))
            else:
                out.append(f"       {record.term.name} = {human(record.value, record.term.type)}  "
                           f"[{', '.join(record.term.sources)}]")
    if run.not_reached:
        out += ["", f"Not reached (after {run.scenario.as_of.isoformat()})"]
        out += [f"  {o.index:>3}  {o.date.isoformat()}  {o.name}" for o in run.not_reached]
    out += ["", "Obligations"]
    for o in run.obligations or []:
        out.append(f"  {o.summary()}  [{', '.join(o.sources)}; {o.clause}]  {o.status()}")
    if not run.obligations:
        out.append("  none")
    out += ["", "Flags"]
    for f in run.flags:
        party = f" for {f.party}" if f.party else ""
        out.append(f"  {f.date.isoformat()}  {f.name}{party} {'raised' if f.raised else 'cleared'}  "
                   f"[{', '.join(f.sources)}; {f.clause}]")
    if not run.flags:
        out.append("  none")
    changed = {k: v for k, v in run.state.items() if _effective(v) != _effective(run.initial.get(k))}
    out += ["", "State that changed" if changed else "State: unchanged"]
    out += [f"  {k} = {human(v, run.types[k])}" for k, v in changed.items()]
    return "\n".join(out) + "\n"


def run_markdown(run: RunResult) -> str:
    """The run as Markdown tables."""
    out = [f"# {run.scenario.title}", "", f"Scenario `{run.scenario.path}`, as of "
           f"{run.scenario.as_of.isoformat()}.", "", "## Events", "",
           "| # | date | event | clause | value | source |", "| --- | --- | --- | --- | --- | --- |"]
    for r in run.results:
        index = "" if r.occurrence.index is None else str(r.occurrence.index)
        first = f"| {index} | {r.occurrence.date.isoformat()} | {r.occurrence.name} |"
        quiet = [c for c in r.clauses if all(v.clause != c for v in r.values)]
        if quiet or not r.clauses:
            out.append(f"{first} {', '.join(quiet) or '—'} | | |")
            first = "| | | |"
        for c in r.values:
            out.append(f"{first} {c.clause} | `{c.name}` = {human(c.record.value, c.record.term.type)} | "
                       f"{', '.join(c.record.term.sources)} |")
            first = "| | | |"
    out += ["", "## Obligations", "", "| debtor | creditor | what | amount | due | status | source |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    out += [f"| {o.debtor} | {o.creditor} | {o.what} | "
            f"{'' if o.amount is None else human(o.amount, o.type) + ' '}| {o.due.isoformat()} | "
            f"{o.status()} | {', '.join(o.sources)} |" for o in run.obligations]
    out += ["", "## Flags", "", "| date | flag | party | change | source |",
            "| --- | --- | --- | --- | --- |"]
    out += [f"| {f.date.isoformat()} | {f.name} | {f.party or ''} | {'raised' if f.raised else 'cleared'} | "
            f"{', '.join(f.sources)} |" for f in run.flags]
    out += ["", "## State", "", "| name | value |", "| --- | --- |"]
    out += [f"| {k} | {human(v, run.types[k])} |" for k, v in run.state.items()]
    return "\n".join(out) + "\n"
