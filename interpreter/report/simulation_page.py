"""A simulation as one self-contained HTML page (``clause report SIM.json``): the distributions of
what ``clause simulate`` collected, drawn as SVG, and the same quantiles as its text summary.

Charts: a histogram of each value at the end of the run; each holder's values (final and highest)
as quantile bands against the declared limit; the share of paths on which each first date has
come, by date; how often each flag was raised and each obligation arose; the amounts owed, by
obligation. The page reads only the JSON document, so it can be drawn long after the paths ran.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..diagnostics import ClauseError
from ..files import read_text
from ..rational import Fraction
from ..types import RATIO, Type, parse_type
from .charts import Cumulative, Distribution, Frequencies, Histogram, QuantileRows
from .rendering import environment
from .simulation_output import KIND, flag_counts, succeeded, summary
from .svg import draw_distribution


def load_simulation(path: str | Path) -> dict[str, Any]:
    """A document ``clause simulate --output`` wrote; an error naming the file if it is not one."""
    text = read_text(path, "simulation result")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClauseError(f"{path}:{exc.lineno}:{exc.colno}: error: not JSON: {exc.msg}") from None
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise ClauseError(f"{path}: not a result of clause simulate (write one with clause simulate ... "
                          "--output SIM.json)")
    return document


def distributions(document: dict[str, Any]) -> list[Distribution]:
    """The charts of a simulation's document, in the order of its summary."""
    ok = succeeded(document)
    units = document["units"]
    charts: list[Distribution] = []
    for i, name in enumerate(dict.fromkeys(n for o in ok for n in o.get("values", {}))):
        values = [Fraction(o["values"][name]) for o in ok if name in o["values"]]
        charts.append(Histogram(f"value-{i}", f"{name} at the end of the run", _type(units.get(name)),
                                values))
    for i, label in enumerate(dict.fromkeys(n for o in ok for n in o.get("holders", {}))):
        rows = [(f"{party} ({which})", [Fraction(o["holders"][label][party][which]) for o in ok])
                for party in document["holders"] for which in ("final", "highest")]
        limit = document["limits"].get(label)
        charts.append(QuantileRows(f"holders-{i}", f"{label} of each holder, at the end and at its highest",
                                   _type(units.get(label)), rows,
                                   Fraction(limit) if limit is not None else None))
    model_start = document["model"]["simulate_from"]
    end = dt.date.fromisoformat(document["as_of"])
    for i, label in enumerate(dict.fromkeys(n for o in ok for n in o.get("first", {}))):
        days = [dt.date.fromisoformat(o["first"][label]) if o["first"].get(label) else None for o in ok]
        start = min([d for d in days if d is not None] + ([dt.date.fromisoformat(model_start)] if model_start
                                                          else [end - dt.timedelta(days=365)]))
        charts.append(Cumulative(f"first-{i}", f"{label}: the share of paths by each date", days, start, end))
    flags = flag_counts(document)
    if flags:
        charts.append(Frequencies("flags", "Flags raised: on how many paths",
                                  [(flag, len(days)) for flag, days in flags.items()], len(ok)))
    owed = {what: [o["obligations"][what] for o in ok if what in o["obligations"]]
            for what in dict.fromkeys(w for o in ok for w in o["obligations"])}
    if owed:
        arose = [(what, len(entries)) for what, entries in owed.items()]
        arose += [(f"{what}, open at the end", n) for what, entries in owed.items()
                  if (n := sum(e["open"] > 0 for e in entries))]
        charts.append(Frequencies("obligations", "Obligations: on how many paths each arose (and stayed "
                                  "open)", arose, len(ok)))
    by_unit: dict[str, list[tuple[str, list[Fraction]]]] = {}
    for what, entries in owed.items():
        if entries and entries[0]["unit"]:
            amounts = [Fraction(e["amount"]) for e in entries]
            by_unit.setdefault(entries[0]["unit"], []).append((what, amounts))
    for i, (unit, rows_owed) in enumerate(by_unit.items()):
        charts.append(QuantileRows(f"owed-{i}", f"Amounts owed ({unit}), on the paths where each arose",
                                   parse_type(unit), rows_owed))
    return charts


def _type(unit: str | None) -> Type:
    return parse_type(unit) if unit else RATIO


def simulation_html(document: dict[str, Any]) -> str:
    """The whole page of a simulation's document."""
    charts = [{"name": c.name, "title": c.title, "svg": Markup(draw_distribution(c))}
              for c in distributions(document)]
    failed = [o for o in document["outcomes"] if "error" in o]
    return environment().get_template("simulation.html.j2").render(
        document=document, charts=charts, summary="\n".join(summary(document, [5.0, 50.0, 95.0])),
        failed=failed)
