"""Tables with totals and hierarchical classifications, as linear additivity constraints.

A `Hierarchy` gives each code of one variable its parent (municipality -> region -> total).
A `HierTable` holds a value for every combination of codes (totals included) of its
variables, in C order over `codes`, and the sparse matrix `A` whose rows say "a parent cell
equals the sum of its children" along one variable, for every combination of the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import DuplicateLabelError, MarginMismatchError, StructureError


@dataclass
class Hierarchy:
    """Codes of one variable; `parent[code]` is None for the root (the total)."""

    name: str
    parent: dict[str, str | None]
    codes: list[str] = field(default_factory=list)
    children: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        roots = [c for c, p in self.parent.items() if p is None]
        for c, p in self.parent.items():
            if p is not None and p not in self.parent:
                raise StructureError(
                    f"parent {p!r} is not a code of {self.name}", field=self.name, cell=c
                )
        self.children = {c: [] for c in self.parent}
        for c, p in self.parent.items():
            if p is not None:
                self.children[p].append(c)
        # depth-first order, parents before children; also detects cycles
        order: list[str] = []
        seen: set[str] = set()
        stack = list(reversed(roots))
        while stack:
            c = stack.pop()
            if c in seen:
                raise StructureError("the hierarchy has a cycle", field=self.name, cell=c)
            seen.add(c)
            order.append(c)
            stack.extend(reversed(self.children[c]))
        if len(order) != len(self.parent):
            loose = sorted(set(self.parent) - seen)[:3]
            raise StructureError(f"codes not under any root: {loose}", field=self.name)
        self.codes = order

    @classmethod
    def flat(cls, name: str, labels: list[str], total: str | None) -> Hierarchy:
        """One total over all other labels (or no total at all)."""
        parent: dict[str, str | None] = {}
        if total is not None:
            parent[total] = None
        for lab in labels:
            if lab == total:
                continue
            if lab in parent:
                raise DuplicateLabelError("label appears twice", field=name, cell=lab)
            parent[lab] = total
        return cls(name, parent)

    def is_leaf(self, code: str) -> bool:
        return not self.children[code]

    def subtree(self, code: str) -> list[str]:
        out, stack = [], [code]
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self.children[c])
        return out

    def roots(self) -> list[str]:
        return [c for c in self.codes if self.parent[c] is None]


@dataclass
class HierTable:
    dims: list[Hierarchy]
    values: np.ndarray  # flat, C order over [h.codes for h in dims]
    A: sp.csr_matrix = field(init=False)

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype="float64")
        if self.values.size != self.n_cells:
            raise StructureError("values do not match the codes", field="values")
        self.A = constraint_matrix(self.dims)
        self.index = [{c: i for i, c in enumerate(h.codes)} for h in self.dims]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(h.codes) for h in self.dims)

    @property
    def n_cells(self) -> int:
        return int(np.prod(self.shape))

    def flat_index(self, labels: tuple[str, ...]) -> int:
        idx = tuple(self.index[d][lab] for d, lab in enumerate(labels))
        return int(np.ravel_multi_index(idx, self.shape))

    def labels(self, flat: int) -> dict[str, str]:
        idx = np.unravel_index(flat, self.shape)
        return {h.name: h.codes[int(i)] for h, i in zip(self.dims, idx, strict=True)}

    def is_total(self) -> np.ndarray:
        """Cells that are a total along at least one variable."""
        grids = np.meshgrid(
            *[np.asarray([not h.is_leaf(c) for c in h.codes]) for h in self.dims], indexing="ij"
        )
        return np.logical_or.reduce([g.ravel() for g in grids])

    def residuals(self, values: np.ndarray | None = None) -> np.ndarray:
        v = self.values if values is None else values
        return np.asarray(self.A @ v)

    def check_additive(self, rel_tol: float = 1e-9) -> None:
        res = self.residuals()
        scale = np.maximum(1.0, np.asarray(abs(self.A) @ np.abs(self.values)))
        bad = np.flatnonzero(np.abs(res) > rel_tol * scale)
        if bad.size:
            row = self.A.getrow(int(bad[0]))
            total = int(row.indices[row.data > 0][0])
            raise MarginMismatchError(
                f"this total is {self.values[total]:g} but its parts add up to "
                f"{self.values[total] - res[bad[0]]:g}",
                cell=self.labels(total),
            )

    def to_frame(self, values: np.ndarray | None = None, name: str = "value") -> pd.DataFrame:
        grids = np.meshgrid(*[np.asarray(h.codes, dtype=object) for h in self.dims], indexing="ij")
        frame = pd.DataFrame({h.name: g.ravel() for h, g in zip(self.dims, grids, strict=True)})
        frame[name] = self.values if values is None else values
        return frame


def constraint_matrix(dims: list[Hierarchy]) -> sp.csr_matrix:
    """Rows: parent cell minus the sum of its children along one variable."""
    shape = tuple(len(h.codes) for h in dims)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    data: list[np.ndarray] = []
    r0 = 0
    for d, h in enumerate(dims):
        pos = {c: i for i, c in enumerate(h.codes)}
        other = [np.arange(s) for k, s in enumerate(shape) if k != d]
        grid = np.meshgrid(*other, indexing="ij") if other else []
        flat_other = [g.ravel() for g in grid]
        n_other = flat_other[0].size if flat_other else 1
        for parent in h.codes:
            kids = h.children[parent]
            if not kids:
                continue
            members = [pos[parent], *[pos[k] for k in kids]]
            signs = [1.0] + [-1.0] * len(kids)
            for m, s in zip(members, signs, strict=True):
                coords = list(flat_other)
                coords.insert(d, np.full(n_other, m))
                flat = np.ravel_multi_index(tuple(coords), shape) if coords else np.zeros(1, int)
                rows.append(r0 + np.arange(n_other))
                cols.append(np.asarray(flat))
                data.append(np.full(n_other, s))
            r0 += n_other
    if not rows:
        return sp.csr_matrix((0, int(np.prod(shape))))
    return sp.csr_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=(r0, int(np.prod(shape))),
    )


def table_from_frame(
    frame: pd.DataFrame,
    dims: list[str],
    value: str,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    total_labels: tuple[str, ...] = ("Total", "All"),
) -> HierTable:
    """A `HierTable` from a long frame with one row per cell (totals included)."""
    hierarchies = dict(hierarchies or {})
    hs: list[Hierarchy] = []
    for d in dims:
        labels = [str(x) for x in pd.unique(frame[d].astype(str))]
        if d in hierarchies:
            h = hierarchies[d]
            unknown = sorted(set(labels) - set(h.parent))
            if unknown:
                raise StructureError(f"labels not in the hierarchy: {unknown[:3]}", field=d)
        else:
            totals = [lab for lab in labels if lab in total_labels]
            if len(totals) > 1:
                raise StructureError(f"more than one total label: {totals}", field=d)
            h = Hierarchy.flat(d, labels, totals[0] if totals else None)
        hs.append(h)
    keys = frame[dims].astype(str)
    if keys.duplicated().any():
        dup = keys[keys.duplicated()].iloc[0]
        raise DuplicateLabelError("this combination of labels appears twice", cell=tuple(dup))
    shape = tuple(len(h.codes) for h in hs)
    idx = [
        keys[d].map({c: i for i, c in enumerate(h.codes)}).to_numpy()
        for d, h in zip(dims, hs, strict=True)
    ]
    values = np.full(int(np.prod(shape)), np.nan)
    values[np.ravel_multi_index(tuple(idx), shape)] = frame[value].to_numpy(dtype="float64")
    if np.isnan(values).any():
        missing = int(np.flatnonzero(np.isnan(values))[0])
        cell = dict(zip(dims, np.unravel_index(missing, shape), strict=True))
        raise StructureError(
            "a cell is missing: every combination of labels, totals included, needs a row",
            cell={d: hs[k].codes[int(i)] for k, (d, i) in enumerate(cell.items())},
        )
    table = HierTable(hs, values)
    table.check_additive()
    return table


def hierarchy_from_pairs(name: str, pairs: list[tuple[str, str]], root: str) -> Hierarchy:
    """From (parent, child) pairs; codes without a parent hang under `root`."""
    explicit: dict[str, str] = {}
    for p, c in pairs:
        if c in explicit and explicit[c] != p:
            raise StructureError(f"{c!r} has two parents", field=name, cell=c)
        explicit[c] = p
    codes = set(explicit) | set(explicit.values())
    parent: dict[str, str | None] = {root: None}
    for code in sorted(codes):
        if code != root:
            parent[code] = explicit.get(code, root)
    return Hierarchy(name, parent)
