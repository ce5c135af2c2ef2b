"""Minimum frequency: every published cell needs at least `threshold` contributors."""

from __future__ import annotations

import numpy as np

from ..aggregate import CellStats
from ..config import RuleSet
from ..findings import Finding
from .base import CellFinding, labels_of


def check_frequency(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    t = rules.frequency.threshold
    n = stats.frame["n"].to_numpy()
    # empty cells are the zeros rule's business
    hits = np.flatnonzero((n > 0) & (n < t))
    labels = labels_of(stats, hits)
    who = "contributors" if stats.values is None else "contributors with a value"
    return [
        CellFinding(
            int(pos),
            Finding(
                rule="frequency",
                severity=rules.frequency.severity,
                cell=cell,
                values={"contributors": int(n[pos]), "threshold": t},
                reason=(
                    f"only {int(n[pos])} {who} in this cell, fewer than the minimum of {t}: "
                    "a small group can identify the people or enterprises in it"
                ),
            ),
        )
        for pos, cell in zip(hits, labels, strict=True)
    ]
