"""Independent audit of a suppressed table: each suppressed cell's feasible interval by LP.

The audit knows only what an intruder knows: the published cells, which cells are missing,
the additivity structure and that cells are non-negative. For every primary cell it computes
the smallest and largest value consistent with that (two linear programmes, HiGHS) and fails
the table if the interval does not reach `value - lower` and `value + upper` protection.
Suppressed cells are split into independent groups (cells linked through constraints), and
each group's programme is built once and re-solved with a new objective per cell. A programme
the solver cannot finish leaves its cells failing (with the reason in `errors`), never
passing and never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .hierarchy import HierTable
from .suppression import Protection

TOL = 1e-6


@dataclass
class CellAudit:
    cell: dict[str, str]
    value: float
    low: float
    high: float
    need_low: float
    need_high: float

    @property
    def passed(self) -> bool:
        scale = max(1.0, abs(self.value))
        return (
            self.value - self.low >= self.need_low - TOL * scale
            and self.high - self.value >= self.need_high - TOL * scale
        )

    def as_dict(self) -> dict[str, Any]:
        def f(x: float) -> float | str:
            return x if np.isfinite(x) else "inf"

        return {
            "cell": self.cell,
            "value": self.value,
            "interval": [f(self.low), f(self.high)],
            "required": [self.value - self.need_low, f(self.value + self.need_high)],
            "passed": self.passed,
        }


@dataclass
class AuditReport:
    cells: list[CellAudit] = field(default_factory=list)
    groups: int = 0
    largest_group: int = 0
    # programmes the solver could not finish: their cells count as unprotected
    errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cells)

    @property
    def failures(self) -> list[CellAudit]:
        return [c for c in self.cells if not c.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "checked_cells": len(self.cells),
            "failures": [c.as_dict() for c in self.failures],
            "groups": self.groups,
            "largest_group": self.largest_group,
            "errors": self.errors,
            "cells": [c.as_dict() for c in self.cells],
        }


def _groups(A: sp.csr_matrix, sup: np.ndarray) -> tuple[int, np.ndarray]:
    S = A[:, sup].tocsc()
    adj = (abs(S).T @ abs(S)).tocsr()
    return connected_components(adj, directed=False)


def audit(
    table: HierTable,
    suppressed: np.ndarray,
    protection: Protection,
    check: np.ndarray | None = None,
) -> AuditReport:
    """Intervals of the cells in `check` (default: those with protection required)."""
    suppressed = np.asarray(suppressed, dtype=bool)
    if check is None:
        check = (protection.upper > 0) | (protection.lower > 0)
    check = np.asarray(check, dtype=bool)
    if np.any(check & ~suppressed):
        # a published cell needing protection is known exactly: a failure on its own
        pass
    report = AuditReport()
    values = table.values
    sup = np.flatnonzero(suppressed)
    for p in np.flatnonzero(check & ~suppressed):
        report.cells.append(
            CellAudit(
                table.labels(int(p)),
                float(values[p]),
                float(values[p]),
                float(values[p]),
                float(protection.lower[p]),
                float(protection.upper[p]),
            )
        )
    if sup.size == 0:
        return report
    A = table.A
    rhs = -(A[:, ~suppressed] @ values[~suppressed])
    n_groups, label = _groups(A, sup)
    report.groups = int(n_groups)
    for g in range(n_groups):
        members = sup[label == g]
        report.largest_group = max(report.largest_group, len(members))
        targets = [int(i) for i in members if check[i]]
        if not targets:
            continue
        sub = A[:, members].tocsr()
        rows = np.flatnonzero(np.diff(sub.indptr))
        sub = sub[rows].tocsc()
        b = np.asarray(rhs[rows], dtype="float64")
        try:
            lows, highs = _intervals(
                sub, b, len(members), [int(np.searchsorted(members, t)) for t in targets]
            )
        except RuntimeError as exc:
            # fail closed: a cell whose interval could not be computed is not shown protected
            report.errors.append(f"{exc} (group of {len(members)} cells)")
            lows = highs = [float(values[t]) for t in targets]
        for t, lo, hi in zip(targets, lows, highs, strict=True):
            report.cells.append(
                CellAudit(
                    table.labels(t),
                    float(values[t]),
                    lo,
                    hi,
                    float(protection.lower[t]),
                    float(protection.upper[t]),
                )
            )
    return report


def _intervals(
    A: sp.csc_matrix, b: np.ndarray, n: int, targets: list[int]
) -> tuple[list[float], list[float]]:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = b
    lp.row_upper_ = b
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)
    h.passModel(lp)
    lows, highs = [], []
    for t in targets:
        bounds = []
        for sense in (1.0, -1.0):
            h.changeColCost(t, sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                bounds.append(sense * h.getInfo().objective_function_value)
            elif status == highspy.HighsModelStatus.kUnbounded or (
                status == highspy.HighsModelStatus.kUnboundedOrInfeasible and sense < 0
            ):
                bounds.append(np.inf if sense < 0 else -np.inf)
            else:
                raise RuntimeError(f"audit LP failed: {h.modelStatusToString(status)}")
        h.changeColCost(t, 0.0)
        lows.append(bounds[0])
        highs.append(bounds[1])
    return lows, highs
