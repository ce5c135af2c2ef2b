"""What every rule shares: the cell-located finding and label helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..aggregate import CellStats
from ..config import Severity
from ..findings import Finding


@dataclass(frozen=True)
class CellFinding:
    """A finding and the position of its cell in `CellStats.frame` (None: whole output)."""

    position: int | None
    finding: Finding


def findings_at(
    stats: CellStats,
    positions: np.ndarray,
    rule: str,
    severity: Severity,
    values: Callable[[int], dict[str, Any]],
    reason: Callable[[int], str],
    statistic: str | None = None,
) -> list[CellFinding]:
    """A `rule` finding on each cell at `positions` of `stats.frame`; `values` and `reason`
    give, for a position, the figures behind it and the sentence that explains it."""
    return [
        CellFinding(pos, Finding(rule, severity, reason(pos), cell, statistic, values(pos)))
        for pos, cell in zip(map(int, positions), labels_of(stats, positions), strict=True)
    ]


def cell_labels(stats: CellStats, position: int) -> dict[str, str]:
    return labels_of(stats, np.asarray([position]))[0]


def labels_of(stats: CellStats, positions: np.ndarray) -> list[dict[str, str]]:
    """Labels (as text, by dimension name) of the cells at `positions` of `stats.frame`."""
    rows = stats.frame.iloc[positions]
    cols = [rows[k].astype(str).tolist() for k in stats.keys]
    return [dict(zip(stats.dims, vals, strict=True)) for vals in zip(*cols, strict=True)]


def describe(cell: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in cell.items())


def num(value: Any) -> str:
    """A number as a reader expects it: whole numbers without decimals."""
    f = float(value)
    if f.is_integer():
        return f"{int(f)}"
    return f"{f:.4g}"
