"""Per-cell statistics of a table computed from microdata by DuckDB (never Python row loops).

`aggregate()` takes a pandas or polars DataFrame, a pyarrow Table, a DuckDB relation or a
Parquet path and returns one row per cell (including margin cells when asked) holding what
the rules need: contributors, sum, the largest absolute contributions, negatives, missing
values, and the statistics the researcher asked for.
"""

# ruff: noqa: S608  (SQL is built only from identifiers quoted by _quote and fixed syntax)
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from .errors import EmptyTableError, NonFiniteValueError, NonNumericCellError, SdcInputError
from .order_stats import OrderStatistics, order_fraction

MARGIN = "All"

AGGFUNCS = ("count", "sum", "mean", "median", "std", "var", "min", "max")


@dataclass
class CellStats:
    """One row per cell: dimension labels, `_margin` flag, `n` and statistic columns."""

    frame: pd.DataFrame
    rows: list[str]
    columns: list[str]
    values: str | None
    aggfuncs: list[str]
    top_n: int
    n_input_rows: int

    @property
    def dims(self) -> list[str]:
        return self.rows + self.columns


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def statistic_sql(aggfunc: str, col: str) -> str:
    v = _quote(col)
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


_LOCAL = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB connection per thread (opening one costs ~15 ms)."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = duckdb.connect()
        _LOCAL.con = con
    return con


class _Source:
    """Something DuckDB can read as a table named `src`."""

    def __init__(self, data: Any) -> None:
        self.con = _connection()
        self.registered = False
        self.relation: duckdb.DuckDBPyRelation | None = None
        self.pandas: pd.DataFrame | None = None
        self.view = f"src_{id(self):x}"
        self.from_sql = self.view
        if isinstance(data, pd.DataFrame):
            self._register(data)
            self.pandas = data
            self.columns = [str(c) for c in data.columns]
        elif isinstance(data, str | Path):
            path = str(data)
            if not Path(path).exists():
                raise SdcInputError("no such file", field=path)
            self.from_sql = f"read_parquet('{path.replace(chr(39), chr(39) * 2)}')"
            self.columns = [
                str(r[0])
                for r in self.con.execute(f"DESCRIBE SELECT * FROM {self.from_sql}").fetchall()
            ]
        elif isinstance(data, duckdb.DuckDBPyRelation):
            self.relation = data
            self.columns = list(data.columns)
        else:
            try:
                import polars as pl

                if isinstance(data, pl.DataFrame | pl.LazyFrame):
                    frame = data.collect() if isinstance(data, pl.LazyFrame) else data
                    self._register(frame.to_arrow())
                    self.columns = list(frame.columns)
                    return
            except ImportError:  # pragma: no cover
                pass
            try:
                import pyarrow as pa

                if isinstance(data, pa.Table):
                    self._register(data)
                    self.columns = list(data.column_names)
                    return
            except ImportError:  # pragma: no cover
                pass
            raise SdcInputError(
                f"cannot read data of type {type(data).__name__}; give a pandas or polars "
                "DataFrame, a pyarrow Table, a DuckDB relation or a Parquet path",
                field="data",
            )

    def query(self, sql: str) -> pd.DataFrame:
        sql = sql.replace("{src}", self.from_sql)
        try:
            if self.relation is not None:
                result = self.relation.query(self.view, sql)
                if result is None:  # pragma: no cover
                    raise SdcInputError("the query gave no result", field="data")
                return result.df()
            return self.con.execute(sql).df()
        except duckdb.ConversionException as exc:
            raise NonNumericCellError(f"values are not numeric: {exc}", field="values") from exc
        except duckdb.BinderException as exc:
            raise SdcInputError(f"cannot aggregate: {exc}", field="values") from exc

    def table_rows(self, dims: list[str], values: str) -> pd.DataFrame:
        """The rows with every dimension present: the dimensions and the values column
        (straight from a pandas frame, otherwise by a narrow DuckDB query)."""
        names = [*dims, values]
        frame = self.pandas
        if frame is not None and all(n in frame.columns for n in names):
            cols = {n: frame[n] for n in names}
            if not any(isinstance(c, pd.DataFrame) for c in cols.values()):
                keep = np.ones(len(frame), bool)
                for d in dims:
                    keep &= cols[d].notna().to_numpy()
                out = pd.DataFrame({n: c.to_numpy() for n, c in cols.items()})
                return out if keep.all() else out[keep]
        select = ", ".join(_quote(c) for c in names)
        where = " AND ".join(f"{_quote(d)} IS NOT NULL" for d in dims)
        return self.query(f"SELECT {select} FROM {{src}} WHERE {where}")

    def _register(self, obj: Any) -> None:
        self.con.register(self.view, obj)
        self.registered = True

    def close(self) -> None:
        if self.registered:
            self.con.unregister(self.view)
            self.registered = False


def _check_columns(source: _Source, names: list[str]) -> None:
    for name in names:
        if name not in source.columns:
            raise SdcInputError(
                f"no such column; the data has {', '.join(source.columns[:20])}", field=name
            )


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
) -> CellStats:
    """Aggregate `data` into per-cell statistics for the rules and the published table."""
    aggfuncs = aggfuncs or ["count"]
    dims = rows + columns
    if not dims:
        raise SdcInputError("a table needs at least one row or column variable", field="index")
    if len(set(dims)) != len(dims):
        raise SdcInputError("the same variable is used twice", field=",".join(dims))
    source = _Source(data)
    try:
        needed = dims + ([values] if values else []) + ([contributor] if contributor else [])
        _check_columns(source, needed)
        _check_numeric(source, values)
        frame = _run(source, rows, columns, values, aggfuncs, margins, top_n, contributor)
        if values is not None and contributor is None and any(map(_in_numpy, aggfuncs)):
            # quantiles exactly as pandas computes them, in a second, narrower pass
            OrderStatistics(
                source.table_rows(dims, values),
                dims,
                {},
                values,
                [f for f in aggfuncs if _in_numpy(f)],
                _grouping_sets(rows, columns, margins),
            ).fill(frame)
        if frame.empty:
            raise EmptyTableError("the data have no rows with every table variable", field="data")
        _check_finite(frame, values)
        n_input_rows = int(frame.loc[~frame["_margin"].astype(bool), "n_rows"].sum())
    finally:
        source.close()
    frame = _complete(frame, rows, columns, values, aggfuncs, margins, max_cells)
    return CellStats(frame, rows, columns, values, aggfuncs, top_n, n_input_rows)


def _check_numeric(source: _Source, values: str | None) -> None:
    """Refuse a values column that does not hold numbers."""
    if values is None:
        return
    frame = source.pandas
    if frame is not None and values in frame.columns:
        column = frame[values]
        if isinstance(column, pd.Series) and getattr(column.dtype, "kind", "O") in ("i", "u", "f"):
            return  # numpy or pandas integers or floats: no need to ask DuckDB
    types = source.query(f"SELECT {_quote(values)} FROM {{src}} LIMIT 0")
    t = str(types.dtypes.iloc[0]).lower()
    if not any(k in t for k in ("int", "float", "decimal")):
        raise NonNumericCellError(f"values column holds {t}, not numbers", field=values)


def _check_finite(frame: pd.DataFrame, values: str | None) -> None:
    if values is None or "n_inf" not in frame:
        return
    n_inf = int(frame.loc[~frame["_margin"].astype(bool), "n_inf"].fillna(0).sum())
    if n_inf:
        raise NonFiniteValueError(
            f"{n_inf} values are infinite; remove or recode them", field=values
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
) -> list[str]:
    stats = [f"{n_expr} AS n", f"{rows_expr} AS n_rows"]
    if values is not None:
        qv = _quote(values)
        stats += [
            f"count(*) FILTER (WHERE isinf({qv}::DOUBLE)) AS n_inf",
            f"count(*) FILTER (WHERE {qv} < 0) AS n_neg",
            f"{rows_expr} - count({qv}) AS n_missing",
        ]
        if any(f in ("sum", "mean") for f in aggfuncs):
            stats += [
                f"sum(abs({qv})) AS abs_total",
                f"max(abs({qv}), {int(top_n)}) AS top",
            ]
    for f in aggfuncs:
        if not order_in_sql and _in_numpy(f):
            continue  # computed afterwards by order_stats, exactly as pandas does
        expr = rows_expr if f == "count" else statistic_sql(f, values or "")
        stats.append(f"{expr} AS {_quote('stat:' + f)}")
    return stats


def _run(
    source: _Source,
    rows: list[str],
    columns: list[str],
    values: str | None,
    aggfuncs: list[str],
    margins: bool,
    top_n: int,
    contributor: str | None,
) -> pd.DataFrame:
    dims = rows + columns
    not_null = " AND ".join(f"{_quote(d)} IS NOT NULL" for d in dims)
    sets = _grouping_sets(rows, columns, margins)
    if contributor is None:
        n_expr = "count(*)" if values is None else f"count({_quote(values)})"
        stats = _stat_exprs(values, aggfuncs, top_n, n_expr, "count(*)", order_in_sql=False)
        sel = ", ".join(_quote(d) for d in dims)
        margin = f"grouping({sel}) > 0" if margins else "false"
        gsets = ", ".join("(" + ", ".join(_quote(d) for d in g) + ")" for g in sets)
        return source.query(
            f"SELECT {sel}, {margin} AS _margin, {', '.join(stats)} FROM {{src}} "
            f"WHERE {not_null} GROUP BY GROUPING SETS ({gsets})"
        )
    parts = []
    for gset in sets:
        sel_dims = ", ".join(
            (f"{_quote(d)}" if d in gset else f"NULL AS {_quote(d)}") for d in dims
        )
        margin_flag = "false" if len(gset) == len(dims) else "true"
        # contributions are first summed per contributor within the cell
        cgroup = ", ".join([*(_quote(d) for d in gset), _quote(contributor)])
        val = (
            f", sum({_quote(values)}) AS {_quote(values)}, count({_quote(values)}) AS _nv"
            if values
            else ""
        )
        inner = (
            f"(SELECT {cgroup}, count(*) AS _rows{val} FROM {{src}} "
            f"WHERE {not_null} GROUP BY {cgroup})"
        )
        n_expr = "count(*)" if values is None else "count(*) FILTER (WHERE _nv > 0)"
        stats = _stat_exprs(values, aggfuncs, top_n, n_expr, "sum(_rows)")
        group = ", ".join(_quote(d) for d in gset)
        group_sql = f"GROUP BY {group}" if group else ""
        parts.append(
            f"SELECT {sel_dims}, {margin_flag} AS _margin, {', '.join(stats)} "
            f"FROM {inner} {group_sql}"
        )
    return source.query(" UNION ALL ".join(parts))


def _complete(
    frame: pd.DataFrame,
    rows: list[str],
    columns: list[str],
    values: str | None,
    aggfuncs: list[str],
    margins: bool,
    max_cells: int,
) -> pd.DataFrame:
    """Every combination of observed labels, empty cells included; margins labelled `All`."""
    dims = rows + columns
    body = frame[~frame["_margin"]]
    if body.empty:
        raise EmptyTableError("no row has a value for every table variable", field=",".join(dims))
    levels: list[list[Any]] = []
    for d in dims:
        labels = sorted(body[d].dropna().unique().tolist(), key=_sort_key)
        if margins:
            if any(str(x) == MARGIN for x in labels):
                raise SdcInputError(
                    f"a category is called {MARGIN!r}, the margin label", field=d, cell=MARGIN
                )
            labels = [*labels, MARGIN]
        levels.append(labels)
    size = int(np.prod([len(x) for x in levels]))
    if size > max_cells:
        raise SdcInputError(
            f"the table would have {size} cells, more than the limit of {max_cells}",
            field=",".join(dims),
        )
    frame = frame.copy()
    for d in dims:
        frame[d] = frame[d].astype(object).where(frame[d].notna(), MARGIN)
    full = pd.MultiIndex.from_product(levels, names=dims)
    keep = full
    if margins:
        # a margin row exists only where every rolled-up dimension of one side is `All`
        codes = [np.asarray([str(v) == MARGIN for v in full.get_level_values(d)]) for d in dims]
        rmask = (
            np.all([codes[i] for i in range(len(rows))], axis=0)
            if rows
            else np.ones(len(full), bool)
        )
        rany = (
            np.any([codes[i] for i in range(len(rows))], axis=0)
            if rows
            else np.zeros(len(full), bool)
        )
        cmask = (
            np.all([codes[len(rows) + i] for i in range(len(columns))], axis=0)
            if columns
            else np.ones(len(full), bool)
        )
        cany = (
            np.any([codes[len(rows) + i] for i in range(len(columns))], axis=0)
            if columns
            else np.zeros(len(full), bool)
        )
        ok = (~rany | rmask) & (~cany | cmask)
        keep = full[ok]
    frame = frame.set_index(dims)
    if frame.index.has_duplicates:  # pragma: no cover - guarded by GROUP BY
        raise SdcInputError("duplicate cells after aggregation", field=",".join(dims))
    if len(dims) == 1:
        keep = pd.Index(keep.get_level_values(0), name=dims[0])
    out = frame.reindex(keep)
    out["_margin"] = out["_margin"].astype("boolean").fillna(False).astype(bool)
    if margins:
        is_margin = np.zeros(len(out), bool)
        for d in dims:
            is_margin |= np.asarray([str(v) == MARGIN for v in out.index.get_level_values(d)])
        out["_margin"] = is_margin
    out["n"] = out["n"].fillna(0).astype("int64")
    out["n_rows"] = out["n_rows"].fillna(0).astype("int64")
    if values is not None:
        out["n_neg"] = out["n_neg"].fillna(0).astype("int64")
        out["n_missing"] = out["n_missing"].fillna(0).astype("int64")
        if "top" in out:
            out["abs_total"] = out["abs_total"].astype("float64").fillna(0.0)
            out["top"] = out["top"].apply(
                lambda x: list(x) if isinstance(x, list | np.ndarray) else []
            )
    for f in aggfuncs:
        col = "stat:" + f
        if f == "count":
            out[col] = out[col].fillna(0).astype("int64")
        elif f == "sum":
            out[col] = out[col].astype("float64").fillna(0.0)
        else:
            out[col] = out[col].astype("float64")
    return out.reset_index()


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool | np.bool_):
        return (0, int(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return (0, float(value))
    return (1, str(value))
