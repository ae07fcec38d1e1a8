"""What a report draws: the charts the contracts declare (``charts:``), computed from a run.

A chart is data first (``LineChart``, ``Timeline``: exact values, dates, labels) and a picture
second (``svg.py`` draws each kind). A line chart samples its formulas over the run: after
each event, on the state it left, or, with ``each_day``, on each trading or calendar day with
that date term set to the day and the state as the day ended. A timeline shows the run's
obligations of the names it lists. Which series are drawn is what the contract files say;
nothing here knows what they mean. A new kind of chart (a distribution of simulated
results, say) is a new data class here and a new drawing function in ``svg.py``: the
distributions of ``clause simulate`` are drawn so (``Histogram``, ``QuantileRows``,
``Cumulative``, ``Frequencies``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..display import human
from ..evaluate.evaluator import EvaluationError, Evaluator
from ..evaluate.history import StateHistory
from ..link.program import TIMELINE_CHART, Chart, Program
from ..rational import Fraction
from ..run.engine import Obligation, RunResult, run_environment
from ..types import Type

#: The days a chart with ``each_day`` plots when it does not say.
TRADING, CALENDAR = "trading", "calendar"


@dataclass
class Marker:
    """A scenario event on a chart's time axis: its number, date and name."""

    index: int
    date: dt.date
    name: str


@dataclass
class Line:
    """One line of a chart: its label, its points (date, exact value) and whether it is a limit."""

    label: str
    points: list[tuple[dt.date, Fraction]]
    limit: bool = False
    step: bool = True  # read after events: the value holds until the next point


@dataclass
class LineChart:
    """A line chart's data: the declaration, the unit of its values, its lines and the events."""

    chart: Chart
    program: Program
    type: Type
    start: dt.date
    end: dt.date
    lines: list[Line]
    markers: list[Marker]
    gaps: list[str] = field(default_factory=list)  # what could not be computed, once per line

    def shown(self, value: Fraction) -> str:
        """A value of this chart as people read it (``$5.03421875 per share``)."""
        return human(value, self.type)


@dataclass
class Bar:
    """One obligation on a timeline: from its creation to its settlement (or the end of the run)."""

    obligation: Obligation
    status: str  # on time, late, open, overdue

    @property
    def label(self) -> str:
        """``Buy-In payment, $1,000.00 → CC Investments``: what, how much, to whom."""
        o = self.obligation
        amount = "" if o.amount is None else ", " + human(o.amount, o.type)
        return f"{o.what}{amount} → {o.creditor}"


@dataclass
class Timeline:
    """A timeline's data: the obligations shown, and the run's span and events."""

    chart: Chart
    program: Program
    start: dt.date
    end: dt.date
    bars: list[Bar]
    markers: list[Marker]


ChartData = LineChart | Timeline


# -- distributions of simulated runs (``clause report SIM.json``) -----------------------------

@dataclass
class Histogram:
    """How many paths ended with each value of a quantity: ``values``, one a path."""

    name: str
    title: str
    type: Type
    values: list[Fraction]


@dataclass
class QuantileRows:
    """A row per label (a holder, an obligation): the spread of its values over the paths, and a
    ``limit`` (a level drawn across all rows) if one is declared."""

    name: str
    title: str
    type: Type
    rows: list[tuple[str, list[Fraction]]]
    limit: Fraction | None = None


@dataclass
class Cumulative:
    """The share of paths on which a date has come by each day: ``days`` has one entry a path,
    None where it never came, from ``start`` to ``end``."""

    name: str
    title: str
    days: list[dt.date | None]
    start: dt.date
    end: dt.date


@dataclass
class Frequencies:
    """How often each label (a flag raised) happened: ``rows`` of label and number of paths."""

    name: str
    title: str
    rows: list[tuple[str, int]]
    paths: int


Distribution = Histogram | QuantileRows | Cumulative | Frequencies


def run_charts(run: RunResult) -> list[ChartData]:
    """Every chart the run's contracts declare, then the scenario's own, computed from the run,
    in their order."""
    declared = [*((program, chart) for program in run.scenario.programs for chart in program.charts.values()),
                *run.scenario.charts]
    return [_timeline(run, program, chart) if chart.kind == TIMELINE_CHART
            else _line_chart(run, program, chart) for program, chart in declared]


def _span(run: RunResult) -> tuple[dt.date, dt.date]:
    first = run.timeline[0][0].date if run.timeline else run.scenario.as_of
    return first, run.scenario.as_of


def _markers(run: RunResult) -> list[Marker]:
    return [Marker(r.occurrence.index, r.occurrence.date, r.occurrence.name)
            for r in run.results if r.occurrence.index is not None]


def status(obligation: Obligation, as_of: dt.date) -> str:
    """``on time`` or ``late`` once settled; ``overdue`` or ``open`` while not."""
    if obligation.settled is not None:
        return "on time" if obligation.settled <= obligation.due else "late"
    return "overdue" if obligation.due < as_of else "open"


def _timeline(run: RunResult, program: Program, chart: Chart) -> Timeline:
    start, end = _span(run)
    bars = [Bar(o, status(o, end)) for o in run.obligations if o.name in chart.obligations]
    return Timeline(chart, program, start, end, bars, _markers(run))


def _days(run: RunResult, chart: Chart, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days a chart samples: its trading or calendar days, or the days an event changed the state
    (the only thing a chart without ``each_day`` reads that changes over a run)."""
    market = run.scenario.market
    if chart.each_day is None:
        changed, last = set(), None
        for occurrence, state in run.timeline:
            if state != last:
                changed.add(occurrence.date)
                last = state
        return sorted(changed)
    if (chart.days or (TRADING if market else CALENDAR)) == TRADING and market is not None:
        return [d for d in market.dates if start <= d <= end]
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _line_chart(run: RunResult, program: Program, chart: Chart) -> LineChart:
    start, end = _span(run)
    states = StateHistory(run.initial, ((occurrence.date, state) for occurrence, state in run.timeline))
    parties: list[str | None] = [*run.scenario.holders] if chart.for_each and run.scenario.holders else [None]
    drawn = [*((label, f, False) for label, f in chart.lines.items()),
             *((label, f, True) for label, f in chart.limits.items())]
    points: dict[tuple[str, str | None], list[tuple[dt.date, Fraction]]] = {
        (label, party): [] for label, _, _ in drawn for party in parties}
    failed: dict[str, str] = {}
    for day in _days(run, chart, start, end):
        state = states.on(day)
        for party in parties:
            bound: dict[str, Any] = {chart.each_day: day} if chart.each_day else {}
            if chart.for_each and party is not None:
                bound[chart.for_each] = party
            evaluator = Evaluator(program, run_environment(run.scenario, program, state, bound,
                                                           history=states, today=day))
            try:
                if chart.when is not None and not evaluator.formula_value(chart.when):
                    continue
            except EvaluationError as exc:
                failed.setdefault("when", f"when: {exc.message} ({day.isoformat()})")
                continue
            for label, formula, _ in drawn:
                try:
                    points[(label, party)].append((day, evaluator.formula_value(formula)))
                except EvaluationError as exc:
                    failed.setdefault(label, f"{label}: {exc.message} ({day.isoformat()})")
    lines = []
    step = chart.each_day is None
    for label, _, limit in drawn:
        each = {party: points[(label, party)] for party in parties}
        first = next(iter(each.values()))
        if all(p == first for p in each.values()):  # the same for every holder: one line
            lines.append(Line(label, first, limit, step))
        else:
            lines += [Line(f"{label} ({party})", p, limit, step) for party, p in each.items()]
    type_ = next(iter(chart.lines.values())).node.type
    assert type_ is not None  # the checker typed it
    return LineChart(chart, program, type_, start, end, [line for line in lines if line.points],
                     _markers(run), list(failed.values()))
