"""Secondary (complementary) suppression for tables with totals and hierarchies, by HiGHS.

For every primary cell p with upper and lower protection levels (UPL, LPL) we need two
deviation vectors y+ and y- that keep every additivity constraint (A y = 0), are zero on
published cells, keep every cell non-negative (y >= -value) and move p by +UPL and -LPL.
If they exist, an intruder who knows the published cells and the structure cannot narrow
p below [value - LPL, value + UPL] (LP duality: these are exactly the attacker's bounds).

Cells are chosen by a cost-minimising linear programme per primary (HiGHS through
scipy.optimize.linprog): each unit of deviation on a published cell costs that cell's weight,
on an already suppressed cell next to nothing; every cell the optimal deviations touch is
suppressed. Suppressions only accumulate, so each primary's deviations stay valid to the end.

Large tables are split as HiTaS does: a primary's programme is set up on its sub-table, the
block of cells under its parent codes (e.g. the municipalities of its region times the codes
of its column group), with every cell outside the block held fixed. Only when the block
cannot protect it is the block widened, one variable and one level at a time, smallest block
first, up to the whole table. `audit.audit` then checks the whole table independently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from .config import SuppressionSettings
from .errors import StructureError
from .hierarchy import HierTable

TOL = 1e-7


@dataclass
class Protection:
    upper: np.ndarray  # required upward protection per cell (0 for non-primary)
    lower: np.ndarray


@dataclass
class SuppressionResult:
    primary: np.ndarray
    secondary: np.ndarray
    protection: Protection
    blocks_widened: int = 0
    lp_solved: int = 0
    largest_block: int = 0  # cells of the largest sub-table a programme was solved on
    notes: list[str] = field(default_factory=list)

    @property
    def suppressed(self) -> np.ndarray:
        return self.primary | self.secondary


def primaries(
    table: HierTable,
    primary: np.ndarray | None,
    protection: Protection | None,
    settings: SuppressionSettings,
    threshold: int,
) -> tuple[np.ndarray, Protection]:
    """The primary cells and their protection levels, by default those of the frequency rule
    (0 < value < threshold); a table with negative cells is refused."""
    values = table.values
    if np.any(values < 0):
        raise StructureError("suppression needs non-negative cell values", field="values")
    if primary is None:
        primary = (values > 0) & (values < threshold)
    primary = np.asarray(primary, dtype=bool)
    if protection is None:
        protection = frequency_protection(values, primary, threshold, settings.frequency_protection)
    return primary, protection


def frequency_protection(
    values: np.ndarray, primary: np.ndarray, threshold: int, share: float
) -> Protection:
    """Protection for cells failing the frequency rule: the intruder's interval must reach the
    threshold (so the cell may not be small at all) and be at least `share` of the value wide
    on each side; zero cells need only to be possibly non-zero."""
    v = np.asarray(values, dtype="float64")
    pct = np.maximum(1.0, np.ceil(share * v))
    upper = np.where(primary, np.where(v == 0, 1.0, np.maximum(threshold - v, pct)), 0.0)
    lower = np.where(primary, np.minimum(v, np.where(v == 0, 0.0, pct)), 0.0)
    return Protection(upper, lower)


def dominance_protection(
    total: np.ndarray, top1: np.ndarray, top2: np.ndarray, topn: np.ndarray, p: float, k: float
) -> tuple[np.ndarray, np.ndarray]:
    """Protection the p% and (n,k) rules require of a sensitive magnitude cell: the amount by
    which the total must be uncertain for the rule to be met."""
    p_req = p * top1 - (total - top1 - top2)
    nk_req = topn / k - total
    req = np.maximum(np.maximum(p_req, nk_req), 0.0)
    return req, np.minimum(req, total)


def _weights(table: HierTable, settings: SuppressionSettings) -> np.ndarray:
    v = np.abs(table.values)
    w = v + 1.0 if settings.cost == "value" else np.ones_like(v)
    return np.where(table.is_total(), w * settings.total_cost_factor, w)


class _BlockLP:
    """The deviation programme of one block, kept in HiGHS and re-solved per primary.

    Columns: [u+, v+, u-, v-] per block cell, y+ = u+ - v+ (upward scenario), y- = u- - v-.
    Rows: A y+ = 0 and A y- = 0 over every constraint touching the block; cells outside the
    block do not appear, i.e. they are held fixed.
    """

    def __init__(
        self,
        cells: np.ndarray,
        A: sp.csr_matrix,
        values: np.ndarray,
        known: np.ndarray | None = None,
    ) -> None:
        self.cells = cells
        n = len(cells)
        m = A.shape[0]
        self.n = n
        self.a = np.maximum(values[cells], 0.0)
        # cells everyone knows (declared structural zeros) cannot move in any scenario
        still = np.zeros(n, bool) if known is None else np.asarray(known[cells], bool)
        Z = sp.csr_matrix((m, n))
        M = sp.vstack([sp.hstack([A, -A, Z, Z]), sp.hstack([Z, Z, A, -A])], format="csc")
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        lp = highspy.HighsLp()
        lp.num_col_ = 4 * n
        lp.num_row_ = 2 * m
        lp.col_cost_ = np.ones(4 * n)
        lp.col_lower_ = np.zeros(4 * n)
        inf = np.full(n, highspy.kHighsInf)
        self.ub = np.concatenate([inf, self.a, inf, self.a])
        self.ub[np.concatenate([still, still, still, still])] = 0.0
        lp.col_upper_ = self.ub.copy()
        lp.row_lower_ = np.zeros(2 * m)
        lp.row_upper_ = np.zeros(2 * m)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = M.indptr.astype(np.int32)
        lp.a_matrix_.index_ = M.indices.astype(np.int32)
        lp.a_matrix_.value_ = M.data.astype(np.float64)
        h.passModel(lp)
        self.h = h
        self.all_cols = np.arange(4 * n, dtype=np.int32)

    def solve(self, p_local: int, upl: float, lpl: float, cost: np.ndarray) -> np.ndarray | None:
        """Block cells (local positions) the cheapest deviations touch; None if infeasible."""
        n = self.n
        if lpl > self.a[p_local] + TOL:
            return None
        h = self.h
        c = np.concatenate([cost, cost, cost, cost])
        h.changeColsCost(4 * n, self.all_cols, c)
        idx = np.asarray([p_local, n + p_local, 2 * n + p_local, 3 * n + p_local], dtype=np.int32)
        fixed = np.asarray([upl, 0.0, 0.0, lpl])
        h.changeColsBounds(4, idx, fixed, fixed)
        h.run()
        status = h.getModelStatus()
        x = None
        if status == highspy.HighsModelStatus.kOptimal:
            x = np.asarray(h.getSolution().col_value)
        h.changeColsBounds(4, idx, np.zeros(4), self.ub[idx])
        if x is None:
            return None
        dev = np.abs(x[:n] - x[n : 2 * n]) + np.abs(x[2 * n : 3 * n] - x[3 * n :])
        return np.flatnonzero(dev > TOL * max(1.0, upl, lpl))


class _Blocks:
    """Sub-tables (blocks): per variable, the subtree of an anchor code; programmes cached."""

    def __init__(
        self, table: HierTable, cache_size: int = 512, known: np.ndarray | None = None
    ) -> None:
        self.table = table
        self.known = known
        self.A_csc = table.A.tocsc()
        self.cache: dict[tuple[str, ...], _BlockLP] = {}
        self.cache_size = cache_size

    def anchors(self, labels: dict[str, str]) -> list[tuple[str, ...]]:
        """The home block first, then blocks widened one variable at a time, smallest first."""
        t = self.table
        home = []
        for h in t.dims:
            code = labels[h.name]
            parent = h.parent[code]
            home.append(parent if parent is not None else code)
        out = [tuple(home)]
        frontier = [tuple(home)]
        seen = {tuple(home)}
        while frontier:
            nxt = []
            for anc in frontier:
                for d, h in enumerate(t.dims):
                    up = h.parent[anc[d]]
                    if up is None:
                        continue
                    wider = (*anc[:d], up, *anc[d + 1 :])
                    if wider not in seen:
                        seen.add(wider)
                        nxt.append(wider)
            nxt.sort(key=self.size)
            out += nxt
            frontier = nxt
        return out

    def size(self, anchor: tuple[str, ...]) -> int:
        dims = self.table.dims
        return int(np.prod([len(h.subtree(a)) for h, a in zip(dims, anchor, strict=True)]))

    def block(self, anchor: tuple[str, ...]) -> _BlockLP:
        if anchor not in self.cache:
            t = self.table
            members = [
                np.asarray(sorted(t.index[d][c] for c in h.subtree(anchor[d])))
                for d, h in enumerate(t.dims)
            ]
            grid = np.meshgrid(*members, indexing="ij")
            cells = np.sort(np.ravel_multi_index(tuple(g.ravel() for g in grid), t.shape))
            sub = self.A_csc[:, cells].tocsr()
            rows = np.flatnonzero(np.diff(sub.indptr))
            if len(self.cache) >= self.cache_size:
                self.cache.pop(next(iter(self.cache)))
            self.cache[anchor] = _BlockLP(np.asarray(cells), sub[rows], t.values, self.known)
        return self.cache[anchor]


def suppress(
    table: HierTable,
    primary: np.ndarray | None = None,
    protection: Protection | None = None,
    settings: SuppressionSettings | None = None,
    threshold: int = 10,
    known: np.ndarray | None = None,
) -> SuppressionResult:
    """Choose complementary suppressions for the primaries of `table`.

    Without `primary`, cells with 0 < value < threshold are primary (a frequency table);
    without `protection`, frequency-rule protection levels apply. `known` marks cells an
    intruder knows whether published or not (declared structural zeros): they are never
    chosen as complements, since suppressing them hides nothing.
    """
    settings = settings or SuppressionSettings()
    if settings.method == "exact":
        from .suppression_exact import suppress_exact

        return suppress_exact(
            table, primary, protection, settings, threshold, settings.exact_time_limit, known
        )
    primary, protection = primaries(table, primary, protection, settings, threshold)
    suppressed = primary.copy()
    weights = _weights(table, settings)
    blocks = _Blocks(table, known=known)
    result = SuppressionResult(primary, np.zeros_like(primary), protection)
    for p in _order(table, primary):
        _protect_with_widening(table, int(p), suppressed, protection, weights, blocks, result)
    result.secondary = suppressed & ~primary
    return result


def _order(table: HierTable, primary: np.ndarray) -> np.ndarray:
    """Primaries from the top of the hierarchies down (as HiTaS does), so that suppressions
    made for high-level cells are there to be reused by the cells below them."""
    idx = np.flatnonzero(primary)
    depth = np.zeros(table.n_cells)
    for d, h in enumerate(table.dims):
        lev = np.zeros(len(h.codes))
        for i, c in enumerate(h.codes):
            k, q = 0, h.parent[c]
            while q is not None:
                k += 1
                q = h.parent[q]
            lev[i] = k
        shape = [1] * len(table.dims)
        shape[d] = len(h.codes)
        depth = depth + np.broadcast_to(lev.reshape(shape), table.shape).ravel()
    return idx[np.argsort(depth[idx], kind="stable")]


def _protect_with_widening(
    table: HierTable,
    p: int,
    suppressed: np.ndarray,
    protection: Protection,
    weights: np.ndarray,
    blocks: _Blocks,
    result: SuppressionResult,
) -> None:
    labels = table.labels(p)
    for level, anchor in enumerate(blocks.anchors(labels)):
        lp = blocks.block(anchor)
        where = int(np.searchsorted(lp.cells, p))
        cost = np.where(suppressed[lp.cells], 1e-6, weights[lp.cells])
        touched = lp.solve(where, float(protection.upper[p]), float(protection.lower[p]), cost)
        result.lp_solved += 1
        result.largest_block = max(result.largest_block, len(lp.cells))
        if touched is not None:
            suppressed[lp.cells[touched]] = True
            if level:
                result.blocks_widened += 1
            return
    # nothing can protect it (required protection beyond what non-negativity allows):
    # suppress every cell rather than publish a recomputable one
    result.notes.append(f"cell {labels} cannot be protected; the whole table is suppressed")
    suppressed[:] = True
