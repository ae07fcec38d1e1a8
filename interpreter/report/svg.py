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

from ..types import MONEY_T, PRICE, Quantity
from .charts import Bar, ChartData, Line, LineChart, Marker, Timeline

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


def _axis_text(value: float, chart: LineChart) -> str:
    """A tick's label: percentages for ratios, dollars for money and prices, k and M for the rest."""
    type_ = chart.type
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
                    f"{escape(_axis_text(tick, chart))}</text>")
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
