"""Controlled rounding: every cell to a neighbouring multiple of the base, totals still adding up.

Each cell not already a multiple of the base b goes either down to b*floor(v/b) or up to the
next multiple; a binary variable per cell chooses, every additivity constraint must hold for
the rounded table, and the total distance to the original values is minimised. The mixed
integer programme is solved by HiGHS (scipy.optimize.milp). Controlled rounding always exists
for two-dimensional tables; for three or more dimensions it may not, and we say so rather than
publish a table whose totals do not add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from .errors import StructureError
from .hierarchy import HierTable


class RoundingImpossible(StructureError):
    kind = "rounding_impossible"


@dataclass
class RoundingResult:
    values: np.ndarray
    base: int
    max_deviation: float
    total_deviation: float
    additive: bool
    optimal: bool


def controlled_round(table: HierTable, base: int = 5, time_limit: float = 60.0) -> RoundingResult:
    if base < 1:
        raise StructureError("the rounding base must be at least 1", field="base")
    a = table.values
    if np.any(a < 0) or np.any(np.abs(a - np.round(a)) > 1e-9):
        raise StructureError("controlled rounding needs whole, non-negative counts", field="values")
    a = np.round(a)
    low = np.floor(a / base) * base
    rem = a - low
    free = np.flatnonzero(rem > 0)
    A = table.A.tocsc()
    if free.size == 0:
        return RoundingResult(a.copy(), base, 0.0, 0.0, True, True)
    # A (low + base * r) = 0  ->  A_free r = -(A low) / base
    rhs = -np.asarray(A @ low) / base
    A_free = A[:, free].tocsr()
    keep = np.flatnonzero(np.diff(A_free.indptr))
    c = base - 2.0 * rem[free]
    constraints = []
    if keep.size:
        constraints.append(LinearConstraint(A_free[keep], rhs[keep], rhs[keep]))
    # rows without free cells must already balance
    other = np.setdiff1d(np.arange(A.shape[0]), keep)
    if other.size and np.any(np.abs(rhs[other]) > 1e-9):
        raise StructureError("the table's totals do not add up", field="values")
    res = milp(
        c,
        integrality=np.ones(free.size),
        bounds=Bounds(0, 1),
        constraints=constraints or None,
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:
        raise RoundingImpossible(
            f"no controlled rounding to base {base} keeps every total additive"
            + (" within the time limit" if res.status == 1 else "")
            + "; use suppression instead",
            field="values",
        )
    r = np.round(res.x)
    rounded = low.copy()
    rounded[free] += base * r
    residual = np.asarray(sp.csr_matrix(table.A) @ rounded)
    dev = np.abs(rounded - a)
    return RoundingResult(
        values=rounded,
        base=base,
        max_deviation=float(dev.max()),
        total_deviation=float(dev.sum()),
        additive=bool(np.all(np.abs(residual) < 1e-6)),
        optimal=res.status == 0,
    )
