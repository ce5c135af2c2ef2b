"""Missing values behind a statistic, and minima/maxima (one contributor's own value)."""

from __future__ import annotations

import numpy as np

from ..aggregate import CellStats
from ..config import RuleSet
from ..findings import Finding
from .base import CellFinding, labels_of


def check_missing(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    if stats.values is None or "n_missing" not in stats.frame:
        return []
    miss = stats.frame["n_missing"].to_numpy()
    idx = np.flatnonzero(miss > 0)
    return [
        CellFinding(
            int(pos),
            Finding(
                rule="missing_values",
                severity=rules.missing_values.severity,
                cell=cell,
                values={"missing": int(miss[pos])},
                reason=(
                    f"{int(miss[pos])} records have no {stats.values}; the statistic leaves "
                    "them out"
                ),
            ),
        )
        for pos, cell in zip(idx, labels_of(stats, idx), strict=True)
    ]


def check_extremes(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    shown = [f for f in stats.aggfuncs if f in ("min", "max")]
    if not shown:
        return []
    n = stats.frame["n"].to_numpy()
    idx = np.flatnonzero(n > 0)
    return [
        CellFinding(
            int(pos),
            Finding(
                rule="extremes",
                severity=rules.extremes.severity,
                cell=cell,
                statistic="/".join(shown),
                values={"contributors": int(n[pos])},
                reason=(
                    "a minimum or maximum is one contributor's own value; publish it only if "
                    "that value cannot be linked to anyone"
                ),
            ),
        )
        for pos, cell in zip(idx, labels_of(stats, idx), strict=True)
    ]
