"""A run as one self-contained HTML page (``clause report``): the contracts' charts, the events
with each computed value, its provision and its derivation, the obligations, flags and final
state, and what each ambiguity puts at stake.

The page holds everything it shows (SVG charts, styles, one small script that only counts
what was drawn and folds the derivations), so it opens offline, from a mail attachment.
Each provision id links to the literate contract (``clause render``) at ``contract_href``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..display import human
from ..link.program import Program
from ..run.engine import RunResult
from .charts import LineChart, Timeline, run_charts, status
from .explain import derivation
from .literate import chain_paths, provision_anchor
from .readings import Readings
from .rendering import environment
from .svg import draw


class Links:
    """Where each provision id of a run points in the literate contract.

    One contract: ``contract.html#A-2.1``. A deal's documents: ``#lease/A-2.1``,
    by the short name that qualifies the entry's name. Several contracts (rendered together
    with ``clause render A B``): each under its file's stem, ``#lease_terms/A-2.1``.
    """

    def __init__(self, run: RunResult, href: str) -> None:
        self.href = href
        programs = run.scenario.programs
        self.prefix = {id(p): [Path(p.path).stem] if len(programs) > 1 else [] for p in programs}

    def keys(self, program: Program, name: str, file: str) -> list[str]:
        """The anchor's prefix for an entry of ``program`` named ``name``, written in ``file``: in a
        deal, the document whose files hold it (a body serves several: its name's qualifier says which)."""
        short = name.partition(".")[0] if "." in name else ""
        holders = [s for s, document in program.documents.items() if file in chain_paths(document)]
        chosen = short if short in holders else holders[0] if holders else None
        return [*self.prefix.get(id(program), []), *([chosen] if chosen else [])]

    def __call__(self, program: Program, name: str, file: str, provision: str) -> str:
        return f"{self.href}#{provision_anchor([*self.keys(program, name, file), provision])}"


def _program_of(run: RunResult, clause: str, sources: list[str]) -> Program:
    """The contract of the run whose clause of this name cites these sources (two contracts may
    each have a clause of one name)."""
    named = [p for p in run.scenario.programs if any(c.name == clause for c in p.clauses)]
    for program in named:
        for c in program.clauses:
            if c.name == clause and set(sources) <= {*c.sources, *(s for e in c.effects for s in e.sources)}:
                return program
    return (named or run.scenario.programs)[0]


def _charts(run: RunResult, links: Links) -> list[dict[str, Any]]:
    several = len(run.scenario.programs) > 1
    out = []
    for data in run_charts(run):
        chart = data.chart
        drawn = bool(data.lines) if isinstance(data, LineChart) else bool(data.bars)
        document = chart.document or (data.program.title if several else "")
        out.append({
            "name": chart.name, "title": chart.title, "document": document, "note": chart.note,
            "sources": [(s, links(data.program, chart.name, chart.doc.path, s)) for s in chart.sources],
            "svg": Markup(draw(data)) if drawn else None,
            "empty": ("no obligation of this chart in the run" if isinstance(data, Timeline)
                      else "nothing to draw in this run" + (" (its condition is never true)"
                                                             if chart.when is not None else "")),
            "gaps": data.gaps if isinstance(data, LineChart) else [],
        })
    return out


def _events(run: RunResult, links: Links) -> list[dict[str, Any]]:
    rows = []
    for result in run.results:
        o = result.occurrence
        values = []
        for computed in result.values:
            program = computed.program
            values.append({"clause": computed.clause, "tree": derivation(computed.record, program),
                           "link": lambda name, file, pid, p=program: links(p, name, file, pid)})
        rows.append({"index": o.index, "date": o.date.isoformat(), "event": o.name,
                     "origin": "" if o.origin == "scenario" else o.origin,
                     "clauses": result.clauses, "computed": values})
    return rows


def _linked(run: RunResult, links: Links, clause: str, sources: list[str]) -> list[tuple[str, str]]:
    """A flag's or an obligation's provisions, linked where the clause that made it is written."""
    program = _program_of(run, clause, sources)
    file = next((c.doc.path for c in program.clauses if c.name == clause), program.path)
    return [(s, links(program, clause, file, s)) for s in sources]


def report_html(run: RunResult, readings: Readings | None, contract_href: str = "contract.html") -> str:
    """The whole page for a run, and what its readings put at stake (None: not computed)."""
    links = Links(run, contract_href)
    scenario = run.scenario
    context = {
        "title": scenario.title,
        "path": scenario.path,
        "as_of": scenario.as_of.isoformat(),
        "contracts": [(p.title, p.path) for p in scenario.programs],
        "market": scenario.market.path if scenario.market else None,
        "contract_href": contract_href,
        "charts": _charts(run, links),
        "events": _events(run, links),
        "not_reached": run.not_reached,
        "obligations": [{"o": o, "status": status(o, scenario.as_of),
                         "amount": "" if o.amount is None else human(o.amount, o.type),
                         "outstanding": "" if o.outstanding is None or o.settled
                         else human(o.outstanding, o.type),
                         "sources": _linked(run, links, o.clause, o.sources)} for o in run.obligations],
        "flags": [{"f": f, "sources": _linked(run, links, f.clause, f.sources)} for f in run.flags],
        "state": [(name, human(value, run.types[name])) for name, value in run.state.items()],
        "readings": None if readings is None else {
            "stakes": [{"s": s, "sources": [(p, links(s.program, s.term.name, s.term.doc.path, p))
                                            for p in s.term.sources]}
                       for s in readings.stakes],
            "unchanged": readings.unchanged},
    }
    return environment().get_template("report.html.j2").render(**context)
