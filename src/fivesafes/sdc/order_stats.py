"""Exact per-group medians and quantiles, equal bit for bit to pandas' groupby results.

DuckDB's `quantile_cont` interpolates as `lo + (hi - lo) * f` with other rounding than
pandas, so `aggregate` computes quantiles here, in a second pass over the table's rows (its
medians stay in DuckDB, whose exact `median()` equals pandas'). The values of each group are
put side by side once (a radix argsort of the group numbers when there are few groups, one
lexicographic sort otherwise) and the order statistics are picked with `numpy.partition`.
Missing values are skipped, a group without values gives NaN, and the arithmetic is pandas':
the median of an even count is `(a + b) / 2`, a quantile `q` is `x[i] + (x[i + 1] - x[i]) * f`
with `i + f = q * (m - 1)`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

_QUANTILE = re.compile(r"^(?:q|p)(\d{1,2}(?:\.\d+)?)$")
_LOOP_GROUPS = 4096  # up to this many groups, one numpy.partition per group


def order_fraction(aggfunc: str) -> float | None:
    """0.5 for "median", q/100 for "qNN"/"pNN", None for any other statistic."""
    if aggfunc == "median":
        return 0.5
    m = _QUANTILE.match(aggfunc)
    return float(Decimal(m.group(1)) / 100) if m else None  # "q33.3" -> 0.333, not 0.33299..


def _pick(x: np.ndarray, fraction: float, median: bool) -> float:
    """The statistic of one group's values `x` (no NaN), partially sorted in place.

    The k-th smallest value is found by one partition; the (k-1)-th is then the largest of
    the values before it."""
    m = len(x)
    if m == 0:
        return float("nan")
    if median:
        k = m // 2
        x.partition(k)
        if m % 2:
            return float(x[k])
        return float((x[:k].max() + x[k]) / 2)
    h = fraction * (m - 1)
    i = int(h)
    f = h % 1
    if f == 0.0 or i + 1 >= m:
        x.partition(i)
        return float(x[i])
    x.partition(i + 1)
    lo, hi = x[: i + 1].max(), x[i + 1]
    return float(lo + (hi - lo) * f)


def _by_loop(
    group: np.ndarray, values: np.ndarray, n_groups: int, funcs: list[tuple[float, bool]]
) -> np.ndarray:
    small = np.uint8 if n_groups <= 2**8 else np.uint16 if n_groups <= 2**16 else np.int64
    order = np.argsort(group.astype(small, copy=False), kind="stable")  # radix sort
    counts = np.bincount(group, minlength=n_groups)
    ordered = values[order]
    out = np.full((n_groups, len(funcs)), np.nan)
    start = 0
    for g in range(n_groups):
        stop = start + int(counts[g])
        if stop > start:
            for j, (fraction, median) in enumerate(funcs):
                out[g, j] = _pick(ordered[start:stop], fraction, median)
        start = stop
    return out


def _by_sort(
    group: np.ndarray, values: np.ndarray, n_groups: int, funcs: list[tuple[float, bool]]
) -> np.ndarray:
    order = np.lexsort((values, group))
    x = values[order]
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    out = np.full((n_groups, len(funcs)), np.nan)
    m, s = counts[has], starts[has]
    for j, (fraction, median) in enumerate(funcs):
        if median:
            k = m // 2
            odd = m % 2 == 1
            lower = x[s + np.where(odd, k, k - 1)]
            upper = x[s + k]
            out[has, j] = np.where(odd, upper, (lower + upper) / 2)
            continue
        h = fraction * (m - 1)
        i = h.astype(np.int64)
        f = h % 1
        lo = x[s + i]
        hi = x[s + np.minimum(i + 1, m - 1)]
        out[has, j] = np.where(f == 0.0, lo, lo + (hi - lo) * f)
    return out


def group_order_stats(
    group: np.ndarray,
    values: np.ndarray,
    n_groups: int,
    aggfuncs: list[str],
    loop_groups: int = _LOOP_GROUPS,
) -> np.ndarray:
    """(n_groups, len(aggfuncs)) array: each order statistic of the values of each group.

    `group` holds each row's group number in 0..n_groups-1; NaN values are skipped. Up to
    `loop_groups` groups are partitioned one by one, more are sorted together."""
    funcs = []
    for name in aggfuncs:
        fraction = order_fraction(name)
        if fraction is None:
            raise ValueError(f"{name!r} is not a median or quantile")
        funcs.append((fraction, name == "median"))
    x = np.asarray(values, dtype=np.float64)
    g = np.asarray(group)
    keep = ~np.isnan(x)
    if not keep.all():
        x, g = x[keep], g[keep]
    if n_groups <= loop_groups:
        return _by_loop(g, x, n_groups, funcs)
    return _by_sort(g, x, n_groups, funcs)


@dataclass
class _Numbering:
    """How the codes of a grouping set's dimensions become group numbers 0..size-1."""

    steps: list[tuple[int, np.ndarray | None]]  # (labels of the dimension, renumbering)
    size: int

    def apply(self, codes: list[np.ndarray], n: int) -> np.ndarray:
        number = np.zeros(n, np.int64)
        for (n_labels, uniques), c in zip(self.steps, codes, strict=True):
            number = number * n_labels + c
            if uniques is not None:
                number = np.searchsorted(uniques, number)
        return number


def _numbering(
    codes: list[np.ndarray], sizes: list[int], n_rows: int
) -> tuple[np.ndarray, _Numbering]:
    """Group numbers of the data rows; renumbered densely when the label product is large."""
    small = int(np.prod([max(n, 1) for n in sizes], dtype=np.float64)) < 2**31
    number = np.zeros(n_rows, np.int32 if small else np.int64)
    steps: list[tuple[int, np.ndarray | None]] = []
    size = 1
    for i, (c, n_labels) in enumerate(zip(codes, sizes, strict=True)):
        number = number * n_labels + c if i else c.astype(number.dtype)
        size *= max(n_labels, 1)
        last = i == len(codes) - 1
        if size > 2**31 or (last and size > max(2 * n_rows, 2**16)):
            uniques, number = np.unique(number, return_inverse=True)
            number = number.reshape(-1)
            size = len(uniques)
            steps.append((n_labels, uniques))
        else:
            steps.append((n_labels, None))
    return number, _Numbering(steps, size)


class OrderStatistics:
    """Medians and quantiles of every cell of a table, margins included.

    Construct with the data rows that have every dimension (the heavy part), then `fill()`
    the cells that DuckDB computed the other statistics of; cells are matched to groups by
    their labels in the columns `dims` of both frames."""

    def __init__(
        self,
        rows: pd.DataFrame,
        dims: list[str],
        values: str,
        aggfuncs: list[str],
        grouping_sets: list[list[str]],
    ) -> None:
        self.dims = dims
        self.funcs = [f for f in aggfuncs if order_fraction(f) is not None]
        self.labels: dict[str, pd.Index] = {}
        self.sets: dict[tuple[str, ...], tuple[_Numbering, np.ndarray]] = {}
        if not self.funcs:
            return
        x = rows[values].to_numpy(dtype=np.float64, na_value=np.nan)
        codes: dict[str, np.ndarray] = {}
        sizes: dict[str, int] = {}
        for d in dims:
            found, uniques = pd.factorize(rows[d])
            codes[d] = found.astype(np.int64)
            sizes[d] = len(uniques)
            self.labels[d] = pd.Index(uniques)
        for gset in grouping_sets:
            group, numbering = _numbering(
                [codes[d] for d in gset], [sizes[d] for d in gset], len(x)
            )
            stats = group_order_stats(group, x, numbering.size, self.funcs)
            self.sets[tuple(gset)] = (numbering, stats)

    def fill(self, cells: pd.DataFrame) -> None:
        """Set the `stat:<median|qNN>` columns of `cells` (one row per cell, a margin's
        rolled-up dimensions missing)."""
        if not self.funcs or cells.empty:
            return
        present = cells[self.dims].notna().to_numpy()
        codes = {
            d: np.asarray(self.labels[d].get_indexer(pd.Index(cells[d])), dtype=np.int64)
            for d in self.dims
        }
        result = np.full((len(cells), len(self.funcs)), np.nan)
        for gset, (numbering, stats) in self.sets.items():
            pattern = np.asarray([d in gset for d in self.dims])
            at = np.flatnonzero((present == pattern).all(axis=1))
            if not len(at):
                continue
            parts = [codes[d][at] for d in gset]
            if any((p < 0).any() for p in parts):
                raise ValueError("a cell has a label that no data row has")
            result[at] = stats[numbering.apply(parts, len(at))]
        for j, f in enumerate(self.funcs):
            cells["stat:" + f] = result[:, j]
