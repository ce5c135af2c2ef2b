"""Rows per year of a register version, read from the Parquet footers (no data is scanned)."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq

YEAR_FOLDER = re.compile(r"^year=(\d{4})$")


class UnreadableData(Exception):
    """A data file whose Parquet footer cannot be read (truncated copy, not Parquet, no access)."""

    def __init__(self, file: Path, reason: str):
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")


def rows_by_year(version_dir: Path) -> dict[str, int]:
    """{"1980": rows, ...} for temporal registers, {"all": rows} for FIXED ones; {} without data.

    Raises UnreadableData naming the first file that cannot be read."""
    if not version_dir.is_dir():
        return {}
    counts: dict[str, int] = {}
    for file in sorted(version_dir.rglob("*.parquet")):
        match = YEAR_FOLDER.match(file.parent.name)
        key = match.group(1) if match else "all"
        try:
            rows = pq.ParquetFile(file).metadata.num_rows
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise UnreadableData(file, f"not a readable Parquet file ({exc})") from None
        counts[key] = counts.get(key, 0) + rows
    return counts
