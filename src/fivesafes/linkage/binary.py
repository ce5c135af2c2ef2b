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
import pyarrow.compute as pc
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


def _expanded_bytes(batch: pa.RecordBatch) -> int:
    """What the batch takes once its dictionary columns are expanded to plain text."""
    total = 0
    for column in batch.columns:
        if isinstance(column, pa.DictionaryArray):
            lengths = pc.binary_length(column.dictionary)
            total += int(pc.sum(pc.take(lengths, column.indices)).as_py() or 0)
            total += 4 * len(column)
        else:
            total += column.nbytes
    return total


def _parquet_error(error: Exception) -> ExternalDataError:
    return ExternalDataError("file", f"The Parquet file cannot be read: {error}")


def read_parquet(fd: int, limits: Limits) -> pa.Table:
    """A Parquet file: its unpacked size (from the footer) checked before reading, then read
    in batches with text kept dictionary-encoded, each batch's expanded size counted against
    the limit before anything is expanded (a column of one value repeated a million times is
    small on disk and in the footer, large once expanded)."""
    with os.fdopen(os.dup(fd), "rb") as handle:
        try:
            meta = pq.ParquetFile(handle).metadata
            handle.seek(0)
            schema = meta.schema.to_arrow_schema()
            _too_many_columns(meta.num_columns, limits)
            claimed = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
            _too_large(claimed, limits, estimated=True)
            text = [
                field.name
                for field in schema
                if pa.types.is_string(field.type)
                or pa.types.is_large_string(field.type)
                or pa.types.is_binary(field.type)
            ]
            parquet = pq.ParquetFile(handle, read_dictionary=text)
            batches = []
            total = 0
            for batch in parquet.iter_batches(batch_size=limits.batch_rows):
                total += _expanded_bytes(batch)
                _too_large(total, limits, estimated=False)
                batches.append(batch)
        except (pa.ArrowException, OSError) as error:
            raise _parquet_error(error) from error
    if not batches:
        return schema.empty_table()
    return pa.Table.from_batches(batches)


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
    chunk = max(1, min(limits.batch_rows, limits.max_data_bytes // max(row_bytes, 1)))
    try:
        for frame, _ in pyreadstat.read_file_in_chunks(reader, os.fspath(path), chunksize=chunk):
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
