"""Streaming Parquet output: one ParquetWriter per file, appending one row group per chunk.

Files go to OUT/SHORTNAME/VERSION/data.parquet for FIXED registers and
OUT/SHORTNAME/VERSION/year=YYYY/data.parquet for temporal ones (the year of the start variable).
Column types follow the metadata: code-list strings are dictionary-encoded (the dictionary is the
variable's codes, then its sentinels). The register modules hand over numpy arrays, and the sink
makes each the Arrow column its variable asks for. Writing happens on one background thread, so
numpy can draw the next chunk while Arrow encodes and compresses; the queue is bounded, so memory
stays flat.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fivesafes.metadata.model import CodeList, DataType, Register, Variable
from fivesafes.synthetic.timeline import year_of

MAX_PENDING = 6

# A column as the register modules give it: numpy values (for a code column, positions in its
# dictionary; for a date, day numbers; for a string, fixed-width bytes); values and a validity
# mask (null where False); or, for a date column, one day number for every row.
Column: TypeAlias = np.ndarray | tuple[np.ndarray, np.ndarray] | int | np.integer


def arrow_type(var: Variable) -> pa.DataType:
    if var.data_type is DataType.STRING:
        return (
            pa.dictionary(pa.int32(), pa.string())
            if var.value_domain.code_list is not None
            else pa.string()
        )
    return {
        DataType.INTEGER: pa.int64(),
        DataType.DECIMAL: pa.float64(),
        DataType.DATE: pa.date32(),
        DataType.BOOLEAN: pa.bool_(),
    }[var.data_type]


def arrow_schema(register: Register) -> pa.Schema:
    return pa.schema(
        [pa.field(v.name, arrow_type(v), nullable=v.nullable) for v in register.variables]
    )


def dictionary_of(
    code_list: CodeList, extra: Sequence[str] = ()
) -> tuple[pa.Array, dict[str, int]]:
    """The Arrow dictionary of a code list's codes (plus sentinels) and each code's position."""
    codes = list(dict.fromkeys([c.code for c in code_list.codes] + list(extra)))
    return pa.array(codes, type=pa.string()), {c: i for i, c in enumerate(codes)}


def code_dictionary(var: Variable) -> pa.Array:
    """The dictionary a code variable's column is written with: its codes, then its sentinels."""
    domain = var.value_domain
    assert domain.code_list is not None
    return dictionary_of(domain.code_list, [s.code for s in domain.sentinels])[0]


def fixed_strings(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A string array from a fixed-width bytes array (S10 person numbers), without Python objects."""
    values = np.ascontiguousarray(values)
    n, width = len(values), values.dtype.itemsize
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    bitmap = None
    nulls = 0
    if valid is not None:
        nulls = int(n - valid.sum())
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [bitmap, pa.py_buffer(offsets), pa.py_buffer(values.view(np.uint8))],
        null_count=nulls,
    )


def coded(indices: np.ndarray, dictionary: pa.Array, valid: np.ndarray | None = None) -> pa.Array:
    """A dictionary-encoded code column from indices into `dictionary`."""
    idx = pa.array(indices.astype(np.int32), mask=None if valid is None else ~valid)
    return pa.DictionaryArray.from_arrays(idx, dictionary)


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A date32 column from day numbers (values under `valid == False` become null)."""
    return pa.array(days.astype(np.int32), mask=None if valid is None else ~valid).view(pa.date32())


def numbers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, mask=None if valid is None else ~valid)


class RegisterSink:
    """All output files of one run, written on a background thread."""

    def __init__(self, out: Path, registers: Mapping[str, Register]):
        self.out = out
        self.registers = dict(registers)
        self.schemas = {name: arrow_schema(r) for name, r in registers.items()}
        self.dictionaries = {
            name: {v.name: code_dictionary(v) for v in r.variables if v.value_domain.code_list}
            for name, r in registers.items()
        }
        self.writers: dict[tuple[str, int | None], pq.ParquetWriter] = {}
        self.rows: dict[str, int] = dict.fromkeys(registers, 0)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet")
        self.pending: list[Future[Any]] = []
        self.lock = threading.Lock()

    def folder(self, name: str) -> Path:
        r = self.registers[name]
        return self.out / r.short_name / r.version

    def _writer(self, name: str, year: int | None) -> pq.ParquetWriter:
        key = (name, year)
        if key not in self.writers:
            folder = self.folder(name) if year is None else self.folder(name) / f"year={year}"
            folder.mkdir(parents=True, exist_ok=True)
            schema = self.schemas[name]
            dict_cols = [f.name for f in schema if pa.types.is_dictionary(f.type)]
            self.writers[key] = pq.ParquetWriter(
                folder / "data.parquet",
                schema,
                compression="zstd",
                use_dictionary=dict_cols or False,
            )
        return self.writers[key]

    def _write_now(self, name: str, table: pa.Table, year: int | None) -> None:
        self._writer(name, year).write_table(table, row_group_size=max(table.num_rows, 1))

    def _submit(self, name: str, table: pa.Table, year: int | None) -> None:
        self.rows[name] += table.num_rows
        while len(self.pending) >= MAX_PENDING:
            self.pending.pop(0).result()
        self.pending.append(self.pool.submit(self._write_now, name, table, year))

    def table(self, name: str, columns: Mapping[str, Column]) -> pa.Table:
        """A register's rows as an Arrow table: one column per variable, given in any order."""
        schema = self.schemas[name]
        rows = next(
            len(c[0] if isinstance(c, tuple) else c)
            for c in columns.values()
            if not isinstance(c, int | np.integer)
        )
        codes = self.dictionaries[name]
        arrays = [_arrow(columns[f.name], f.type, codes.get(f.name), rows) for f in schema]
        return pa.Table.from_arrays(arrays, schema=schema)

    def write(self, name: str, columns: Mapping[str, Column], year: int | None = None) -> None:
        """Append rows (one column per variable, in any order) to a register's file."""
        table = self.table(name, columns)
        if table.num_rows:
            self._submit(name, table, year)

    def write_by_year(
        self, name: str, columns: Mapping[str, Column], start_days: np.ndarray
    ) -> None:
        """Append rows of a temporal register, split into the folders of their start years."""
        years = year_of(start_days).astype(np.int16)
        table = self.table(name, columns)
        if len(years) > 1 and np.any(
            years[1:] < years[:-1]
        ):  # most callers draw rows in year order
            order = np.argsort(years, kind="stable")
            years = years[order]
            table = table.take(pa.array(order))
        bounds = np.flatnonzero(np.diff(years)) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(years)], strict=True):
            if hi > lo:
                self._submit(name, table.slice(int(lo), int(hi - lo)), int(years[lo]))

    def close(self) -> None:
        for fut in self.pending:
            fut.result()
        self.pending.clear()
        self.pool.shutdown(wait=True)
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()


def _arrow(column: Column, arrow: pa.DataType, dictionary: pa.Array | None, rows: int) -> pa.Array:
    """`column` as an array of type `arrow` (see `Column`)."""
    if isinstance(column, int | np.integer):
        column = np.full(rows, column, dtype=np.int64)
    values, valid = column if isinstance(column, tuple) else (column, None)
    if dictionary is not None:
        return coded(values, dictionary, valid)
    if arrow == pa.string():
        return fixed_strings(values, valid)
    if arrow == pa.date32():
        return dates(values, valid)
    return numbers(values, valid)
