"""Writing a validated table: Parquet written under a temporary name beside the destination,
flushed, then given its name in one step that never replaces an existing file. On any error
the temporary file is removed, so a destination either holds the whole table or nothing."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fivesafes.linkage.errors import ExternalDataError

PARTIAL = ".partial-"
FILE_MODE = 0o600  # the service's own: person numbers, serials, linked data


@contextlib.contextmanager
def atomic_path(destination: Path) -> Iterator[Path]:
    """A temporary path beside `destination` to write to; on leaving without error it becomes
    `destination` (readable by its owner only; refused if it exists), on error it is
    removed."""
    destination = Path(destination)
    if not destination.parent.is_dir():
        raise ExternalDataError("destination", "The destination folder does not exist.")
    if destination.exists() or destination.is_symlink():
        raise ExternalDataError(
            "destination", f"'{destination.name}' exists already; it is not replaced."
        )
    temporary = destination.with_name(f"{PARTIAL}{secrets.token_hex(8)}-{destination.name}")
    try:
        yield temporary
        os.chmod(temporary, FILE_MODE)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        try:
            os.link(temporary, destination)
        except FileExistsError as error:
            raise ExternalDataError(
                "destination", f"'{destination.name}' exists already; it is not replaced."
            ) from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _sync_folder(destination.parent)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_parquet(table: pa.Table, destination: Path) -> Path:
    """`table` as Parquet (zstd) at `destination`, atomically."""
    with atomic_path(destination) as temporary:
        pq.write_table(table, temporary, compression="zstd")
    return Path(destination)


def remove_partials(folder: Path) -> list[str]:
    """Remove temporary files a killed writer left in `folder`; their names."""
    removed = []
    for entry in Path(folder).iterdir():
        if entry.name.startswith(PARTIAL) and entry.is_file() and not entry.is_symlink():
            entry.unlink()
            removed.append(entry.name)
    return removed
