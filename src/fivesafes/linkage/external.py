"""Reading an external file into a validated table keyed by person number: the file found
safely in the upload folder, its kind told by content, read within the limits, checked
(names, types, rows, the person-number column, duplicated person numbers) and written as
Parquet (`pnr` + the variables) atomically."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from fivesafes.linkage.binary import read_parquet, read_stat_file
from fivesafes.linkage.delimited import infer_type, looks_like_data, read_delimited
from fivesafes.linkage.errors import ExternalDataError
from fivesafes.linkage.formats import detect_format, file_size
from fivesafes.linkage.limits import Limits
from fivesafes.linkage.output import write_parquet
from fivesafes.linkage.paths import descriptor_path, open_checked, safe_source
from fivesafes.linkage.report import ColumnReport, ExternalReport, PersonIds
from fivesafes.linkage.tables import ExternalTable
from fivesafes.linkage.validate import (
    PERSON,
    PERSON_COLUMN,
    duplicates,
    find_key_column,
    key_values,
    normalise,
)

TABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


@dataclass(frozen=True)
class RawTable:
    """A file as read, before the key is checked: its table (names checked, types plain),
    its format, and for CSV the encoding and delimiter used."""

    table: pa.Table = field(repr=False)
    format: str
    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True)
class ExternalData:
    """A validated external table (`pnr` first, then the variables) and its report."""

    table: pa.Table = field(repr=False)
    report: ExternalReport

    def write(self, destination: Path, *, name: str, description: str = "") -> ExternalTable:
        """The table as Parquet at `destination` (atomically; an existing file is refused),
        returned as the `ExternalTable` extraction reads."""
        check_table_name(name)
        path = write_parquet(self.table, Path(destination))
        return ExternalTable(name=name, path=path, description=description)


def check_table_name(name: str) -> None:
    """A source's short name: a letter, then letters, digits, underscores (at most 64)."""
    if not TABLE_NAME.fullmatch(name or ""):
        raise ExternalDataError(
            "name",
            "The source's short name must start with a letter and hold only letters A-Z, "
            "digits and underscores (at most 64).",
        )


def read_raw(
    root: Path,
    name: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    limits: Limits | None = None,
) -> RawTable:
    """The file `name` in the upload folder `root`, read by its kind (content, not name)
    within `limits`; refused with `ExternalDataError` naming the field and the reason."""
    limits = limits or Limits()
    path = safe_source(root, name)
    fd = open_checked(path)
    try:
        size = file_size(fd, limits)
        fmt = detect_format(fd, size)
        if fmt == "csv":
            text = read_delimited(fd, limits=limits, encoding=encoding, delimiter=delimiter)
            if looks_like_data(text.table.column_names):
                raise ExternalDataError(
                    "header",
                    "The first line looks like data (it holds numbers); a header line naming "
                    "the columns is required.",
                )
            raw = RawTable(text.table, fmt, text.encoding, text.delimiter)
        elif fmt == "parquet":
            raw = RawTable(read_parquet(fd, limits), fmt)
        else:
            raw = RawTable(read_stat_file(descriptor_path(fd, path), fmt, limits), fmt)
    finally:
        os.close(fd)
    table = normalise(raw.table)
    if table.num_rows == 0:
        raise ExternalDataError("file", "The file has a header but no data rows.")
    return RawTable(table, raw.format, raw.encoding, raw.delimiter)


def _variables(raw: RawTable, key: str) -> tuple[list[str], list[pa.ChunkedArray]]:
    names = [name for name in raw.table.column_names if name != key]
    clash = [name for name in names if name.lower() == PERSON_COLUMN]
    if clash:
        raise ExternalDataError(
            f"column:{clash[0]}",
            f"The column '{clash[0]}' is not the person number ('{key}' is) but would take "
            "its name in the delivery; rename it.",
        )
    columns = [raw.table.column(name) for name in names]
    if raw.format == "csv":
        columns = [infer_type(column, raw.delimiter or ",") for column in columns]
    return names, columns


def keyed_by_person(
    raw: RawTable,
    keys: pa.ChunkedArray,
    key: str,
    *,
    allow_duplicates: bool = False,
    extra: dict[str, object] | None = None,
) -> ExternalData:
    """The table `pnr` + variables and its report; duplicated person numbers refused (counted)
    unless `allow_duplicates` (a source with several rows per person)."""
    names, columns = _variables(raw, key)
    persons, duplicated_persons, duplicated_rows = duplicates(keys)
    if duplicated_persons and not allow_duplicates:
        raise ExternalDataError(
            f"column:{key}",
            f"{duplicated_persons} person numbers appear on more than one row "
            f"({duplicated_rows} rows more than one per person). One row per person is "
            "expected; correct the file, or declare that the source has several rows per "
            "person.",
        )
    table = pa.table([keys, *columns], names=[PERSON_COLUMN, *names])
    report = ExternalReport(
        format=raw.format,
        rows=table.num_rows,
        person_column=key,
        columns=tuple(
            ColumnReport(name=name, type=str(column.type), missing=column.null_count)
            for name, column in zip(names, columns, strict=True)
        ),
        persons=persons,
        duplicated_persons=duplicated_persons,
        duplicated_rows=duplicated_rows,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        **(extra or {}),  # type: ignore[arg-type]
    ).with_keys(keys)
    return ExternalData(table=table, report=report)


def read_external(
    root: Path,
    name: str | os.PathLike[str],
    *,
    person_column: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    allow_duplicates: bool = False,
    limits: Limits | None = None,
) -> ExternalData:
    """Read and validate the external file `name` in the upload folder `root`: the person
    number column named or found (exactly one column of 10-digit text), every row with one,
    duplicates refused unless allowed. Nothing is written."""
    raw = read_raw(root, name, encoding=encoding, delimiter=delimiter, limits=limits)
    key = find_key_column(raw.table, PERSON, person_column)
    keys = key_values(raw.table, key, PERSON)
    return keyed_by_person(raw, keys, key, allow_duplicates=allow_duplicates)


def link_external(
    root: Path,
    name: str | os.PathLike[str],
    destination: Path,
    *,
    table_name: str,
    description: str = "",
    population_ids: PersonIds | None = None,
    person_column: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    allow_duplicates: bool = False,
    limits: Limits | None = None,
) -> tuple[ExternalTable, ExternalReport]:
    """Read, validate and write in one step: the `ExternalTable` for extraction and the
    report (with the population counts when `population_ids` is given)."""
    check_table_name(table_name)
    data = read_external(
        root,
        name,
        person_column=person_column,
        encoding=encoding,
        delimiter=delimiter,
        allow_duplicates=allow_duplicates,
        limits=limits,
    )
    report = data.report.matched(population_ids) if population_ids is not None else data.report
    return data.write(destination, name=table_name, description=description), report
