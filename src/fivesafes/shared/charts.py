"""Small server-side SVG charts (no JavaScript, no build step): vertical bars for a series (the
catalogue's rows per year, the release dashboard's requests per week) and labelled horizontal
bars for a breakdown (the dashboards' queues and trends), each with a title and a description
for screen readers and, for the dashboards, its figures as a table beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 640, 140, 24


def bars_svg(
    points: Sequence[tuple[str, int]],
    what: str,
    *,
    count: Callable[[int], str] = str,
    gap: float = 2,
    css_class: str = "",
) -> str:
    """Bars for (label, count) points, labelled first and last, each with its title; `what`
    names the chart for a screen reader, `count(n)` writes a count, `gap` separates bars."""
    if not points:
        return ""
    peak = max(n for _label, n in points) or 1
    bar = (WIDTH - 2 * PAD) / len(points)
    css = f' class="{css_class}"' if css_class else ""
    spoken = _("%(what)s, %(first)s to %(last)s") % {
        "what": what,
        "first": points[0][0],
        "last": points[-1][0],
    }
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT + PAD}" width="100%" role="img" '
        f'aria-label="{escape(spoken)}"{css}>'
    ]
    for i, (label, n) in enumerate(points):
        h = (HEIGHT - PAD) * n / peak
        parts.append(
            f'<rect x="{PAD + i * bar:.1f}" y="{HEIGHT - h:.1f}" width="{max(bar - gap, 1):.1f}" '
            f'height="{h:.1f}" fill="#1f5f99"><title>{escape(label)}: {count(n)}</title></rect>'
        )
    for label, x, anchor in ((points[0][0], PAD, "start"), (points[-1][0], WIDTH - PAD, "end")):
        parts.append(
            f'<text x="{x}" y="{HEIGHT + 16}" font-size="12" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    peak_words = escape(_("peak %(count)s") % {"count": count(peak)})
    parts.append(f'<text x="{PAD}" y="12" font-size="12">{peak_words}</text></svg>')
    return "".join(parts)


@dataclass(frozen=True)
class Chart:
    """A breakdown drawn as labelled horizontal bars: `rows` of (label, value), `unit` naming
    the values ('applications', 'days'), `labels` naming the rows' labels ('State', 'Month'),
    `description` saying in a sentence what it shows (else its figures are read out)."""

    title: str
    rows: tuple[tuple[str, int], ...]
    unit: str
    labels: str
    description: str = ""

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.rows)

    @property
    def svg(self) -> SafeString:
        return mark_safe(breakdown_svg(self))  # noqa: S308 - every text in it is escaped


# A breakdown is drawn narrower than a series: it sits in a dashboard card.
BREAKDOWN_WIDTH, ROW, LABEL_WIDTH, VALUE_WIDTH = 400, 22, 150, 50


def breakdown_svg(chart: Chart) -> str:
    """The chart as an SVG of one labelled bar per row, its value written at the bar's end;
    titled and described for a screen reader (role img, aria-labelledby)."""
    if not chart.rows:
        return ""
    key = slugify(chart.title) or "chart"
    peak = max(n for _label, n in chart.rows) or 1
    room = BREAKDOWN_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(chart.rows) + 4
    description = chart.description or ", ".join(f"{label}: {n}" for label, n in chart.rows)
    parts = [
        f'<svg viewBox="0 0 {BREAKDOWN_WIDTH} {height}" width="100%" role="img" class="breakdown" '
        f'aria-labelledby="{key}-title {key}-desc">'
        f'<title id="{key}-title">{escape(chart.title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>'
    ]
    for i, (label, n) in enumerate(chart.rows):
        y = i * ROW + 2
        width = room * n / peak
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" font-size="13" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{max(width, 1 if n else 0):.1f}" '
            f'height="{ROW - 6}" fill="#1f5f99"><title>{escape(label)}: {n:,} '
            f"{escape(chart.unit)}</title></rect>"
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 15}" font-size="13">{n:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
