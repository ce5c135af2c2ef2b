"""Missing values behind a statistic, and minima/maxima (one contributor's own value)."""

from __future__ import annotations

import numpy as np

from ..aggregate import CellStats
from ..config import RuleSet
from .base import CellFinding, findings_at


def check_missing(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    if stats.values is None or "n_missing" not in stats.frame:
        return []
    miss = stats.frame["n_missing"].to_numpy()
    idx = np.flatnonzero(miss > 0)
    return findings_at(
        stats,
        idx,
        "missing_values",
        rules.missing_values.severity,
        values=lambda pos: {"missing": int(miss[pos])},
        reason=lambda pos: (
            f"{int(miss[pos])} records have no {stats.values}; the statistic leaves them out"
        ),
    )


def check_extremes(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    shown = [f for f in stats.aggfuncs if f in ("min", "max")]
    if not shown:
        return []
    n = stats.frame["n"].to_numpy()
    idx = np.flatnonzero(n > 0)
    return findings_at(
        stats,
        idx,
        "extremes",
        rules.extremes.severity,
        statistic="/".join(shown),
        values=lambda pos: {"contributors": int(n[pos])},
        reason=lambda pos: (
            "a minimum or maximum is one contributor's own value; publish it only if "
            "that value cannot be linked to anyone"
        ),
    )
