"""Charts drawn as SVG, in Python: a page that needs no script, no network and no renderer.

Each kind of chart data (``charts.py``) has one drawing function; ``draw`` picks it. The
pictures are plain SVG elements with a ``<title>`` on each mark, so a reader hovering a
point or an obligation sees its exact value, and a test can count what was drawn.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from html import escape

from ..display import human
from ..simulate.simulation import quantile
from ..types import MONEY_T, PRICE, RATIO, Quantity, Type
from .charts import (
    Bar,
    ChartData,
    Cumulative,
    Distribution,
    Frequencies,
    Histogram,
    Line,
    LineChart,
    Marker,
    QuantileRows,
    Timeline,
)

WIDTH = 760
LEFT, RIGHT, TOP = 78, 18, 26
PLOT_HEIGHT = 220
LEGEND_ROW = 18
ROW = 20  # a timeline's row
LABEL_WIDTH = 300  # a timeline's labels
#: Line colours, in order; a limit is drawn dashed in its line's colour.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
STATUS_COLOURS = {"on time": "#2ca02c", "late": "#ff7f0e", "overdue": "#d62728", "open": "#7f7f7f"}


def draw(chart: ChartData) -> str:
    """The SVG picture of one chart's data."""
    drawer: Callable[[ChartData], str] = _DRAWERS[type(chart)]
    return drawer(chart)


class _Scale:
    """A linear map from a domain to pixels."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return round(self.start + (value - self.low) / span * (self.end - self.start), 2)


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / count if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(float(m * power) for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _value_ticks(low: float, high: float) -> tuple[float, float, list[float]]:
    """A domain with round ends, and its ticks."""
    if low == high:
        low, high = (low - 1, high + 1) if low == 0 else (low * 0.9, high * 1.1)
        low, high = min(low, high), max(low, high)
    step = _nice_step(high - low)
    first, last = math.floor(low / step) * step, math.ceil(high / step) * step
    ticks = [first + i * step for i in range(round((last - first) / step) + 1)]
    return first, last, ticks


def _date_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of months, every month, quarter or year as the span allows."""
    months = (end.year - start.year) * 12 + end.month - start.month
    every = 1 if months <= 14 else 3 if months <= 42 else 12
    ticks = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = dt.date(year, month, 1)
        if start <= day <= end and (month - 1) % every == 0:
            ticks.append(day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return ticks


def _axis_text(value: float, type_: Type) -> str:
    """A tick's label: percentages for ratios, dollars for money and prices, k and M for the rest."""
    if isinstance(type_, Quantity) and not type_.dims and not type_.count:
        return f"{value * 100:.4g}%"
    for bound, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= bound:
            text = f"{value / bound:.3g}{suffix}"
            break
    else:
        text = f"{value:.4g}"
    return "$" + text if type_ in (MONEY_T, PRICE) else text


def _title(text: str) -> str:
    return f"<title>{escape(text)}</title>"


def _frame(width: int, height: int, chart_name: str, kind: str, title: str, body: list[str]) -> str:
    return (f'<svg class="chart" data-chart="{escape(chart_name)}" data-kind="{kind}" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(title)}">' + "".join(body) + "</svg>")


def _markers(markers: list[Marker], x: _Scale, top: float, bottom: float) -> list[str]:
    out = []
    for m in markers:
        px = x(m.date.toordinal())
        out.append(f'<g class="event">{_title(f"event {m.index}: {m.date.isoformat()} {m.name}")}'
                   f'<line x1="{px}" y1="{top}" x2="{px}" y2="{bottom}" stroke="#999" '
                   f'stroke-dasharray="2 3"/><text x="{px}" y="{top - 4}" font-size="10" '
                   f'text-anchor="middle" fill="#555">{m.index}</text></g>')
    return out


def _time_axis(start: dt.date, end: dt.date, x: _Scale, y0: float) -> list[str]:
    out = [f'<line x1="{x(start.toordinal())}" y1="{y0}" x2="{x(end.toordinal())}" y2="{y0}" stroke="#333"/>']
    for i, day in enumerate(_date_ticks(start, end)):
        px = x(day.toordinal())
        label = day.strftime("%b %Y" if i == 0 or day.month == 1 else "%b")
        out.append(f'<line x1="{px}" y1="{y0}" x2="{px}" y2="{y0 + 4}" stroke="#333"/>'
                   f'<text x="{px}" y="{y0 + 16}" font-size="10" text-anchor="middle">{label}</text>')
    return out


def _path(line: Line, x: _Scale, y: _Scale, end: dt.date) -> str:
    parts = []
    for i, (day, value) in enumerate(line.points):
        px, py = x(day.toordinal()), y(float(value))
        if i == 0:
            parts.append(f"M{px},{py}")
        elif line.step:
            parts.append(f"H{px}V{py}")
        else:
            parts.append(f"L{px},{py}")
    if line.step:
        parts.append(f"H{x(end.toordinal())}")
    return "".join(parts)


def _legend(labels: list[tuple[str, str, bool]], top: float) -> tuple[list[str], float]:
    """Swatches and labels in rows across the chart; the elements and the height they take."""
    out, left, row = [], float(LEFT), 0
    for label, colour, dashed in labels:
        width = 28 + 6.2 * len(label)
        if left + width > WIDTH - RIGHT and left > LEFT:
            left, row = float(LEFT), row + 1
        ty = top + row * LEGEND_ROW
        dash = ' stroke-dasharray="6 3"' if dashed else ""
        out.append(f'<g class="legend"><line x1="{left}" y1="{ty - 4}" x2="{left + 20}" y2="{ty - 4}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/><text x="{left + 24}" y="{ty}" '
                   f'font-size="11">{escape(label)}</text></g>')
        left += width + 12
    return out, (row + 1) * LEGEND_ROW


def _line_chart(chart: ChartData) -> str:
    assert isinstance(chart, LineChart)
    values = [float(v) for line in chart.lines for _, v in line.points]
    low, high = min(values), max(values)
    if low >= 0 and low <= 0.5 * high:
        low = 0.0  # amounts from nothing: show how far from zero they are
    low, high, ticks = _value_ticks(low, high)
    bottom = TOP + PLOT_HEIGHT
    start = min(line.points[0][0] for line in chart.lines)
    stepped = any(line.step for line in chart.lines)
    end = chart.end if stepped else max(line.points[-1][0] for line in chart.lines)
    if start == end:
        start, end = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    x = _Scale(start.toordinal(), end.toordinal(), LEFT, WIDTH - RIGHT)
    y = _Scale(low, high, bottom, TOP)
    body = []
    for tick in ticks:
        py = y(tick)
        body.append(f'<line x1="{LEFT}" y1="{py}" x2="{WIDTH - RIGHT}" y2="{py}" stroke="#eee"/>'
                    f'<text x="{LEFT - 6}" y="{py + 3}" font-size="10" text-anchor="end">'
                    f"{escape(_axis_text(tick, chart.type))}</text>")
    body += _time_axis(start, end, x, bottom)
    body += _markers([m for m in chart.markers if start <= m.date <= end], x, TOP, bottom)
    labels = []
    for i, line in enumerate(chart.lines):
        colour = PALETTE[i % len(PALETTE)]
        dash = ' stroke-dasharray="6 3"' if line.limit else ""
        body.append(f'<path class="line" d="{_path(line, x, y, chart.end)}" fill="none" stroke="{colour}" '
                    f'stroke-width="{1.5 if line.limit else 2}"{dash}>{_title(line.label)}</path>')
        labels.append((line.label, colour, line.limit))
        if line.step and not line.limit:  # few points, read after events: each one can be pointed at
            body += [f'<circle cx="{x(day.toordinal())}" cy="{y(float(value))}" r="3" fill="{colour}">'
                     f"{_title(f'{line.label}, {day.isoformat()}: {chart.shown(value)}')}</circle>"
                     for day, value in line.points]
    if not any(line.step for line in chart.lines):
        body += _columns(chart, x, start, end)
    legend, height = _legend(labels, bottom + 40)
    return _frame(WIDTH, int(bottom + 32 + height), chart.chart.name, "line", chart.chart.title,
                  body + legend)


def _columns(chart: LineChart, x: _Scale, start: dt.date, end: dt.date) -> list[str]:
    """For lines sampled every day: one invisible column a day, titled with each line's value."""
    by_day: dict[dt.date, list[str]] = {}
    for line in chart.lines:
        for day, value in line.points:
            by_day.setdefault(day, []).append(f"{line.label}: {chart.shown(value)}")
    days = sorted(by_day)
    width = max(1.0, (WIDTH - RIGHT - LEFT) / max(1, (end - start).days + 1))
    return [f'<rect class="day" x="{x(day.toordinal()) - width / 2:.2f}" y="{TOP}" width="{width:.2f}" '
            f'height="{PLOT_HEIGHT}" fill="transparent">{_title(chr(10).join([str(day), *by_day[day]]))}'
            "</rect>" for day in days]


def _bar_text(bar: Bar) -> str:
    o = bar.obligation
    settled = f"settled {o.settled.isoformat()}" if o.settled else "not settled"
    return (f"{o.summary()}: created {o.created.isoformat()}, due {o.due.isoformat()}, {settled} "
            f"({bar.status}) [{', '.join(o.sources)}]")


def _timeline(chart: ChartData) -> str:
    assert isinstance(chart, Timeline)
    left = LABEL_WIDTH + 10
    start = min(b.obligation.created for b in chart.bars) - dt.timedelta(days=7)
    end = max(chart.end, *(b.obligation.due for b in chart.bars))
    x = _Scale(start.toordinal(), end.toordinal(), left, WIDTH - RIGHT)
    bottom = TOP + max(1, len(chart.bars)) * ROW + 6
    markers = [m for m in chart.markers if start <= m.date <= end]
    body = _time_axis(start, end, x, bottom) + _markers(markers, x, TOP, bottom)
    for i, bar in enumerate(chart.bars):
        o = bar.obligation
        top = TOP + i * ROW + 3
        x0 = x(o.created.toordinal())
        x1 = max(x0 + 2, x((o.settled or chart.end).toordinal()))
        colour = STATUS_COLOURS[bar.status]
        label = bar.label if len(bar.label) <= 48 else bar.label[:47] + "…"
        due, half = x(o.due.toordinal()), (ROW - 4) / 2
        body.append(f'<g class="obligation" data-status="{bar.status}">{_title(_bar_text(bar))}'
                    f'<text x="{LABEL_WIDTH}" y="{top + 11}" font-size="11" text-anchor="end">'
                    f'{escape(label)}</text><rect x="{x0}" y="{top}" width="{x1 - x0:.2f}" '
                    f'height="{ROW - 8}" fill="{colour}" opacity="0.8"/><path d="M{due},{top - 2}l4,{half}'
                    f'l-4,{half}l-4,-{half}z" fill="none" stroke="#000"/></g>')
    statuses = [(s, colour, False) for s, colour in STATUS_COLOURS.items()
                if any(b.status == s for b in chart.bars)]
    legend, height = _legend([*statuses, ("◇ due date", "#000", True)], bottom + 40)
    return _frame(WIDTH, int(bottom + 32 + height), chart.chart.name, "timeline", chart.chart.title,
                  body + legend)


_DRAWERS: dict[type, Callable[[ChartData], str]] = {LineChart: _line_chart, Timeline: _timeline}


# -- distributions of simulated runs ------------------------------------------------------------

BINS = 20  # a histogram's bars
BAND_ROW = 30  # a row of a quantile chart or of frequencies
BAND_LABEL = 230  # their labels' width


def draw_distribution(chart: Distribution) -> str:
    """The SVG picture of one distribution of a simulation."""
    drawer: Callable[[Distribution], str] = _DISTRIBUTION_DRAWERS[type(chart)]
    return drawer(chart)


def _value_axis(low: float, high: float, type_: Type, left: float, bottom: float) -> tuple[_Scale, list[str]]:
    """A horizontal value axis from ``left`` to the right edge, with its ticks, at ``bottom``."""
    low, high, ticks = _value_ticks(low, high)
    x = _Scale(low, high, left, WIDTH - RIGHT)
    body = [f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="#333"/>']
    for tick in ticks:
        px = x(tick)
        body.append(f'<line x1="{px}" y1="{TOP}" x2="{px}" y2="{bottom}" stroke="#eee"/>'
                    f'<text x="{px}" y="{bottom + 16}" font-size="10" text-anchor="middle">'
                    f"{escape(_axis_text(tick, type_))}</text>")
    return x, body


def _row_label(label: str, mid: float) -> str:
    """A row's label, cut to fit (the row's title holds it whole)."""
    shown = label if len(label) <= 36 else label[:35] + "…"
    return f'<text x="{BAND_LABEL}" y="{mid + 4}" font-size="11" text-anchor="end">{escape(shown)}</text>'


def _histogram(chart: Distribution) -> str:
    assert isinstance(chart, Histogram)
    values = [float(v) for v in chart.values]
    bottom = TOP + PLOT_HEIGHT
    x, body = _value_axis(min(values), max(values), chart.type, LEFT, bottom)
    width = (x.high - x.low) / BINS
    counts = [0] * BINS
    for v in values:
        counts[min(BINS - 1, int((v - x.low) / width))] += 1
    _, most, count_ticks = _value_ticks(0, max(counts))
    y = _Scale(0, most, bottom, TOP)
    for tick in count_ticks:
        body.append(f'<text x="{LEFT - 6}" y="{y(tick) + 3}" font-size="10" text-anchor="end">{tick:g}'
                    "</text>")
    for i, count in enumerate(counts):
        if count:
            x0, x1 = x(x.low + i * width), x(x.low + (i + 1) * width)
            shown = (f"{_axis_text(x.low + i * width, chart.type)} to "
                     f"{_axis_text(x.low + (i + 1) * width, chart.type)}: {count} of {len(values)} paths")
            body.append(f'<rect class="mark bin" x="{x0}" y="{y(count)}" width="{max(1.0, x1 - x0 - 1):.2f}" '
                        f'height="{bottom - y(count):.2f}" fill="{PALETTE[0]}">{_title(shown)}</rect>')
    body.append(f'<text x="{LEFT - 50}" y="{TOP - 8}" font-size="10">paths</text>')
    return _frame(WIDTH, bottom + 30, chart.name, "histogram", chart.title, body)


def _quantile_rows(chart: Distribution) -> str:
    assert isinstance(chart, QuantileRows)
    values = [float(v) for _, row in chart.rows for v in row]
    if chart.limit is not None:
        values.append(float(chart.limit))
    bottom = TOP + len(chart.rows) * BAND_ROW + 6
    x, body = _value_axis(min(values), max(values), chart.type, BAND_LABEL + 10, bottom)
    for i, (label, row) in enumerate(chart.rows):
        mid = TOP + i * BAND_ROW + BAND_ROW / 2
        q = {p: quantile(row, p) for p in (5, 25, 50, 75, 95)}
        said = f"{label}: " + ", ".join(f"{p}% {human(v, chart.type)}" for p, v in q.items())
        colour = PALETTE[i % len(PALETTE)]
        body.append(f'<g class="band">{_title(f"{said} ({len(row)} paths)")}'
                    f'{_row_label(label, mid)}<line x1="{x(float(q[5]))}" y1="{mid}" x2="{x(float(q[95]))}" '
                    f'y2="{mid}" stroke="{colour}"/>'
                    f'<rect class="mark" x="{x(float(q[25]))}" y="{mid - 7}" '
                    f'width="{max(2.0, x(float(q[75])) - x(float(q[25]))):.2f}" height="14" fill="{colour}" '
                    f'opacity="0.6"/><line x1="{x(float(q[50]))}" y1="{mid - 9}" x2="{x(float(q[50]))}" '
                    f'y2="{mid + 9}" stroke="#000" stroke-width="2"/></g>')
    if chart.limit is not None:
        px = x(float(chart.limit))
        body.append(f'<line class="limit" x1="{px}" y1="{TOP - 6}" x2="{px}" y2="{bottom}" stroke="#d62728" '
                    f'stroke-dasharray="6 3">{_title(f"limit {human(chart.limit, chart.type)}")}</line>')
    legend, height = _legend([("5% to 95%; box 25% to 75%; bar the median", "#555", False)], bottom + 40)
    return _frame(WIDTH, int(bottom + 32 + height), chart.name, "quantiles", chart.title, body + legend)


def _cumulative(chart: Distribution) -> str:
    assert isinstance(chart, Cumulative)
    bottom = TOP + PLOT_HEIGHT
    x = _Scale(chart.start.toordinal(), chart.end.toordinal(), LEFT, WIDTH - RIGHT)
    y = _Scale(0, 1, bottom, TOP)
    body = _time_axis(chart.start, chart.end, x, bottom)
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(f'<line x1="{LEFT}" y1="{y(tick)}" x2="{WIDTH - RIGHT}" y2="{y(tick)}" stroke="#eee"/>'
                    f'<text x="{LEFT - 6}" y="{y(tick) + 3}" font-size="10" text-anchor="end">{tick:.0%}'
                    "</text>")
    total = len(chart.days)
    came = sorted(d for d in chart.days if d is not None)
    parts, seen = [f"M{x(chart.start.toordinal())},{y(0)}"], 0
    for day in came:
        seen += 1
        parts.append(f"H{x(day.toordinal())}V{y(seen / total)}")
    parts.append(f"H{x(chart.end.toordinal())}")
    never = total - len(came)
    said = (f"by {came[-1].isoformat()} on {len(came)} of {total} paths; never on {never}" if came
            else f"never, on all {total} paths")
    body.append(f'<path class="mark line" d="{"".join(parts)}" fill="none" stroke="{PALETTE[0]}" '
                f'stroke-width="2">{_title(said)}</path>')
    body += [f'<circle cx="{x(day.toordinal())}" cy="{y((i + 1) / total)}" r="2.5" fill="{PALETTE[0]}">'
             f"{_title(f'{day.isoformat()}: {(i + 1) / total:.1%} of paths')}</circle>"
             for i, day in enumerate(came)]
    return _frame(WIDTH, bottom + 30, chart.name, "cumulative", chart.title, body)


def _frequencies(chart: Distribution) -> str:
    assert isinstance(chart, Frequencies)
    bottom = TOP + len(chart.rows) * BAND_ROW + 6
    x, body = _value_axis(0, 1, RATIO, BAND_LABEL + 10, bottom)
    for i, (label, count) in enumerate(chart.rows):
        mid = TOP + i * BAND_ROW + BAND_ROW / 2
        share = count / chart.paths
        body.append(f'<g class="frequency">{_title(f"{label}: {count} of {chart.paths} paths ({share:.1%})")}'
                    f'{_row_label(label, mid)}<rect class="mark" x="{x(0)}" y="{mid - 8}" '
                    f'width="{max(1.0, x(share) - x(0)):.2f}" height="16" '
                    f'fill="{PALETTE[i % len(PALETTE)]}"/></g>')
    return _frame(WIDTH, bottom + 30, chart.name, "frequencies", chart.title, body)


_DISTRIBUTION_DRAWERS: dict[type, Callable[[Distribution], str]] = {
    Histogram: _histogram, QuantileRows: _quantile_rows, Cumulative: _cumulative, Frequencies: _frequencies}
