"""Parquet, Stata, SPSS and SAS files, read in bounded steps: what the file says it holds
(rows, columns, unpacked size) is checked against the limits before the data are read, and
the data read so far are counted against `max_data_bytes` chunk by chunk, so a compressed file
that unpacks to more than the limit is refused rather than unpacked."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pyreadstat

from fivesafes.linkage.errors import ExternalDataError
from fivesafes.linkage.formats import FORMAT_WORDS
from fivesafes.linkage.limits import Limits

STAT_READERS: dict[str, Callable[..., Any]] = {
    "dta": pyreadstat.read_dta,
    "sav": pyreadstat.read_sav,
    "sas7bdat": pyreadstat.read_sas7bdat,
}
NUMERIC_WIDTH = 8


def _too_many_columns(count: int, limits: Limits) -> None:
    if count > limits.max_columns:
        raise ExternalDataError(
            "columns", f"The file has {count} columns; the limit is {limits.max_columns}."
        )


def _too_large(size: int, limits: Limits, *, estimated: bool) -> None:
    if size > limits.max_data_bytes:
        words = "would unpack to about" if estimated else "unpack to more than"
        raise ExternalDataError(
            "file",
            f"The data {words} {size} bytes; the limit is {limits.max_data_bytes} bytes. "
            "Compressed files are bounded by what they unpack to.",
        )


def read_parquet(fd: int, limits: Limits) -> pa.Table:
    """A Parquet file, its unpacked size (from the footer) checked before reading, then read in
    batches counted against the limit."""
    with os.fdopen(os.dup(fd), "rb") as handle:
        try:
            parquet = pq.ParquetFile(handle)
        except (pa.ArrowException, OSError) as error:
            raise ExternalDataError("file", f"The Parquet file cannot be read: {error}") from error
        meta = parquet.metadata
        _too_many_columns(meta.num_columns, limits)
        claimed = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        _too_large(claimed, limits, estimated=True)
        schema = parquet.schema_arrow
        batches = []
        total = 0
        try:
            for batch in parquet.iter_batches(batch_size=limits.batch_rows):
                total += batch.nbytes
                _too_large(total, limits, estimated=False)
                batches.append(batch)
        except (pa.ArrowException, OSError) as error:
            raise ExternalDataError("file", f"The Parquet file cannot be read: {error}") from error
    return pa.Table.from_batches(batches, schema=schema)


def _stat_error(fmt: str, error: Exception) -> ExternalDataError:
    return ExternalDataError("file", f"The {FORMAT_WORDS[fmt]} file cannot be read: {error}")


def read_stat_file(path: Path, fmt: str, limits: Limits) -> pa.Table:
    """A Stata, SPSS or SAS file through pyreadstat: the metadata first (columns, rows,
    storage widths give the unpacked size), then the rows in chunks counted against the
    limit."""
    reader = STAT_READERS[fmt]
    try:
        _, meta = reader(os.fspath(path), metadataonly=True)
    except Exception as error:  # pyreadstat raises its own and plain exceptions
        raise _stat_error(fmt, error) from error
    names = list(meta.column_names)
    _too_many_columns(len(names), limits)
    rows = meta.number_rows if meta.number_rows and meta.number_rows > 0 else 0
    widths = meta.variable_storage_width or {}
    row_bytes = sum(max(int(widths.get(name) or 0), NUMERIC_WIDTH) for name in names)
    _too_large(rows * row_bytes, limits, estimated=True)
    if meta.number_rows == 0:
        return _empty(names, meta.readstat_variable_types)
    tables = []
    total = 0
    try:
        for frame, _ in pyreadstat.read_file_in_chunks(
            reader, os.fspath(path), chunksize=limits.batch_rows
        ):
            table = pa.Table.from_pandas(frame, preserve_index=False)
            total += table.nbytes
            _too_large(total, limits, estimated=False)
            tables.append(table)
    except ExternalDataError:
        raise
    except Exception as error:
        raise _stat_error(fmt, error) from error
    if not tables:
        return _empty(names, meta.readstat_variable_types)
    return pa.concat_tables(tables, promote_options="default")


def _empty(names: list[str], types: dict[str, str]) -> pa.Table:
    return pa.table(
        {
            name: pa.array([], type=pa.string() if types.get(name) == "string" else pa.float64())
            for name in names
        }
    )
