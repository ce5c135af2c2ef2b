"""Minimum frequency: every published cell needs at least `threshold` contributors."""

from __future__ import annotations

import numpy as np

from ..aggregate import CellStats
from ..config import RuleSet
from .base import CellFinding, findings_at


def check_frequency(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    t = rules.frequency.threshold
    n = stats.frame["n"].to_numpy()
    # empty cells are the zeros rule's business
    hits = np.flatnonzero((n > 0) & (n < t))
    who = "contributors" if stats.values is None else "contributors with a value"
    return findings_at(
        stats,
        hits,
        "frequency",
        rules.frequency.severity,
        values=lambda pos: {"contributors": int(n[pos]), "threshold": t},
        reason=lambda pos: (
            f"only {int(n[pos])} {who} in this cell, fewer than the minimum of {t}: "
            "a small group can identify the people or enterprises in it"
        ),
    )
