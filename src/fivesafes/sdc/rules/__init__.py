"""The disclosure-control rules. Each module judges cells of a `CellStats` table.

`check_cells` runs every rule that applies to the statistics shown and returns the findings
with the position (row number in `CellStats.frame`) of the cell each one concerns.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..aggregate import CellStats
from ..config import RuleSet
from .base import CellFinding
from .counted import check_counted, check_spread_dof
from .dominance import check_dominance
from .frequency import check_frequency
from .values import check_extremes, check_missing
from .zeros import check_class_disclosure, check_zeros

__all__ = ["CellFinding", "check_cells"]


def check_cells(
    stats: CellStats,
    rules: RuleSet,
    structural_zeros: Iterable[dict[str, str]] = (),
) -> list[CellFinding]:
    found: list[CellFinding] = []
    found += check_frequency(stats, rules)
    structural = list(structural_zeros)
    found += check_zeros(stats, rules, structural)
    found += check_class_disclosure(stats, rules, structural)
    found += check_dominance(stats, rules)
    found += check_counted(stats, rules)
    found += check_spread_dof(stats, rules)
    found += check_missing(stats, rules)
    found += check_extremes(stats, rules)
    return found
