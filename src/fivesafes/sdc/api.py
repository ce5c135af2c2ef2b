"""The ACRO-shaped Python API: build an output from microdata and check it in one call.

Call shapes follow pandas/statsmodels (and ACRO): `crosstab(df.region, df.sex)`,
`crosstab(df.region, df.sex, values=df.income, aggfunc="mean", margins=True)`,
`pivot_table(df, values="income", index="region", columns="sex", aggfunc=["mean", "std"])`.
Data may be a pandas or polars DataFrame (or Series), a pyarrow Table, a DuckDB relation or
a Parquet path; aggregation runs in DuckDB. Each call returns a `CheckedOutput`, which
unpacks as `table, verdict, findings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from .aggregate import aggregate, normalise_aggfuncs
from .config import DEFAULT_RULES, RuleSet
from .errors import SdcInputError
from .histogram import hist
from .models import logit, logitr, ols, olsr, probit, probitr
from .output import CheckedOutput, build_table_output
from .rules import check_cells
from .survival import surv_func, survival_table

__all__ = [
    "crosstab",
    "hist",
    "logit",
    "logitr",
    "ols",
    "olsr",
    "pivot_table",
    "probit",
    "probitr",
    "surv_func",
    "survival_table",
]


def _pandas_options(**given: Any) -> None:
    """pandas/ACRO keywords accepted for their call shape, at the values we implement; any
    other value is refused with the reason rather than silently ignored."""
    defaults = {
        "margins_name": "All",
        "dropna": True,
        "normalize": False,
        "show_suppressed": False,
        "fill_value": None,
        "observed": False,
        "sort": True,
    }
    why = {
        "margins_name": "margins are labelled 'All'",
        "dropna": "rows missing a table variable are always left out",
        "normalize": "shares hide the counts the rules need; check the counts, then divide",
        "show_suppressed": "suppression is done by fivesafes.sdc.protect",
        "fill_value": "empty cells stay empty (NaN), so a zero is never invented",
        "observed": "only observed categories are shown",
        "sort": "labels are always sorted",
    }
    for name, value in given.items():
        if value is not defaults[name] and value != defaults[name]:
            raise SdcInputError(f"{value!r} is not supported: {why[name]}", field=name)


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    if isinstance(x, list | tuple):
        return list(x)
    return [x]


def _series_frame(
    index: list[Any], columns: list[Any], values: Any, contributor: Any
) -> tuple[Any, list[str], list[str], str | None, str | None]:
    """Assemble series arguments into one frame with unique column names."""
    import numpy as np

    named: dict[str, Any] = {}
    length: int | None = None

    def add(obj: Any, prefix: str, i: int) -> str:
        nonlocal length
        name = getattr(obj, "name", None)
        name = str(name) if name not in (None, "") else f"{prefix}_{i}"
        base, k = name, 1
        while name in named:
            k += 1
            name = f"{base}_{k}"
        try:
            import polars as pl

            if isinstance(obj, pl.Series):
                obj = obj.to_pandas()
        except ImportError:  # pragma: no cover
            pass
        arr = obj.to_numpy() if isinstance(obj, pd.Series) else np.asarray(obj)
        if arr.ndim != 1:
            raise SdcInputError("expected a one-dimensional column", field=name)
        if length is None:
            length = len(arr)
        elif len(arr) != length:
            raise SdcInputError(
                f"has {len(arr)} entries but the first variable has {length}", field=name
            )
        named[name] = obj.reset_index(drop=True) if isinstance(obj, pd.Series) else arr
        return name

    rows = [add(s, "row", i) for i, s in enumerate(index)]
    cols = [add(s, "col", i) for i, s in enumerate(columns)]
    vname = add(values, "values", 0) if values is not None else None
    cname = add(contributor, "contributor", 0) if contributor is not None else None
    return pd.DataFrame(named), rows, cols, vname, cname


def crosstab(
    index: Any,
    columns: Any = None,
    values: Any = None,
    aggfunc: str | list[str] | None = None,
    margins: bool = False,
    *,
    data: Any = None,
    rownames: Sequence[str] | None = None,
    colnames: Sequence[str] | None = None,
    contributor: Any = None,
    rules: RuleSet | None = None,
    structural_zeros: Iterable[dict[str, str]] = (),
    population: dict[str, list[str]] | None = None,
    margins_name: str = "All",
    dropna: bool = True,
    normalize: bool | str = False,
    show_suppressed: bool = False,
) -> CheckedOutput:
    """Cross-tabulate and check. Series arguments, or column names with `data=`.

    `population` declares how the data were restricted (for differencing), e.g.
    {"age_band": ["18-29", "30-44"]}. pandas/ACRO's `margins_name`, `dropna`, `normalize`
    and `show_suppressed` are accepted at their defaults only."""
    _pandas_options(
        margins_name=margins_name,
        dropna=dropna,
        normalize=normalize,
        show_suppressed=show_suppressed,
    )
    idx, col = _as_list(index), _as_list(columns)
    if data is None:
        if any(isinstance(x, str) for x in [*idx, *col, values, contributor]):
            raise SdcInputError("column names need data=; otherwise pass the columns", field="data")
        frame, rows, cols, vname, cname = _series_frame(idx, col, values, contributor)
        if rownames:
            frame = frame.rename(columns=dict(zip(rows, rownames, strict=False)))
            rows = [*list(rownames)[: len(rows)], *rows[len(rownames) :]]
        if colnames:
            frame = frame.rename(columns=dict(zip(cols, colnames, strict=False)))
            cols = [*list(colnames)[: len(cols)], *cols[len(colnames) :]]
        source: Any = frame
    else:
        source = data
        rows, cols = [str(x) for x in idx], [str(x) for x in col]
        vname = None if values is None else str(values)
        cname = None if contributor is None else str(contributor)
    return _table(
        "crosstab",
        source,
        rows,
        cols,
        vname,
        aggfunc,
        margins,
        cname,
        rules,
        structural_zeros,
        population,
    )


def pivot_table(
    data: Any,
    values: str | None = None,
    index: str | list[str] | None = None,
    columns: str | list[str] | None = None,
    aggfunc: str | list[str] = "mean",
    margins: bool = False,
    *,
    contributor: str | None = None,
    rules: RuleSet | None = None,
    structural_zeros: Iterable[dict[str, str]] = (),
    population: dict[str, list[str]] | None = None,
    fill_value: Any = None,
    dropna: bool = True,
    margins_name: str = "All",
    observed: bool = False,
    sort: bool = True,
) -> CheckedOutput:
    """A spreadsheet-style pivot table of `values` by `index` and `columns`, checked.
    pandas/ACRO's `fill_value`, `dropna`, `margins_name`, `observed` and `sort` are accepted
    at their defaults only."""
    _pandas_options(
        fill_value=fill_value,
        dropna=dropna,
        margins_name=margins_name,
        observed=observed,
        sort=sort,
    )
    if isinstance(values, list):
        if len(values) != 1:
            raise SdcInputError("give exactly one values column", field="values")
        values = values[0]
    agg: str | list[str] | None = aggfunc
    if values is None:
        if aggfunc not in ("count", ["count"]):
            raise SdcInputError("a pivot table needs a values column", field="values")
        agg = None
    return _table(
        "pivot_table",
        data,
        [str(x) for x in _as_list(index)],
        [str(x) for x in _as_list(columns)],
        values,
        agg,
        margins,
        contributor,
        rules,
        structural_zeros,
        population,
    )


def _table(
    method: str,
    source: Any,
    rows: list[str],
    cols: list[str],
    values: str | None,
    aggfunc: str | list[str] | None,
    margins: bool,
    contributor: str | None,
    rules: RuleSet | None,
    structural_zeros: Iterable[dict[str, str]],
    population: dict[str, list[str]] | None = None,
) -> CheckedOutput:
    rules = rules or DEFAULT_RULES
    if not rows:
        raise SdcInputError("a table needs at least one row variable", field="index")
    funcs = normalise_aggfuncs(aggfunc, values)
    top_n = max(rules.dominance.nk_n, 2)
    stats = aggregate(
        source,
        rows,
        cols,
        values,
        funcs,
        margins=margins,
        top_n=top_n,
        contributor=contributor,
        max_cells=rules.limits.max_cells,
        max_count=rules.value_columns.max_count,
    )
    structural = list(structural_zeros)
    found = check_cells(stats, rules, structural)
    request = {
        "method": method,
        "index": rows,
        "columns": cols,
        "values": values,
        "aggfunc": funcs,
        "margins": margins,
        "contributor": contributor,
        "structural_zeros": structural,
        "input_rows": stats.n_input_rows,
        "population": {k: sorted(map(str, v)) for k, v in (population or {}).items()},
    }
    return build_table_output(stats, found, rules, request)
