"""Every cell of a table, empty ones included, from the cells the aggregation found.

DuckDB returns only the combinations of labels that occur. A published table shows every
combination of the observed labels (a zero is information too), plus, with margins, the
`All` rows and columns. `complete_cells` lays the aggregated rows onto that grid with numpy
(no per-cell Python loop); dimension i stays in the column `dim:i`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .errors import EmptyTableError, SdcInputError
from .source import dim_key

MARGIN = "All"

_COUNTS = ("n", "n_rows", "n_neg", "n_missing", "n_inf", "n_nan", "n_nonzero")


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool | np.bool_):
        return (0, int(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return (0, float(value))
    return (1, str(value))


def _levels(
    frame: pd.DataFrame, body: np.ndarray, names: list[str], margins: bool
) -> tuple[list[list[Any]], list[np.ndarray]]:
    """Sorted labels of each dimension (`All` last with margins) and each row's codes."""
    levels, codes = [], []
    for i, name in enumerate(names):
        col = frame[dim_key(i)]
        labels = sorted(pd.unique(col[body].dropna()).tolist(), key=_sort_key)
        if margins and any(str(x) == MARGIN for x in labels):
            raise SdcInputError(
                f"a category is called {MARGIN!r}, the margin label", field=name, cell=MARGIN
            )
        code = pd.Index(labels, dtype=object).get_indexer(col.astype(object))
        if (code[body] < 0).any():  # NaN in a float column read from Parquet or Arrow
            raise SdcInputError(
                "the variable holds NaN; make it missing (null) or a category", field=name
            )
        if margins:
            code = np.where(col.isna().to_numpy(), len(labels), code)
            labels = [*labels, MARGIN]
        levels.append(labels)
        codes.append(code)
    return levels, codes


def _kept(shape: tuple[int, ...], n_rows_dims: int, margins: bool) -> np.ndarray:
    """Flat positions of the cells a table shows: without margins all of them; with margins
    a margin cell only where every dimension of its side (rows or columns) is `All`."""
    size = int(np.prod(shape))
    if not margins:
        return np.arange(size)
    grid = np.indices(shape).reshape(len(shape), -1)
    is_margin = grid == (np.asarray(shape) - 1)[:, None]
    ok = np.ones(size, bool)
    for side in (is_margin[:n_rows_dims], is_margin[n_rows_dims:]):
        if len(side):
            ok &= ~side.any(axis=0) | side.all(axis=0)
    return np.flatnonzero(ok)


def _default(column: str, n: int) -> np.ndarray:
    if column in _COUNTS or column == "stat:count":
        return np.zeros(n, np.int64)
    if column in ("abs_total", "stat:sum"):
        return np.zeros(n, np.float64)
    if column == "top":
        out = np.empty(n, dtype=object)
        out[:] = [[] for _ in range(n)]
        return out
    return np.full(n, np.nan)


def complete_cells(
    frame: pd.DataFrame,
    names: list[str],
    n_rows_dims: int,
    margins: bool,
    max_cells: int,
) -> pd.DataFrame:
    """One row per shown cell, in row-major order of the sorted labels, `All` last.

    `frame` holds the aggregated rows: `dim:i` (missing where a margin rolls it up),
    `_margin` and the statistics; `names` are the dimensions' own names, for messages."""
    body = ~frame["_margin"].to_numpy(dtype=bool)
    if not body.any():
        raise EmptyTableError("no row has a value for every table variable", field=",".join(names))
    levels, codes = _levels(frame, body, names, margins)
    shape = tuple(len(x) for x in levels)
    size = int(np.prod(shape, dtype=np.float64))
    if size > max_cells:
        raise SdcInputError(
            f"the table would have {size} cells, more than the limit of {max_cells}",
            field=",".join(names),
        )
    flat = np.ravel_multi_index(tuple(codes), shape)
    if len(np.unique(flat)) != len(flat):  # pragma: no cover - guarded by GROUP BY
        raise SdcInputError("duplicate cells after aggregation", field=",".join(names))
    keep = _kept(shape, n_rows_dims, margins)
    slot = np.full(size, -1, np.int64)
    slot[keep] = np.arange(len(keep))
    at = slot[flat]
    found = at >= 0
    grid = np.unravel_index(keep, shape)
    out: dict[str, Any] = {}
    is_margin = np.zeros(len(keep), bool)
    for i, labels in enumerate(levels):
        # (the extra None keeps a 1-D object array even when labels are tuples)
        out[dim_key(i)] = np.asarray(labels + [None], dtype=object)[:-1][grid[i]]
        if margins:
            is_margin |= grid[i] == len(labels) - 1
    out["_margin"] = is_margin
    for column in frame.columns:
        if column.startswith("dim:") or column == "_margin":
            continue
        values = _default(column, len(keep))
        given = frame[column].to_numpy()[found]
        if column == "top":
            given = np.asarray(
                [list(x) if isinstance(x, list | np.ndarray) else [] for x in given] + [None],
                dtype=object,
            )[:-1]
        elif values.dtype.kind == "i":
            given = np.nan_to_num(given.astype(np.float64)).astype(np.int64)
        else:
            given = given.astype(np.float64)
        values[at[found]] = given
        out[column] = values
    return pd.DataFrame(out)
