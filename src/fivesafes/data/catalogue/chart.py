"""A small inline SVG bar chart of rows per year (server-side, no JavaScript)."""

from __future__ import annotations

from fivesafes.shared.charts import bars_svg


def coverage_svg(rows_by_year: dict[str, int]) -> str:
    years = sorted((int(y), n) for y, n in rows_by_year.items() if y.isdigit())
    return bars_svg(
        [(str(year), n) for year, n in years],
        "Rows per year",
        count=lambda n: f"{n:,} rows",
        gap=1,
        css_class="coverage",
    )
