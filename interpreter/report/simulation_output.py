"""A simulation's outcomes as one JSON document, and its distributions for people.

The document holds every path's outcomes, exact (decimal strings), in path order, and what
produced them (the scenario, the model and its seed), but nothing about how it was run (workers,
cluster, time taken): the same seed gives the same bytes however the paths were spread.
``clause report SIM.json`` draws its distributions (``simulation_page.py``); ``summary`` prints
them as quantiles and shares of paths.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict
from typing import Any

from ..display import human, plain
from ..rational import Fraction
from ..simulate.simulation import Simulation, holder_types, quantile
from ..types import RATIO, parse_type
from .sweep_output import table

#: What the first line of a simulation's JSON says it is (``clause report`` tells it by this).
KIND = "clause simulate"


def simulation_json(simulation: Simulation, found: list[dict[str, Any]]) -> dict[str, Any]:
    """The document ``--output`` writes and ``--format json`` prints."""
    scenario, options = simulation.scenario, simulation.options
    declared = scenario.outcomes
    units = holder_types(declared)
    for outcome in found:  # without declared outcomes: the state's quantities, by their types
        for name in outcome.get("values", {}):
            term = scenario.term(name)
            if name not in units and term is not None:
                units[name] = str(term.type)
    model = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(options).items()}
    return {
        "kind": KIND,
        "scenario": scenario.path,
        "title": scenario.title,
        "as_of": scenario.as_of.isoformat(),
        "model": model,
        "series": simulation.columns,
        "paths": len(found),
        "holders": list(scenario.holders),
        "units": units,
        "limits": {label: plain(value, declared.types[label]) for label, value in declared.limits.items()}
        if declared else {},
        "outcomes": found,
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as text: the same document, the same bytes."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def shown(value: Fraction, unit: str) -> str:
    """A value for people: a ratio as a percentage, others as the contract writes them, to
    four decimal places at most (the document holds every digit)."""
    type_ = parse_type(unit) if unit else RATIO
    if type_ == RATIO:
        return f"{float(value) * 100:.2f}%"
    return human(round(value, 4) if value.denominator > 10_000 else value, type_)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _row(label: str, values: list[Fraction], unit: str, percents: list[float]) -> list[str]:
    return [label, *(shown(quantile(values, p), unit) for p in percents)] if values else [label]


def succeeded(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The outcomes of the paths whose run did not fail."""
    return [o for o in document["outcomes"] if "error" not in o]


def flag_counts(document: dict[str, Any]) -> dict[str, list[str]]:
    """Each flag raised on some path, with the first date it was raised on each such path."""
    found: dict[str, list[str]] = {}
    for outcome in succeeded(document):
        for flag, day in outcome["flags"].items():
            found.setdefault(flag, []).append(day)
    return dict(sorted(found.items()))


def summary(document: dict[str, Any], percents: list[float]) -> list[str]:
    """The distributions, as lines: values, holders' values, first dates, flags, obligations."""
    ok = succeeded(document)
    total = document["paths"]
    units = document["units"]
    model = document["model"]
    drawn = f", drawn from {model['simulate_from']}" if model["simulate_from"] else ""
    lines = [f"{document['title']}  ({document['scenario']}, as of {document['as_of']})",
             f"{total:,} paths: {model['model']} of {', '.join(document['series'])} (seed {model['seed']})"
             f"{drawn}; {total - len(ok):,} failed", ""]
    heads = [f"{p:g}%" for p in percents]
    rows = []
    for name in dict.fromkeys(n for o in ok for n in o.get("values", {})):
        values = [Fraction(o["values"][name]) for o in ok if name in o["values"]]
        rows.append(_row(name, values, units.get(name, ""), percents))
    if rows:
        lines += [*_padded(["at the end of the run", *heads], rows), ""]
    rows = []
    for label in dict.fromkeys(n for o in ok for n in o.get("holders", {})):
        for party in document["holders"]:
            for which in ("final", "highest"):
                values = [Fraction(o["holders"][label][party][which]) for o in ok]
                rows.append(_row(f"{label}, {party} ({which})", values, units.get(label, ""), percents))
            limit = document["limits"].get(label)
            if limit is not None:
                over = sum(Fraction(o["holders"][label][party]["highest"]) > Fraction(limit) for o in ok)
                rows.append([f"  above {shown(Fraction(limit), units.get(label, ''))} at some time",
                             f"on {_percent(over, len(ok))} of paths"])
    if rows:
        lines += [*_padded(["each holder", *heads], rows), ""]
    rows = []
    for label in dict.fromkeys(n for o in ok for n in o.get("first", {})):
        days = sorted(o["first"][label] for o in ok if o["first"].get(label))
        median = f"median {statistics.median_low(days)}, first {days[0]}" if days else ""
        rows.append([label, f"on {_percent(len(days), len(ok))} of paths", median])
    if rows:
        lines += [*_padded(["first date", "how often", "when"], rows), ""]
    rows = [[flag, f"{_percent(len(days), len(ok))} of paths", f"median first {statistics.median_low(days)}"]
            for flag, days in flag_counts(document).items()]
    if rows:
        lines += [*_padded(["flag raised", "how often", "when"], rows), ""]
    rows = []
    for what in dict.fromkeys(w for o in ok for w in o["obligations"]):
        entries = [o["obligations"][what] for o in ok if what in o["obligations"]]
        row = [what, f"{_percent(len(entries), len(ok))} of paths",
               f"open at the end on {_percent(sum(e['open'] > 0 for e in entries), len(ok))}"]
        unit = entries[0]["unit"]
        if unit:
            owed = [Fraction(e["amount"]) for e in entries]
            row.append(f"owed {' / '.join(shown(quantile(owed, p), unit) for p in percents)}")
        rows.append(row)
    if rows:
        lines += _padded(["obligation", "how often", "open", f"amount ({', '.join(heads)} of those)"], rows)
        lines.append("")
    failed = [o for o in document["outcomes"] if "error" in o]
    if failed:
        lines.append(f"{len(failed):,} of {total:,} runs failed; the first, path {failed[0]['path']}: "
                     f"{failed[0]['error']}")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _padded(header: list[str], rows: list[list[str]]) -> list[str]:
    """``table`` of rows some of which leave their last cells empty."""
    return [line.rstrip() for line in table(header, [[*r, *[""] * (len(header) - len(r))] for r in rows])]
