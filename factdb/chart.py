"""The range chart: every source's figure for one comparison as an interval on a shared axis.

One row per source. The interval a figure allows is a bar; a bound that is excluded
("more than 300") ends in a hollow circle, a bound that is missing ("at least 300" has no
upper limit) becomes an arrow running off the axis. The stated value is a diamond. The
consensus band, when there is one, is shaded behind the rows. A spread of more than 10×
switches the axis to a log scale so a figure of 300 stays visible next to one of 30,000.

When the figures share no number, each largest agreement (the most sources whose figures
allow a common band) is drawn as its own lighter band instead. Each bar carries the figure as
the source stated it. A source's name longer than a line wraps onto a second one (and is cut
short only after that, its full name in the row's ``<title>``), so no label is ever clipped.

The chart is plain SVG built on the server: no script, every text escaped, a ``<title>``,
a ``<desc>`` and an aria label on every row for screen readers. It scales to the width of
its container (``width="100%"`` over a fixed ``viewBox``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from factdb.compare import Comparison, ComparedFigure, band_words, format_number

LOG_SCALE_ABOVE = 10.0

WIDTH = 1000
LABEL_WIDTH = 250
PLOT_LEFT = LABEL_WIDTH + 12
PLOT_RIGHT = WIDTH - 40
LABEL_CHARS = 30  # of a source's name on one line of the label column (13 px text in 250 units)
STATED_CHAR_WIDTH = 6.4  # average advance of an 11 px character, to place the stated figure
ROW_HEIGHT = 30
TOP = 12
AXIS_HEIGHT = 46
ARROW = 9

BAR_COLOUR = "#3b6ea8"
MARK_COLOUR = "#1b1b1b"
BAND_COLOUR = "#f2d98c"
AGREEMENT_COLOUR = "#cfe0c3"
HISTORY_ROW_HEIGHT = 48  # room for a row's figures above and below its marks


@dataclass(frozen=True)
class Scale:
    """Maps numbers to x positions on the plot: linear from zero, or logarithmic."""

    low: float
    high: float
    log: bool

    def x(self, number: float) -> float:
        if self.log:
            number = max(number, self.low)
            share = (math.log10(number) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        else:
            share = (number - self.low) / (self.high - self.low)
        return round(PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT), 2)

    def ticks(self) -> list[float]:
        if self.log:
            first, last = round(math.log10(self.low)), round(math.log10(self.high))
            return [10.0**power for power in range(first, last + 1)]
        step = _nice_step(self.high - self.low)
        count = int(round((self.high - self.low) / step))
        return [self.low + step * i for i in range(count + 1)]


def uses_log_scale(comparison: Comparison) -> bool:
    """A log axis when the largest figure is more than 10× the smallest."""
    numbers = [n for n in _numbers(comparison.figures) if n > 0]
    return bool(numbers) and max(numbers) / min(numbers) > LOG_SCALE_ABOVE


def scale_for(comparison: Comparison) -> Scale:
    numbers = _numbers(comparison.figures)
    if comparison.consensus is not None:
        numbers += [n for n in comparison.consensus if n is not None]
    if uses_log_scale(comparison):
        positive = [n for n in numbers if n > 0]
        return Scale(10.0 ** math.floor(math.log10(min(positive))), 10.0 ** math.ceil(math.log10(max(positive))), True)
    top = max(numbers, default=0.0)
    step = _nice_step(top * 1.05 or 1.0)
    return Scale(0.0, step * math.ceil(top * 1.05 / step) if top > 0 else step * 5, False)


def range_chart_svg(comparison: Comparison, *, chart_id: str = "range-chart") -> str:
    """The chart as a standalone ``<svg>`` element; ``chart_id`` prefixes its element ids."""
    figures = comparison.figures
    height = TOP + ROW_HEIGHT * max(len(figures), 1) + AXIS_HEIGHT
    title = f"{comparison.metric_name}{_population(comparison)}: {comparison.event_name}"
    scale = scale_for(comparison)
    description = f"{comparison.verdict}. {_describe_scale(comparison, scale)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="factdb-range-chart" id="{_attr(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" style="max-width: 100%; height: auto" role="group" '
        f'aria-labelledby="{_attr(chart_id)}-title {_attr(chart_id)}-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">',
        f'<title id="{_attr(chart_id)}-title">{_text(title)}</title>',
        f'<desc id="{_attr(chart_id)}-desc">{_text(description)}</desc>',
    ]
    if not figures:
        parts.append(f'<text x="{WIDTH / 2}" y="{TOP + 20}" text-anchor="middle">No source gives a figure</text>')
    else:
        parts += _consensus_band(comparison, scale, len(figures))
        parts += _agreement_bands(comparison, scale, len(figures))
        parts += _axis(comparison, scale, TOP + ROW_HEIGHT * len(figures))
        for row, figure in enumerate(figures):
            parts += _figure_row(figure, scale, TOP + ROW_HEIGHT * row, comparison.unit)
    parts.append("</svg>")
    return "\n".join(parts)


# --- Pieces ----------------------------------------------------------------------------------


def _figure_row(figure: ComparedFigure, scale: Scale, top: float, unit: str) -> list[str]:
    middle = top + ROW_HEIGHT / 2
    low, high = figure.interval
    runs_left = scale.log and low <= 0
    x_low = PLOT_LEFT if runs_left else scale.x(low)
    x_high = PLOT_RIGHT if high is None else scale.x(high)
    label = _row_label(figure, unit)
    parts = [
        f'<g class="figure" data-source="{_attr(figure.source)}" role="img" aria-label="{_attr(label)}">',
        f"<title>{_text(label)}</title>",
        _source_name(figure, middle),
        f'<rect class="bar" x="{x_low}" y="{middle - 5}" width="{max(x_high - x_low, 2)}" height="10" '
        f'rx="2" fill="{BAR_COLOUR}" fill-opacity="0.75"/>',
    ]
    if high is None:
        parts.append(_arrow(PLOT_RIGHT, middle, pointing=1, css="open-high"))
    elif figure.open_high:
        parts.append(_hollow_bound(x_high, middle, css="excluded-high"))
    if runs_left:
        parts.append(_arrow(PLOT_LEFT, middle, pointing=-1, css="open-low"))
    elif figure.open_low:
        parts.append(_hollow_bound(x_low, middle, css="excluded-low"))
    if figure.value is not None:
        x = scale.x(figure.value) if not (scale.log and figure.value <= 0) else PLOT_LEFT
        # "More than 1,500" states a value it excludes: the diamond is hollow like the bound.
        excluded = (figure.open_low and figure.value == low) or (figure.open_high and figure.value == high)
        fill = f'fill="#ffffff" stroke="{MARK_COLOUR}" stroke-width="1.5"' if excluded else f'fill="{MARK_COLOUR}"'
        parts.append(
            f'<path class="stated-value" d="M{x} {middle - 7} L{x + 6} {middle} L{x} {middle + 7} '
            f'L{x - 6} {middle} Z" {fill}/>'
        )
    parts.append(_stated_figure(figure.stated, x_low, x_high + (ARROW if high is None else 0), middle))
    parts.append("</g>")
    return parts


def label_lines(name: str, chars: int = LABEL_CHARS) -> list[str]:
    """A source's name on one line, or wrapped onto two at a space; only a third line's worth is cut."""
    if len(name) <= chars:
        return [name]
    cut = name.rfind(" ", 0, chars + 1)
    if cut <= 0:
        cut = chars
    return [name[:cut].rstrip(), _shorten(name[cut:].strip(), chars)]


def _source_name(figure: ComparedFigure, middle: float) -> str:
    lines = label_lines(figure.source_name)
    if figure.shares_origin:
        lines[-1] += " *"
    if len(lines) == 1:
        return f'<text class="source-name" x="{LABEL_WIDTH}" y="{middle + 4}" text-anchor="end">{_text(lines[0])}</text>'
    return (
        f'<text class="source-name" x="{LABEL_WIDTH}" y="{middle - 2}" text-anchor="end" font-size="12">'
        f'<tspan x="{LABEL_WIDTH}">{_text(lines[0])}</tspan><tspan x="{LABEL_WIDTH}" dy="13">{_text(lines[1])}</tspan></text>'
    )


def _stated_figure(stated: str, x_low: float, x_end: float, middle: float) -> str:
    """The figure as stated, beside its bar: after it, before it, or above its start when neither fits."""
    width = len(stated) * STATED_CHAR_WIDTH
    # Clear of the diamond (6 units either side of the stated value) and of a bound's circle.
    if x_end + 10 + width <= WIDTH:
        x, y, anchor = x_end + 10, middle + 4, "start"
    elif x_low - 10 - width >= PLOT_LEFT:
        x, y, anchor = x_low - 10, middle + 4, "end"
    else:
        x, y, anchor = max(x_low, PLOT_LEFT), middle - 7, "start"
    return f'<text class="stated-figure" x="{round(x, 2)}" y="{y}" text-anchor="{anchor}" font-size="11" fill="#222">{_text(stated)}</text>'


def _arrow(x: float, middle: float, *, pointing: int, css: str) -> str:
    tip = x + pointing * ARROW
    return (
        f'<path class="{css}" d="M{x} {middle - 8} L{tip} {middle} L{x} {middle + 8} Z" '
        f'fill="{BAR_COLOUR}"/>'
    )


def _hollow_bound(x: float, middle: float, *, css: str) -> str:
    return f'<circle class="{css}" cx="{x}" cy="{middle}" r="5" fill="#ffffff" stroke="{BAR_COLOUR}" stroke-width="2"/>'


def _consensus_band(comparison: Comparison, scale: Scale, rows: int) -> list[str]:
    if comparison.consensus is None:
        return []
    low, high = comparison.consensus
    x_low = scale.x(low) if not (scale.log and low <= 0) else PLOT_LEFT
    x_high = PLOT_RIGHT if high is None else scale.x(high)
    words = f"Consensus band: {_band(comparison)}"
    return [
        f'<g class="consensus" aria-label="{_attr(words)}"><title>{_text(words)}</title>'
        f'<rect x="{x_low - 1}" y="{TOP - 4}" width="{max(x_high - x_low, 0) + 2}" '
        f'height="{ROW_HEIGHT * rows + 8}" fill="{BAND_COLOUR}" fill-opacity="0.55"/></g>'
    ]


def _agreement_bands(comparison: Comparison, scale: Scale, rows: int) -> list[str]:
    """The largest agreements, when the figures share no number but some of them do."""
    if comparison.consensus is not None or not comparison.agreements or len(comparison.agreements[0].sources) < 2:
        return []
    names = {figure.source: figure.source_name for figure in comparison.figures}
    parts = []
    for agreement in comparison.agreements:
        band = agreement.band
        x_low = scale.x(band.low) if not (scale.log and band.low <= 0) else PLOT_LEFT
        x_high = PLOT_RIGHT if band.high is None else scale.x(band.high)
        words = f"Largest agreement: {band_words(band)} ({', '.join(names.get(s, s) for s in agreement.sources)})"
        parts.append(
            f'<g class="largest-agreement" aria-label="{_attr(words)}"><title>{_text(words)}</title>'
            f'<rect x="{x_low - 1}" y="{TOP - 4}" width="{max(x_high - x_low, 0) + 2}" '
            f'height="{ROW_HEIGHT * rows + 8}" fill="{AGREEMENT_COLOUR}" fill-opacity="0.6"/></g>'
        )
    return parts


def _axis(comparison: Comparison, scale: Scale, y: float) -> list[str]:
    parts = [
        '<g class="axis" aria-hidden="true">',
        f'<line x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_RIGHT}" y2="{y}" stroke="#555"/>',
    ]
    for tick in scale.ticks():
        x = scale.x(tick)
        parts.append(f'<line x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{y}" stroke="#ddd"/>')
        parts.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + 5}" stroke="#555"/>')
        parts.append(f'<text class="tick" x="{x}" y="{y + 18}" text-anchor="middle">{_text(format_number(tick))}</text>')
    caption = comparison.unit + (" (log scale)" if scale.log else "")
    parts.append(
        f'<text class="axis-label" x="{(PLOT_LEFT + PLOT_RIGHT) / 2}" y="{y + 38}" text-anchor="middle" '
        f'fill="#444">{_text(caption)}</text>'
    )
    parts.append("</g>")
    return parts


# --- Words -----------------------------------------------------------------------------------


def _row_label(figure: ComparedFigure, unit: str) -> str:
    low, high = figure.interval
    if high is None:
        allows = f"{'more than' if figure.open_low else 'at least'} {format_number(low)} {unit}, no upper limit"
    elif low == high:
        allows = f"exactly {format_number(low)} {unit}"
    else:
        allows = f"from {format_number(low)} to {format_number(high)} {unit}"
    words = f"{figure.source_name}: “{figure.stated}” ({allows}), claimed on {figure.claimed_on}"
    if figure.via:
        words += f", via {figure.via_name or figure.via}"
    if figure.shares_origin and figure.origin:
        words += f"; shares an origin ({figure.origin}) with another source here"
    return words


def _band(comparison: Comparison) -> str:
    assert comparison.consensus is not None
    low, high = comparison.consensus
    left = "(" if comparison.consensus_open_low else "["
    right = ")" if comparison.consensus_open_high or high is None else "]"
    return f"{left}{format_number(low)} – {format_number(high)}{right}"


def _describe_scale(comparison: Comparison, scale: Scale) -> str:
    kind = "logarithmic" if scale.log else "linear"
    return f"One bar per source on a {kind} axis in {comparison.unit}, from {format_number(scale.low)} to {format_number(scale.high)}."


def _population(comparison: Comparison) -> str:
    return f" ({comparison.population})" if comparison.population else ""


def _numbers(figures: Sequence[ComparedFigure]) -> list[float]:
    numbers: list[float] = []
    for figure in figures:
        numbers += [n for n in (figure.interval[0], figure.interval[1], figure.value) if n is not None]
    return numbers


def _nice_step(span: float) -> float:
    """A round tick step (1, 2 or 5 × a power of ten) giving about five ticks over ``span``."""
    raw = span / 5
    power = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power  # pragma: no cover - the loop always returns


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


# --- History ---------------------------------------------------------------------------------


def date_span(date: str) -> tuple[int, int]:
    """The days (as ordinals) a date prefix covers: a day, a whole month, or a whole year."""
    year = int(date[:4])
    if len(date) >= 10:
        day = dt.date(year, int(date[5:7]), int(date[8:10])).toordinal()
        return day, day
    if len(date) >= 7:
        month = int(date[5:7])
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return first.toordinal(), following.toordinal() - 1
    return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()


def history_chart_svg(comparison: Comparison, *, chart_id: str = "history-chart") -> str:
    """Each source's figures over time: one row per source, each figure where (and as precisely as) it was dated.

    A figure dated to a day is a dot; one dated to a month or a year spans it (drawn first, so
    dots stay on top). Each carries the figure as stated where the label fits beside the one
    before it, and always in the row's ``<title>``; the latest is filled, earlier ones hollow.
    """
    history = comparison.history or {f.source: [f] for f in comparison.figures}
    rows = [figures for figures in history.values() if figures]
    spans = [date_span(f.claimed_on) for figures in rows for f in figures]
    first = min((s[0] for s in spans), default=0) - 3
    last = max((s[1] for s in spans), default=1) + 3

    def x(day: int) -> float:
        return round(PLOT_LEFT + (day - first) / max(last - first, 1) * (PLOT_RIGHT - 60 - PLOT_LEFT), 2)

    height = TOP + HISTORY_ROW_HEIGHT * max(len(rows), 1) + AXIS_HEIGHT
    title = f"{comparison.metric_name}{_population(comparison)}: {comparison.event_name}, each source's figures over time"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="factdb-history-chart" id="{_attr(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" style="max-width: 100%; height: auto" role="group" '
        f'aria-labelledby="{_attr(chart_id)}-title" '
        f'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">',
        f'<title id="{_attr(chart_id)}-title">{_text(title)}</title>',
    ]
    for row, figures in enumerate(rows):
        middle = TOP + HISTORY_ROW_HEIGHT * row + HISTORY_ROW_HEIGHT / 2 + 6
        words = "; ".join(f"{f.stated} ({f.claimed_on})" for f in figures)
        parts.append(f'<g class="history" data-source="{_attr(figures[0].source)}" role="img" '
                     f'aria-label="{_attr(figures[0].source_name)}: {_attr(words)}"><title>{_text(figures[0].source_name)}: {_text(words)}</title>')
        parts.append(_source_name(figures[-1], middle))
        parts.append(f'<line x1="{PLOT_LEFT}" y1="{middle}" x2="{PLOT_RIGHT}" y2="{middle}" stroke="#eee"/>')
        marks = sorted(enumerate(figures), key=lambda step: date_span(step[1].claimed_on)[0] == date_span(step[1].claimed_on)[1])
        for step, figure in marks:
            start, end = date_span(figure.claimed_on)
            fill = BAR_COLOUR if step == len(figures) - 1 else "#ffffff"
            if start == end:
                parts.append(f'<circle class="revision" cx="{x(start)}" cy="{middle}" r="5" fill="{fill}" stroke="{BAR_COLOUR}" stroke-width="2"/>')
            else:
                parts.append(f'<rect class="revision" x="{x(start)}" y="{middle - 5}" width="{max(x(end) - x(start), 4)}" height="10" '
                             f'rx="3" fill="{fill}" stroke="{BAR_COLOUR}" stroke-width="2"/>')
        parts += _revision_labels(figures, x, middle)
        parts.append("</g>")
    axis_y = TOP + HISTORY_ROW_HEIGHT * max(len(rows), 1) + 6
    parts.append(f'<g class="axis" aria-hidden="true"><line x1="{PLOT_LEFT}" y1="{axis_y}" x2="{PLOT_RIGHT}" y2="{axis_y}" stroke="#555"/>')
    for tick in range(5):
        day = first + round((last - first) * tick / 4)
        label = dt.date.fromordinal(day).isoformat()
        parts.append(f'<text class="tick" x="{x(day)}" y="{axis_y + 18}" text-anchor="middle">{label}</text>')
    parts.append("</g></svg>")
    return "\n".join(parts)


def _revision_labels(figures: Sequence[ComparedFigure], x: Callable[[int], float], middle: float) -> list[str]:
    """The stated figures of one row, the latest first, each above or below the marks where it fits."""
    lanes: dict[float, list[tuple[float, float]]] = {middle - 10: [], middle + 20: []}
    parts = []
    for figure in reversed(figures):
        left = x(date_span(figure.claimed_on)[0]) - 4
        right = left + len(figure.stated) * STATED_CHAR_WIDTH + 6
        lane = next((y for y, taken in lanes.items() if all(right <= a or left >= b for a, b in taken)), None)
        if lane is not None:
            lanes[lane].append((left, right))
            parts.append(f'<text class="revision-figure" x="{left}" y="{lane}" font-size="11" fill="#222">{_text(figure.stated)}</text>')
    return parts
