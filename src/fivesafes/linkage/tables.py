"""A validated external table ready to be linked into a delivery."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExternalTable:
    name: str  # the source's short name, becomes <NAME>.parquet in the delivery
    path: Path  # a validated Parquet file: column "pnr" (10-digit string) + the variables
    description: str = ""
