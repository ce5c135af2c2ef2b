"""Rows per year of a register version, read from the Parquet footers (no data is scanned)."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq

YEAR_FOLDER = re.compile(r"^year=(\d{4})$")


def rows_by_year(version_dir: Path) -> dict[str, int]:
    """{"1980": rows, ...} for temporal registers, {"all": rows} for FIXED ones; {} without data."""
    if not version_dir.is_dir():
        return {}
    counts: dict[str, int] = {}
    for file in sorted(version_dir.rglob("*.parquet")):
        match = YEAR_FOLDER.match(file.parent.name)
        key = match.group(1) if match else "all"
        counts[key] = counts.get(key, 0) + pq.ParquetFile(file).metadata.num_rows
    return counts
