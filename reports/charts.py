"""Trend charts as inline SVG, drawn from a protected table only: a suppressed count is a gap in the
line, never a guess. No chart library: the page must work on closed council networks and print."""

import math
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.indicators import TOTAL, IndicatorTable

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 84, 190, 16, 64
GSS_CODE = re.compile(r" \([EWSN]\d{8}\)")
# Colour-blind safe (Okabe–Ito), darkest first for the total.
PALETTE = ["#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def series_for(table: IndicatorTable, limit: int = 5) -> list[tuple[str, list[int | None]]]:
    """The total, or each chosen area's subtotal when the view has no total, and the largest rows
    (by their published total, or their last period's when a period filter left no total), each
    over the period columns."""
    columns = table.period_columns
    size = TOTAL if TOTAL in table.columns else columns[-1] if columns else None
    # A row suppressed in every period would be a legend entry without a line.
    leaves = [
        r
        for r in table.rows
        if r != TOTAL and r not in table.group_rows and any(table.value(r, c) is not None for c in columns)
    ]
    leaves.sort(key=lambda r: -(table.value(r, size) or 0))
    heads = [TOTAL] if TOTAL in table.rows else [r for r in table.rows if r in table.group_rows][:limit]
    return [(row, [table.value(row, c) for c in columns]) for row in [*heads, *leaves[:limit]]]


def _short(label: str) -> str:
    # The legend has room for about 26 characters: an area's GSS code is the first thing to go.
    return GSS_CODE.sub("", label)[:26]


def nice_ticks(peak: float, most: int = 5) -> list[int]:
    """Round grid values from 0 to at least `peak`, no more than `most` of them: 0, 250, 500, 750,
    1,000 for a peak of 822, where quarters of the peak would give 274, 548, 822."""
    rough = max(peak, 1) / (most - 1)
    power = 10 ** max(0, math.floor(math.log10(rough)))
    # Counts are whole: a step of 2.5 only from 25 up.
    steps = [1, 2, 2.5, 5, 10] if power >= 10 else [1, 2, 5, 10]
    step = int(next(m * power for m in steps if m * power >= rough))
    return [step * n for n in range(math.ceil(max(peak, 1) / step) + 1)]


def line_chart(table: IndicatorTable) -> SafeString:
    columns = table.period_columns
    if len(columns) < 2:
        return mark_safe("")
    series = series_for(table)
    heads = [row for row, _ in series if row == TOTAL or row in table.group_rows]
    ticks = nice_ticks(max([v for _, values in series for v in values if v is not None] or [1]))
    peak = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + plot_w * i / (len(columns) - 1)

    def y(v: int) -> float:
        return TOP + plot_h * (1 - v / peak)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-{id(table)}">',
        f'<title id="chart-{id(table)}">{escape(table.source.title)}: {escape(table.query.label)}. '
        "Gaps are suppressed counts.</title>",
    ]
    for value in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:,.0f}</text>'
        )
    for i, column in enumerate(columns):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="end" '
            f'transform="rotate(-30 {x(i):.1f} {HEIGHT - BOTTOM + 16})">{escape(column)}</text>'
        )
    for n, (label, values) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        run: list[str] = []
        for i, value in enumerate([*values, None]):
            if value is not None:
                run.append(f"{x(i):.1f},{y(value):.1f}")
                at_least = "at least " if (label, columns[i]) in table.incomplete else ""
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}">'
                    f"<title>{escape(label)}, {escape(columns[i])}: {at_least}{value:,}</title></circle>"
                )
            elif run:
                width = 3 if n < len(heads) else 2
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="{width}" points="{" ".join(run)}"/>'
                )
                run = []
        legend_y = TOP + 18 * n + 8
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 14}" y="{legend_y - 8}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{WIDTH - RIGHT + 34}" y="{legend_y}">{escape(_short(label))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
