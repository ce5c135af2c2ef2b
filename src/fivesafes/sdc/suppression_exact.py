"""Exact secondary suppression for small tables: one mixed-integer programme (HiGHS).

A binary z per cell says "suppressed"; for each primary p two deviation vectors (upward by
UPL_p, downward by LPL_p) must keep every additivity constraint, be non-zero only on
suppressed cells (|y_c| <= M z_c, and y_c >= -value_c z_c) and move p by the required amount.
The objective is the total cost of the suppressed cells, so the optimum is the cheapest
pattern that protects every primary at once (the model of Fischetti and Salazar with the
attacker's problems written out as flows). The size grows with cells x primaries, so this is
for small tables (the LP heuristic in `suppression.py` handles large ones); the result is
audited like any other.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from .config import SuppressionSettings
from .errors import StructureError
from .hierarchy import HierTable
from .suppression import Protection, SuppressionResult, _weights, primaries

MAX_VARIABLES = 200_000


def suppress_exact(
    table: HierTable,
    primary: np.ndarray | None = None,
    protection: Protection | None = None,
    settings: SuppressionSettings | None = None,
    threshold: int = 10,
    time_limit: float = 60.0,
    known: np.ndarray | None = None,
) -> SuppressionResult:
    settings = settings or SuppressionSettings()
    primary, protection = primaries(table, primary, protection, settings, threshold)
    a = table.values
    P = np.flatnonzero(primary)
    n = table.n_cells
    result = SuppressionResult(primary, np.zeros(n, bool), protection)
    if P.size == 0:
        return result
    k = len(P)
    n_var = n + 4 * k * n
    if n_var > MAX_VARIABLES:
        raise StructureError(
            f"the exact programme would have {n_var} variables; use the LP method", field="table"
        )
    A = sp.csr_matrix(table.A)
    m = A.shape[0]
    w = _weights(table, settings)
    # variable layout: z (n), then per primary j: u+ v+ u- v- (n each)
    rows_eq = []
    rows_le = []
    lb = np.zeros(n_var)
    ub = np.full(n_var, np.inf)
    ub[:n] = 1.0
    lb[P] = 1.0  # primaries are suppressed
    if known is not None:
        ub[:n][np.asarray(known, bool) & ~primary] = 0.0  # known cells hide nothing
    eye = sp.identity(n, format="csr")
    for j, p in enumerate(P):
        base = n + 4 * j * n
        M = 2.0 * max(float(protection.upper[p]), float(protection.lower[p]), 1.0)
        # A (u+ - v+) = 0 ; A (u- - v-) = 0
        for cu, cv in ((1, 2), (3, 4)):
            row = [sp.csr_matrix((m, n))] + [sp.csr_matrix((m, n))] * (4 * k)
            row[4 * j + cu] = A
            row[4 * j + cv] = -A
            rows_eq.append(sp.hstack(row, format="csr"))
        # linking: u <= M z, v <= value z  (both scenarios)
        for c_off, bound in ((1, M), (2, None), (3, M), (4, None)):
            row = [sp.csr_matrix((n, n))] * (1 + 4 * k)
            row[0] = -(eye * M) if bound is not None else -sp.diags(np.maximum(a, 0.0))
            row[4 * j + c_off] = eye
            rows_le.append(sp.hstack(row, format="csr"))
        # fixed movement of p
        for off, val in ((0, protection.upper[p]), (1, 0.0), (2, 0.0), (3, protection.lower[p])):
            lb[base + off * n + p] = ub[base + off * n + p] = float(val)
    A_eq = sp.vstack(rows_eq, format="csr")
    A_le = sp.vstack(rows_le, format="csr")
    c = np.concatenate([w, np.zeros(4 * k * n)])
    integrality = np.concatenate([np.ones(n), np.zeros(4 * k * n)])
    res = milp(
        c,
        integrality=integrality,
        bounds=Bounds(lb, ub),
        constraints=[
            LinearConstraint(A_eq, 0.0, 0.0),
            LinearConstraint(A_le, -np.inf, 0.0),
        ],
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:
        raise StructureError(
            "the exact programme found no pattern within the time limit; use the LP method",
            field="table",
        )
    z = res.x[:n] > 0.5
    result.secondary = z & ~primary
    result.lp_solved = 1
    result.largest_block = table.n_cells
    if res.status != 0:
        result.notes.append("time limit reached: the pattern is feasible but may not be optimal")
    return result
