"""Synthetic hierarchical frequency tables for the suppression benchmark and tests."""

from __future__ import annotations

import numpy as np

from .hierarchy import Hierarchy, HierTable

# (groups, leaves per group) per dimension for the table sizes the benchmark names
LAYOUTS: dict[tuple[int, int], list[tuple[int, int]]] = {
    (2, 1000): [(5, 6), (4, 6)],
    (2, 15000): [(10, 12), (8, 13)],
    (2, 100000): [(20, 16), (15, 18)],
    (3, 1000): [(3, 3), (3, 2), (2, 3)],
    (3, 15000): [(5, 4), (4, 5), (4, 5)],
    (3, 100000): [(6, 7), (6, 7), (5, 8)],
}


def two_level(name: str, groups: int, leaves: int) -> Hierarchy:
    parent: dict[str, str | None] = {"Total": None}
    for g in range(groups):
        parent[f"{name}{g}"] = "Total"
        for k in range(leaves):
            parent[f"{name}{g}.{k}"] = f"{name}{g}"
    return Hierarchy(name, parent)


def hierarchical_table(
    size: int, dims: int, seed: int = 0, layout: list[tuple[int, int]] | None = None
) -> HierTable:
    """About `size` cells in `dims` dimensions, each Total -> groups -> leaves, with skewed
    counts so that a few per cent of the cells are small (0 < n < 10)."""
    layout = layout or LAYOUTS.get((dims, size)) or _guess(size, dims)
    rng = np.random.default_rng(seed)
    hs = [two_level("abc"[d], g, k) for d, (g, k) in enumerate(layout)]
    leaf_shape = tuple(g * k for g, k in layout)
    # leaf means: product of skewed marginal sizes
    means = np.ones(leaf_shape)
    for d, n in enumerate(leaf_shape):
        w = rng.lognormal(0, 1.0 / np.sqrt(dims), n)
        shape = [1] * dims
        shape[d] = n
        means = means * w.reshape(shape)
    means = means / means.mean() * 60.0
    leaves = rng.poisson(means).astype("float64")
    return table_with_totals(hs, leaves)


def _guess(size: int, dims: int) -> list[tuple[int, int]]:
    per = max(3, round(size ** (1 / dims)))
    g = max(2, round(per**0.5))
    return [(g, max(2, (per - 1 - g) // g))] * dims


def table_with_totals(hs: list[Hierarchy], leaves: np.ndarray) -> HierTable:
    """The table whose leaf cells are `leaves` (in the order of each hierarchy's leaf codes),
    totals filled bottom-up."""
    full = leaves
    for d, h in enumerate(hs):
        leaf_codes = [c for c in h.codes if h.is_leaf(c)]
        pos_leaf = {c: i for i, c in enumerate(leaf_codes)}
        parts = []
        for c in h.codes:
            members = [pos_leaf[x] for x in h.subtree(c) if h.is_leaf(x)]
            parts.append(np.take(full, members, axis=d).sum(axis=d, keepdims=True))
        full = np.concatenate(parts, axis=d)
    return HierTable(hs, full.ravel())
