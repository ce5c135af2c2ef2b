"""How much an external file may be: bytes on disk, bytes once decoded or unpacked, columns.
The delivery room fills these from its settings; the defaults suit a survey file on the
2-core research server."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """`max_file_bytes`: the file as stored; `max_data_bytes`: the data once decoded and
    unpacked (what a compressed Parquet, .zsav or compressed .sas7bdat would grow to);
    `max_columns`: columns in the file."""

    max_file_bytes: int = 1024 * MIB
    max_data_bytes: int = 2048 * MIB
    max_columns: int = 2000
    batch_rows: int = 65536

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_data_bytes", "max_columns", "batch_rows"):
            if getattr(self, name) <= 0:
                raise ValueError(f"The limit {name} must be positive.")
