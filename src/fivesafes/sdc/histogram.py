"""Histograms (and the bins behind density plots): bin counts, extreme bins, minimum/maximum.

Each non-empty bin needs at least `frequency.threshold` contributors. Bin edges taken from
the data's own minimum and maximum publish those two values, which belong to single
contributors, so such a histogram asks for review unless the caller gives edges or a range
that reach beyond the data. DuckDB reads the column; numpy counts the bins.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .config import DEFAULT_RULES, RuleSet
from .errors import EmptyTableError, NonFiniteValueError, NonNumericCellError, SdcInputError
from .findings import Finding
from .output import CheckedOutput
from .source import Source, dim_key, quote


def hist(
    data: Any,
    column: str,
    bins: int | list[float] = 10,
    range: tuple[float, float] | None = None,  # noqa: A002 - numpy's name
    *,
    rules: RuleSet | None = None,
    filename: str | None = None,
) -> CheckedOutput:
    rules = rules or DEFAULT_RULES
    source = Source(data, [column], None, None)
    try:
        q = quote(dim_key(0))
        probe = source.query(f"SELECT {q} FROM {{src}} LIMIT 0")  # noqa: S608
        if not any(k in str(probe.dtypes.iloc[0]).lower() for k in ("int", "float", "decimal")):
            raise NonNumericCellError("a histogram needs numbers", field=column)
        summary = source.query(
            f"SELECT count({q}) AS n, min({q}) AS lo, max({q}) AS hi, "  # noqa: S608
            f"count(*) FILTER (WHERE isinf({q}::DOUBLE)) AS inf, "
            f"count(*) FILTER (WHERE isnan({q}::DOUBLE)) AS nan FROM {{src}}"
        ).iloc[0]
        if int(summary["inf"]):
            raise NonFiniteValueError(f"{int(summary['inf'])} values are infinite", field=column)
        if int(summary["nan"]):
            raise NonFiniteValueError(
                f"{int(summary['nan'])} values are NaN (not a number); make them missing (null)",
                field=column,
            )
        if int(summary["n"]) == 0:
            raise EmptyTableError("the column has no values", field=column)
        lo, hi = float(summary["lo"]), float(summary["hi"])
        if isinstance(bins, int):
            if bins < 1:
                raise SdcInputError("at least one bin", field="bins")
            a, b = range if range is not None else (lo, hi)
            if b <= a:
                b = a + 1.0
            edges = np.linspace(a, b, bins + 1)
            from_data = range is None
        else:
            edges = np.asarray(sorted(bins), dtype="float64")
            if edges.size < 2:
                raise SdcInputError("give at least two bin edges", field="bins")
            from_data = bool(edges[0] >= lo or edges[-1] <= hi)
        values = source.query(f"SELECT {q} AS v FROM {{src}} WHERE {q} IS NOT NULL")["v"]  # noqa: S608
    finally:
        source.close()
    # numpy's convention: [left, right) and the last bin also holds its right edge
    n, _ = np.histogram(values.to_numpy(dtype="float64"), bins=edges)
    table = pd.DataFrame({"left": edges[:-1], "right": edges[1:], "count": n})
    table.index.name = "bin"
    t = rules.frequency.threshold
    found: list[Finding] = []
    for i, k in enumerate(n):
        cell = {"bin": f"[{edges[i]:g}, {edges[i + 1]:g})"}
        if 0 < k < t or (k == 0 and rules.zeros.mode == "all"):
            found.append(
                Finding(
                    rule="histogram_bin",
                    severity=rules.frequency.severity,
                    cell=cell,
                    values={"contributors": int(k), "threshold": t},
                    reason=f"this bin holds {int(k)} contributors, fewer than {t}",
                )
            )
    if from_data:
        found.append(
            Finding(
                rule="histogram_extremes",
                severity=rules.histogram.extreme_bins_severity,
                values={"minimum": lo, "maximum": hi},
                reason=(
                    "the outer bin edges are the data's minimum and maximum, each one "
                    "contributor's value; give bin edges or a range beyond the data"
                ),
            )
        )
    notes = pd.DataFrame("ok", index=table.index, columns=table.columns)
    for f in found:
        if f.cell:
            i = [f"[{edges[j]:g}, {edges[j + 1]:g})" for j in np.arange(len(n))].index(
                f.cell["bin"]
            )
            notes.iloc[i, :] = f.rule
    if filename:
        _plot(table, filename)
    request = {
        "method": "hist",
        "column": column,
        "bins": [float(x) for x in edges],
        "file": filename,
    }
    return CheckedOutput.judged("histogram", table, notes, found, rules, request)


def _plot(table: pd.DataFrame, filename: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(table["left"], table["count"], width=table["right"] - table["left"], align="edge")
    fig.savefig(filename)
    plt.close(fig)
