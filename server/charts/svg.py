"""Charts drawn on the server as accessible SVG: a title and a description for screen readers, the numbers
in a table beside them (the templates put it there), no script and no chart library, so they print and
work offline from the page cache.

Every function returns markup built only from escaped text and numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from markupsafe import escape as _escape


def escape(text: object) -> str:
    """Plain text for SVG: translated labels arrive as Markup and are escaped here exactly once."""
    return str(_escape(str(text)))


INK = "#1a1a1a"
MUTED = "#4a5560"
BRAND = "#0b4f8a"
GOOD = "#0b6b2f"
BAD = "#a8071a"
EMPTY = "#e9edf1"
# Without a target a rate is neither good nor bad: one hue, darker for higher, every shade dark enough
# for the white figures on it (contrast at least 4.5:1).
NEUTRAL_LOW = (0x4A, 0x67, 0x80)
NEUTRAL_HIGH = (0x0B, 0x2F, 0x4F)


def neutral_shade(rate: float) -> str:
    share = min(1.0, max(0.0, rate / 100))
    channels = (
        round(low + (high - low) * share) for low, high in zip(NEUTRAL_LOW, NEUTRAL_HIGH, strict=True)
    )
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def _svg(width: int, height: int, title: str, desc: str, body: list[str], chart_id: str) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every part above is escaped or numeric


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13, fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(text)}</text>"
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # shown after the value, e.g. the count behind a rate
    colour: str = BRAND


def bar_chart(
    chart_id: str, title: str, desc: str, bars: Sequence[Bar], *, unit: str = "", maximum: float = 0
) -> Markup:
    """Horizontal bars, one per label, each with its value written beside it."""
    label_width, bar_width, row = 190, 330, 30
    height = max(1, len(bars)) * row + 10
    top = maximum or max((b.value for b in bars), default=0) or 1
    body = []
    for i, bar in enumerate(bars):
        y = 5 + i * row
        length = bar_width * max(0.0, bar.value) / top
        body.append(_text(label_width - 8, y + 19, bar.label, anchor="end"))
        body.append(
            f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" '
            f'height="{row - 10}" fill="{bar.colour}"/>'
        )
        value = f"{bar.value:g}{unit}" + (f"（{bar.note}）" if bar.note else "")
        body.append(_text(label_width + length + 6, y + 19, value))
    return _svg(label_width + bar_width + 150, height, title, desc, body, chart_id)


@dataclass(frozen=True)
class Cell:
    rate: float | None  # percent, None when nothing applied
    count: int  # the answers behind the rate
    few: bool = False  # too few answers to read much into


def heat_map(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: dict[tuple[int, int], Cell],
    target: dict[int, float | None],
) -> Markup:
    """Rates per row and column against each row's target: at or above target green, below it red; a row
    without a target in a neutral blue scale (darker is higher). The count is written in every cell, no
    data grey; few answers drawn hatched."""
    label_width, cell_w, cell_h, head = 130, 52, 34, 26
    width = label_width + cell_w * len(columns) + 10
    height = head + cell_h * len(rows) + 10
    body = [
        '<defs><pattern id="few" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" opacity=".6"/></pattern></defs>'
    ]
    for c, column in enumerate(columns):
        body.append(_text(label_width + c * cell_w + cell_w / 2, 18, column, anchor="middle", size=12))
    # A year of twenty sections is hundreds of cells: their shared look goes on a group each (rectangles,
    # rates, counts, dashes), so a cell is a few short elements and the figures, numbers only, need no
    # escaping. This keeps the heaviest dashboard panel small and quick to draw.
    rects, rates, counts, dashes = [], [], [], []
    w, h = cell_w - 2, cell_h - 2
    for r, row in enumerate(rows):
        y = head + r * cell_h
        body.append(_text(label_width - 6, y + 22, row, anchor="end", size=12))
        row_target = target.get(r)
        for c in range(len(columns)):
            x = label_width + c * cell_w
            middle = x + cell_w / 2
            cell = cells.get((r, c))
            if cell is None or cell.rate is None:
                rects.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{EMPTY}"/>')
                dashes.append(f'<text x="{middle:g}" y="{y + 21}">—</text>')
                continue
            if row_target is None:
                colour = neutral_shade(cell.rate)
            else:
                colour = GOOD if cell.rate >= row_target else BAD
            rects.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"/>')
            if cell.few:
                rects.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="url(#few)"/>')
            rates.append(f'<text x="{middle:g}" y="{y + 15}">{cell.rate:.0f}%</text>')
            counts.append(f'<text x="{middle:g}" y="{y + 28}">n={int(cell.count)}</text>')
    body.append("<g>" + "".join(rects) + "</g>")
    body.append(f'<g font-size="11" text-anchor="middle" fill="#fff">{"".join(rates)}</g>')
    body.append(f'<g font-size="9" text-anchor="middle" fill="#fff">{"".join(counts)}</g>')
    body.append(f'<g font-size="11" text-anchor="middle" fill="{MUTED}">{"".join(dashes)}</g>')
    return _svg(width, height, title, desc, body, chart_id)


def _polyline(points: list[str], colour: str) -> str:
    if len(points) < 2:
        return ""
    return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(points)}"/>'


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[float | None]  # one per x label; None leaves a gap
    colour: str = BRAND


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    maximum: float = 100,
) -> Markup:
    """Trend lines over the fiscal year; a gap where a month has no data."""
    left, top, plot_w, plot_h = 40, 10, 560, 180
    step = plot_w / max(1, len(x_labels) - 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>'
    ]
    for tick in (0, 50, 100):
        y = top + plot_h - plot_h * tick / maximum
        body.append(_text(left - 4, y + 4, f"{tick:g}", anchor="end", size=10, fill=MUTED))
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{EMPTY}"/>')
    for i, label in enumerate(x_labels):
        body.append(_text(left + i * step, top + plot_h + 16, label, anchor="middle", size=10, fill=MUTED))
    for s_index, s in enumerate(series):
        run: list[str] = []
        for i, value in enumerate(s.points):
            if value is None:
                body.append(_polyline(run, s.colour))
                run = []
                continue
            x, y = left + i * step, top + plot_h - plot_h * value / maximum
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.colour}"/>')
        if len(run) > 1:
            body.append(
                f'<polyline fill="none" stroke="{s.colour}" stroke-width="2" points="{" ".join(run)}"/>'
            )
        body.append(_text(left + plot_w + 6, top + 12 + 14 * s_index, s.name, size=10, fill=s.colour))
    return _svg(left + plot_w + 120, top + plot_h + 26, title, desc, body, chart_id)
