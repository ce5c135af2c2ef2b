"""Per-cell statistics of a table computed from microdata by DuckDB (never Python row loops).

`aggregate()` takes a pandas or polars DataFrame, a pyarrow Table, a DuckDB relation or a
Parquet path and returns one row per cell (including margin cells when asked) holding what
the rules need: contributors, sum, the largest absolute contributions, negatives, missing
values, and the statistics the researcher asked for. Dimension i of the table is the column
`dim:i` of the result (`CellStats.key`), so no variable name can collide with a statistic.
"""

# ruff: noqa: S608  (SQL is built only from identifiers quoted by quote() and fixed syntax)
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .cell_grid import MARGIN, complete_cells
from .errors import EmptyTableError, NonFiniteValueError, NonNumericCellError, SdcInputError
from .order_stats import OrderStatistics, order_fraction
from .source import CONTRIBUTOR, VALUES, Source, dim_key, quote

__all__ = ["AGGFUNCS", "MARGIN", "CellStats", "aggregate", "normalise_aggfuncs"]

AGGFUNCS = ("count", "sum", "mean", "median", "std", "var", "min", "max")


@dataclass
class CellStats:
    """One row per cell: labels in `dim:i` columns, a `_margin` flag, `n` and statistics."""

    frame: pd.DataFrame
    rows: list[str]
    columns: list[str]
    values: str | None
    aggfuncs: list[str]
    top_n: int
    n_input_rows: int
    # what the values column holds: "indicator" (only 0 and 1), "count" (whole numbers from
    # 0 up to a small maximum), "magnitude" (anything else); None without values
    value_kind: str | None = None

    @property
    def dims(self) -> list[str]:
        return self.rows + self.columns

    def key(self, dim: str) -> str:
        """The column of `frame` holding the labels of dimension `dim`."""
        return dim_key(self.dims.index(dim))

    @property
    def keys(self) -> list[str]:
        return [dim_key(i) for i in range(len(self.dims))]

    def labels(self, dim: str) -> pd.Series:
        return self.frame[self.key(dim)]


def statistic_sql(aggfunc: str, col: str) -> str:
    v = quote(col)
    match aggfunc:
        case "count":
            return "count(*)"
        case "sum":
            return f"sum({v})"
        case "mean":
            return f"avg({v})"
        case "median":
            return f"median({v})"
        case "std":
            return f"stddev_samp({v})"
        case "var":
            return f"var_samp({v})"
        case "min":
            return f"min({v})"
        case "max":
            return f"max({v})"
    q = order_fraction(aggfunc)
    if q is not None:
        return f"quantile_cont({v}, {q!r})"
    raise SdcInputError(
        f"unknown aggregation {aggfunc!r}; use one of {', '.join(AGGFUNCS)} or qNN (quantile)",
        field="aggfunc",
    )


def normalise_aggfuncs(aggfunc: str | list[str] | None, values: str | None) -> list[str]:
    if aggfunc is None:
        if values is not None:
            raise SdcInputError("values were given without an aggregation", field="aggfunc")
        return ["count"]
    funcs = [aggfunc] if isinstance(aggfunc, str) else list(aggfunc)
    if not funcs:
        raise SdcInputError("no aggregation given", field="aggfunc")
    out = []
    for f in funcs:
        if not isinstance(f, str):
            raise SdcInputError(f"aggregations are named by text, got {f!r}", field="aggfunc")
        name = {"avg": "mean", "size": "count", "stddev": "std"}.get(f, f)
        statistic_sql(name, "x")  # validates the name
        if name != "count" and values is None:
            raise SdcInputError(f"aggregation {name!r} needs a values column", field="values")
        out.append(name)
    return out


def aggregate(
    data: Any,
    rows: list[str],
    columns: list[str],
    values: str | None = None,
    aggfuncs: list[str] | None = None,
    margins: bool = False,
    top_n: int = 2,
    contributor: str | None = None,
    max_cells: int = 2_000_000,
    max_count: int = 100,
) -> CellStats:
    """Aggregate `data` into per-cell statistics for the rules and the published table."""
    aggfuncs = aggfuncs or ["count"]
    dims = rows + columns
    if not dims:
        raise SdcInputError("a table needs at least one row or column variable", field="index")
    if len(set(dims)) != len(dims):
        raise SdcInputError("the same variable is used twice", field=",".join(dims))
    source = Source(data, dims, values, contributor)
    try:
        _check_numeric(source, values)
        frame = _run(source, len(dims), len(rows), values, aggfuncs, margins, top_n, contributor)
        if values is not None and contributor is None and any(map(_in_numpy, aggfuncs)):
            # quantiles exactly as pandas computes them, in a second, narrower pass
            keys = [dim_key(i) for i in range(len(dims))]
            OrderStatistics(
                _rows_with_every_dim(source, keys),
                keys,
                VALUES,
                [f for f in aggfuncs if _in_numpy(f)],
                _grouping_sets(keys[: len(rows)], keys[len(rows) :], margins),
            ).fill(frame)
        if frame.empty:
            raise EmptyTableError("the data have no rows with every table variable", field="data")
        _check_finite(frame, values)
        n_input_rows = int(frame.loc[~frame["_margin"].astype(bool), "n_rows"].sum())
        kind = (
            _value_kind(source, frame, max_count, contributor is not None)
            if values is not None
            else None
        )
    finally:
        source.close()
    frame = complete_cells(frame, dims, len(rows), margins, max_cells)
    return CellStats(frame, rows, columns, values, aggfuncs, top_n, n_input_rows, kind)


def _value_kind(
    source: Source, frame: pd.DataFrame, max_count: int, per_contributor: bool = False
) -> str:
    """indicator, count or magnitude, from every value of the column (not cell by cell: a
    cell whose values happen to be 0 and 1 is still a magnitude when the column holds other
    values elsewhere). Without contributors the range comes from the cells, and only a
    column whose values all lie in 0..max_count is scanned once more, for values that are
    not whole; with contributors the cells hold each contributor's total, so the record
    values are scanned (an indicator summed over a firm's establishments stays an
    indicator of the firm: with or without the attribute)."""
    v = quote(VALUES)
    if per_contributor:
        raw = source.query(
            f"SELECT count({v}) AS k, min({v})::DOUBLE AS lo, max({v})::DOUBLE AS hi, "
            f"count(*) FILTER (WHERE {v}::DOUBLE <> floor({v}::DOUBLE)) AS frac FROM {{src}}"
        ).iloc[0]
        if int(raw["k"]) == 0:
            return "magnitude"
        lo, hi = float(raw["lo"]), float(raw["hi"])
        whole = int(raw["frac"]) == 0
    else:
        body = frame.loc[~frame["_margin"].astype(bool)]
        if int(body["n"].fillna(0).sum()) == 0:
            return "magnitude"
        lo, hi = float(body["vmin"].min()), float(body["vmax"].max())
        whole = True
    if not (lo >= 0 and hi <= max_count):
        return "magnitude"
    if not per_contributor:
        fractions = source.query(
            f"SELECT count(*) AS k FROM {{src}} WHERE {v}::DOUBLE <> floor({v}::DOUBLE)"
        )
        whole = int(fractions["k"].iloc[0]) == 0
    if not whole:
        return "magnitude"
    return "indicator" if hi <= 1 else "count"


def _rows_with_every_dim(source: Source, keys: list[str]) -> pd.DataFrame:
    """The data rows with every dimension present: dimensions and values (straight from a
    pandas frame, otherwise by a narrow DuckDB query)."""
    frame = source.pandas
    if frame is not None:
        keep = frame[keys].notna().all(axis=1)
        return frame if keep.all() else frame[keep]
    where = " AND ".join(f"{quote(k)} IS NOT NULL" for k in keys)
    select = ", ".join(quote(c) for c in [*keys, VALUES])
    return source.query(f"SELECT {select} FROM {{src}} WHERE {where}")


def _check_numeric(source: Source, values: str | None) -> None:
    """Refuse a values column that does not hold numbers."""
    if values is None:
        return
    frame = source.pandas
    if frame is not None:
        kind = getattr(frame[VALUES].dtype, "kind", "O")
        if kind in ("i", "u", "f"):
            return  # numpy or pandas integers or floats: no need to ask DuckDB
    types = source.query(f"SELECT {quote(VALUES)} FROM {{src}} LIMIT 0")
    t = str(types.dtypes.iloc[0]).lower()
    if not any(k in t for k in ("int", "float", "decimal")):
        raise NonNumericCellError(f"values column holds {t}, not numbers", field=values)


def _check_finite(frame: pd.DataFrame, values: str | None) -> None:
    """Refuse infinite values, and NaN (which Arrow, Parquet, polars and DuckDB keep apart
    from a missing value; pandas' NaN arrives as missing and is reported as such)."""
    if values is None or "n_inf" not in frame:
        return
    body = ~frame["_margin"].astype(bool)
    n_inf = int(frame.loc[body, "n_inf"].fillna(0).sum())
    if n_inf:
        raise NonFiniteValueError(
            f"{n_inf} values are infinite; remove or recode them", field=values
        )
    n_nan = int(frame.loc[body, "n_nan"].fillna(0).sum()) if "n_nan" in frame else 0
    if n_nan:
        raise NonFiniteValueError(
            f"{n_nan} values are NaN (not a number); make them missing (null) or give a value",
            field=values,
        )


def _grouping_sets(rows: list[str], columns: list[str], margins: bool) -> list[list[str]]:
    sets = [rows + columns]
    if margins:
        if rows and columns:
            sets += [rows, columns, []]
        else:
            sets += [[]]
    return sets


def _in_numpy(aggfunc: str) -> bool:
    """Quantiles are computed by order_stats: DuckDB's quantile_cont interpolates with other
    rounding than pandas. DuckDB's exact median equals pandas' and needs no second pass."""
    return aggfunc != "median" and order_fraction(aggfunc) is not None


def _stat_exprs(
    values: str | None,
    aggfuncs: list[str],
    top_n: int,
    n_expr: str,
    rows_expr: str,
    order_in_sql: bool = True,
    valued_expr: str | None = None,
) -> list[str]:
    """SQL of the per-cell figures. `rows_expr` counts the records of a cell, `valued_expr`
    those with a value (pandas' `count` of a values column, which leaves missing ones out)."""
    stats = [f"{n_expr} AS n", f"{rows_expr} AS n_rows"]
    count_expr = rows_expr
    if values is not None:
        qv = quote(values)
        count_expr = valued_expr or f"count({qv})"
        stats += [
            f"count(*) FILTER (WHERE isinf({qv}::DOUBLE)) AS n_inf",
            f"count(*) FILTER (WHERE isnan({qv}::DOUBLE)) AS n_nan",
            f"count(*) FILTER (WHERE {qv} < 0) AS n_neg",
            f"{rows_expr} - {count_expr} AS n_missing",
            # contributors with a non-zero value, and the range of the values: what an
            # indicator or a count column counts, and whether everyone shares one value
            f"count(*) FILTER (WHERE {qv} <> 0) AS n_nonzero",
            f"min({qv})::DOUBLE AS vmin",
            f"max({qv})::DOUBLE AS vmax",
        ]
        if any(f in ("sum", "mean") for f in aggfuncs):
            stats += [
                f"sum(abs({qv})) AS abs_total",
                f"max(abs({qv}), {int(top_n)}) AS top",
            ]
    for f in aggfuncs:
        if not order_in_sql and _in_numpy(f):
            continue  # computed afterwards by order_stats, exactly as pandas does
        expr = count_expr if f == "count" else statistic_sql(f, values or "")
        stats.append(f"{expr} AS {quote('stat:' + f)}")
    return stats


def _run(
    source: Source,
    n_dims: int,
    n_rows_dims: int,
    values: str | None,
    aggfuncs: list[str],
    margins: bool,
    top_n: int,
    contributor: str | None,
) -> pd.DataFrame:
    keys = [dim_key(i) for i in range(n_dims)]
    val = None if values is None else VALUES
    not_null = " AND ".join(f"{quote(k)} IS NOT NULL" for k in keys)
    sets = _grouping_sets(keys[:n_rows_dims], keys[n_rows_dims:], margins)
    if contributor is None:
        n_expr = "count(*)" if val is None else f"count({quote(val)})"
        stats = _stat_exprs(val, aggfuncs, top_n, n_expr, "count(*)", order_in_sql=False)
        sel = ", ".join(quote(k) for k in keys)
        margin = f"grouping({sel}) > 0" if margins else "false"
        gsets = ", ".join("(" + ", ".join(quote(k) for k in g) + ")" for g in sets)
        return source.query(
            f"SELECT {sel}, {margin} AS _margin, {', '.join(stats)} FROM {{src}} "
            f"WHERE {not_null} GROUP BY GROUPING SETS ({gsets})"
        )
    parts = []
    for gset in sets:
        sel_keys = ", ".join((quote(k) if k in gset else f"NULL AS {quote(k)}") for k in keys)
        margin_flag = "false" if len(gset) == len(keys) else "true"
        # contributions are first summed per contributor within the cell
        cgroup = ", ".join([*(quote(k) for k in gset), quote(CONTRIBUTOR)])
        per_who = (
            f", sum({quote(VALUES)}) AS {quote(VALUES)}, count({quote(VALUES)}) AS _nv"
            if val
            else ""
        )
        inner = (
            f"(SELECT {cgroup}, count(*) AS _rows{per_who} FROM {{src}} "
            f"WHERE {not_null} GROUP BY {cgroup})"
        )
        n_expr = "count(*)" if val is None else "count(*) FILTER (WHERE _nv > 0)"
        # per contributor: _rows records, _nv of them with a value
        stats = _stat_exprs(val, aggfuncs, top_n, n_expr, "sum(_rows)", valued_expr="sum(_nv)")
        group = ", ".join(quote(k) for k in gset)
        group_sql = f"GROUP BY {group}" if group else ""
        parts.append(
            f"SELECT {sel_keys}, {margin_flag} AS _margin, {', '.join(stats)} "
            f"FROM {inner} {group_sql}"
        )
    return source.query(" UNION ALL ".join(parts))
