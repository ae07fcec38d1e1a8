"""What is at stake in each ambiguity: the run repeated under every reading of each interpretation
it reads, and the results that change (``clause run --readings``, ``clause report``).

A result is a value a clause computed at an event, an obligation (its amount, due date and
settlement), a flag's changes, or a state variable's final value. An interpretation the run
never evaluated cannot change it, so only those the run read are repeated.
"""

from __future__ import annotations

from ..deferred import dataclass, field, replace
from ..diagnostics import ClauseError
from ..display import human, plain
from ..link.program import Program, Term
from ..run.engine import RunResult, run_scenario
from .run_report import obligation_plain

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from typing import Any

#: A result as people read it and as programs do.
Shown = tuple[str, "Any"]


@dataclass
class Stake:
    """One interpretation whose readings change results of the run, and those results by reading."""

    term: Term
    program: Program
    in_force: str
    #: Each result that differs: its label and its value under each reading (None: absent).
    results: list[tuple[str, dict[str, Shown | None]]] = field(default_factory=list)
    stops: dict[str, str] = field(default_factory=dict)  # a reading under which the run fails, and why

    @property
    def choices(self) -> list[str]:
        """The readings, in the order the file gives them."""
        return list(self.term.choices)


@dataclass
class Readings:
    """The interpretations at stake in a run, and those it read whose readings change nothing."""

    stakes: list[Stake]
    unchanged: list[str]


def outcomes(run: RunResult) -> dict[str, Shown]:
    """Every result of a run by a label that names it across runs."""
    out: dict[str, Shown] = {}
    for result in run.results:
        o = result.occurrence
        event = f"{o.date.isoformat()} {o.name}" + (f" (event {o.index})" if o.index is not None else "")
        for computed in result.values:
            record = computed.record
            out[f"{event}: {record.term.name}"] = (human(record.value, record.term.type),
                                                   plain(record.value, record.term.type))
    seen: dict[str, int] = {}
    for ob in run.obligations:
        label = f"{ob.what} owed to {ob.creditor} ({ob.clause}, {ob.created.isoformat()})"
        seen[label] = seen.get(label, 0) + 1
        label += f" #{seen[label]}" if seen[label] > 1 else ""
        out[label] = (f"{ob.summary()}, {ob.status()}", obligation_plain(ob))
    changes: dict[str, list[str]] = {}
    for flag in run.flags:
        label = f"flag {flag.name}" + (f" for {flag.party}" if flag.party else "")
        change = "raised" if flag.raised else "cleared"
        changes.setdefault(label, []).append(f"{change} {flag.date.isoformat()}")
    out.update({label: (", ".join(c), c) for label, c in changes.items()})
    for name, value in run.state.items():
        out[f"final {name}"] = (human(value, run.types[name]), plain(value, run.types[name]))
    return out


def interpretations_read(run: RunResult) -> list[tuple[Program, Term]]:
    """The interpretations the run evaluated, each once, in the order of the contracts."""
    found: dict[str, tuple[Program, Term]] = {}
    for program in run.scenario.programs:
        for term in program.interpretations():
            if term.name in run.read:
                found.setdefault(term.name, (program, term))
    return list(found.values())


def at_stake(run: RunResult, names: list[str] | None = None) -> Readings:
    """Repeat ``run`` under each other reading of the interpretations it read (or of ``names``)."""
    read = interpretations_read(run)
    if names is not None:
        known = {t.name: (p, t) for p in run.scenario.programs for t in p.interpretations()}
        for name in names:
            if name not in known:
                raise ClauseError(f"no interpretation {name!r} in the scenario's contracts "
                                  f"(interpretations: {', '.join(sorted(known)) or 'none'})")
        read = [known[name] for name in names]
    base = outcomes(run)
    stakes, unchanged = [], []
    for program, term in read:
        in_force = run.scenario.choices.get(term.name, term.default_choice or "")
        stake = Stake(term, program, in_force)
        by_choice: dict[str, dict[str, Shown]] = {in_force: base}
        for choice in term.choices:
            if choice == in_force:
                continue
            scenario = replace(run.scenario, choices={**run.scenario.choices, term.name: choice})
            try:
                by_choice[choice] = outcomes(run_scenario(scenario))
            except ClauseError as exc:
                stake.stops[choice] = exc.lines()[0]
        labels = dict.fromkeys(label for results in by_choice.values() for label in results)
        for label in labels:
            values = {choice: by_choice[choice].get(label) for choice in term.choices if choice in by_choice}
            if len({repr(v[1]) if v else None for v in values.values()}) > 1:
                stake.results.append((label, values))
        if stake.results or stake.stops:
            stakes.append(stake)
        else:
            unchanged.append(term.name)
    return Readings(stakes, unchanged)


def readings_text(readings: Readings) -> str:
    """The readings at stake as text, for ``clause run --readings``."""
    out = ["", "What the readings change"]
    for stake in readings.stakes:
        term = stake.term
        out.append(f"  {term.name} [{', '.join(term.sources)}]: {term.question}")
        marks = {c: " (in force)" if c == stake.in_force else "" for c in stake.choices}
        out.append("    readings: " + ", ".join(f"{c}{marks[c]}" for c in stake.choices))
        for choice, why in stake.stops.items():
            out.append(f"    under {choice} the run stops: {why}")
        for label, values in stake.results:
            out.append(f"    {label}")
            out += [f"      {choice}: {value[0] if value else '(none)'}" for choice, value in values.items()]
    if not readings.stakes:
        out.append("  no reading changes a result of this run")
    if readings.unchanged:
        out.append(f"  read by this run, changing no result: {', '.join(readings.unchanged)}")
    return "\n".join(out) + "\n"


def readings_json(readings: Readings) -> dict[str, Any]:
    """The readings at stake as JSON-ready data, every value exact."""
    return {
        "at_stake": [{
            "interpretation": s.term.name,
            "question": s.term.question,
            "source": s.term.sources,
            "in_force": s.in_force,
            "choices": {c: {"reason": s.term.choices[c].reason, "default": c == s.term.default_choice,
                            "stops": s.stops.get(c)} for c in s.choices},
            "results": [{"result": label, "values": {c: v[1] if v else None for c, v in values.items()}}
                        for label, values in s.results],
        } for s in readings.stakes],
        "unchanged": readings.unchanged,
    }


def readings_markdown(readings: Readings) -> str:
    """The readings at stake as Markdown: one table per interpretation, a column per reading."""
    out = ["", "## What the readings change", ""]
    for stake in readings.stakes:
        term = stake.term
        out += [f"### `{term.name}` ({', '.join(term.sources)})", "", term.question or "", ""]
        out += [f"- `{c}`{' (in force)' if c == stake.in_force else ''}: {term.choices[c].reason}"
                + (f" Under it the run stops: {stake.stops[c]}" if c in stake.stops else "")
                for c in stake.choices]
        if stake.results:
            out += ["", "| result | " + " | ".join(f"`{c}`" for c in stake.choices) + " |",
                    "| --- |" + " --- |" * len(stake.choices)]
            for label, values in stake.results:
                cells = [shown[0] if (shown := values.get(c)) else "" for c in stake.choices]
                out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")
    if not readings.stakes:
        out += ["No reading changes a result of this run.", ""]
    if readings.unchanged:
        names = ", ".join(f"`{n}`" for n in readings.unchanged)
        out += [f"Read by this run, changing no result: {names}.", ""]
    return "\n".join(out)
