"""A small server-side SVG bar chart (no JavaScript): the catalogue's rows per year and the
release dashboard's requests per week."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape

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
    peak = max(n for _, n in points) or 1
    bar = (WIDTH - 2 * PAD) / len(points)
    css = f' class="{css_class}"' if css_class else ""
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT + PAD}" width="100%" role="img" '
        f'aria-label="{escape(what)}, {escape(points[0][0])} to {escape(points[-1][0])}"{css}>'
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
    parts.append(f'<text x="{PAD}" y="12" font-size="12">peak {count(peak)}</text></svg>')
    return "".join(parts)
