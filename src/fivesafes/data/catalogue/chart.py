"""A small inline SVG bar chart of rows per year (server-side, no JavaScript)."""

from __future__ import annotations

from django.utils.html import escape

WIDTH, HEIGHT, PAD = 640, 140, 24


def coverage_svg(rows_by_year: dict[str, int]) -> str:
    years = sorted((int(y), n) for y, n in rows_by_year.items() if y.isdigit())
    if not years:
        return ""
    peak = max(n for _, n in years) or 1
    bar = (WIDTH - 2 * PAD) / len(years)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT + PAD}" width="100%" role="img" '
        f'aria-label="Rows per year, {years[0][0]} to {years[-1][0]}" class="coverage">'
    ]
    for i, (year, n) in enumerate(years):
        h = (HEIGHT - PAD) * n / peak
        x, y = PAD + i * bar, HEIGHT - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}" '
            f'fill="#1f5f99"><title>{year}: {n:,} rows</title></rect>'
        )
    for year, label_x in ((years[0][0], PAD), (years[-1][0], WIDTH - PAD)):
        anchor = "start" if label_x == PAD else "end"
        parts.append(
            f'<text x="{label_x}" y="{HEIGHT + 16}" font-size="12" text-anchor="{anchor}">'
            f"{escape(str(year))}</text>"
        )
    parts.append(f'<text x="{PAD}" y="12" font-size="12">peak {peak:,} rows</text></svg>')
    return "".join(parts)
