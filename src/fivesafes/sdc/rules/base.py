"""What every rule shares: the cell-located finding and label helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..aggregate import CellStats
from ..findings import Finding


@dataclass(frozen=True)
class CellFinding:
    """A finding and the position of its cell in `CellStats.frame` (None: whole output)."""

    position: int | None
    finding: Finding


def cell_labels(stats: CellStats, position: int) -> dict[str, str]:
    row = stats.frame.iloc[position]
    return {d: str(row[d]) for d in stats.dims}


def labels_of(frame: pd.DataFrame, dims: list[str]) -> list[dict[str, str]]:
    """Labels of every row of `frame`, as text, without a Python loop per dimension value."""
    cols = [frame[d].astype(str).tolist() for d in dims]
    return [dict(zip(dims, vals, strict=True)) for vals in zip(*cols, strict=True)]


def describe(cell: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in cell.items())


def num(value: Any) -> str:
    """A number as a reader expects it: whole numbers without decimals."""
    f = float(value)
    if f.is_integer():
        return f"{int(f)}"
    return f"{f:.4g}"
