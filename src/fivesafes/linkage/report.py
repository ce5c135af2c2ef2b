"""What validation found in an external file, in counts only: rows, columns and their types,
duplicated person numbers, and (after `matched`) how many of the file's persons are in the
project's population and how many match nobody. No identifier is ever listed; the person
numbers the counts come from are kept off the report's printed form and its dictionary."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fivesafes.linkage.errors import ExternalDataError
from fivesafes.linkage.formats import FORMAT_WORDS

PersonIds: TypeAlias = Iterable[str] | pa.Array | pa.ChunkedArray | np.ndarray


@dataclass(frozen=True)
class ColumnReport:
    """A variable of the file: its name, its type in the delivery, how many values missing."""

    name: str
    type: str
    missing: int


@dataclass(frozen=True)
class SerialCounts:
    """Distributed linking: serials issued to the owner and rows received keyed by them."""

    issued: int
    received_rows: int


@dataclass(frozen=True)
class ExternalReport:
    """The validation of one external file. `duplicated_persons`: person numbers on more than
    one row; `duplicated_rows`: the rows beyond the first of each. The population counts are
    None until `matched(population_ids)`."""

    format: str
    rows: int
    person_column: str
    columns: tuple[ColumnReport, ...]
    persons: int
    duplicated_persons: int
    duplicated_rows: int
    encoding: str | None = None
    delimiter: str | None = None
    population: int | None = None
    matched_persons: int | None = None
    unmatched_persons: int | None = None
    unmatched_rows: int | None = None
    serials: SerialCounts | None = None

    def with_keys(self, keys: pa.ChunkedArray | pa.Array) -> ExternalReport:
        """The report holding the file's person numbers for `matched`, outside its fields:
        they never reach `repr`, `dataclasses.asdict`, `as_dict` or a pickle."""
        object.__setattr__(self, "_keys", keys)
        return self

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_keys"}

    def matched(self, population_ids: PersonIds) -> ExternalReport:
        """The report with the counts against the project's population: persons of the file
        in it, persons (and their rows) matching nobody. Counts only."""
        keys = getattr(self, "_keys", None)
        if keys is None:
            raise ExternalDataError("population", "The report holds no person numbers.")
        population = person_array(population_ids)
        inside = pc.is_in(keys, value_set=population)
        matched_rows = int(pc.sum(inside).as_py() or 0)
        distinct_in = pc.unique(keys.filter(inside))
        return dataclasses.replace(
            self,
            population=len(pc.unique(population)),
            matched_persons=len(distinct_in),
            unmatched_persons=self.persons - len(distinct_in),
            unmatched_rows=self.rows - matched_rows,
        ).with_keys(keys)

    def as_dict(self) -> dict[str, Any]:
        """The counts and column types, for the audit record and the staff page (no
        identifiers)."""
        data = dataclasses.asdict(self)
        data["columns"] = [dataclasses.asdict(column) for column in self.columns]
        return data

    def describe(self) -> list[str]:
        """The report in sentences."""
        lines = [f"{FORMAT_WORDS.get(self.format, self.format)} file"]
        if self.encoding:
            lines[0] += f", encoding {self.encoding}"
        lines.append(f"{self.rows} rows, {self.persons} persons (column {self.person_column})")
        lines.append(
            "Variables: " + (", ".join(f"{c.name} ({c.type})" for c in self.columns) or "none")
        )
        if self.duplicated_persons:
            lines.append(
                f"{self.duplicated_persons} person numbers appear on more than one row "
                f"({self.duplicated_rows} extra rows)"
            )
        if self.serials:
            lines.append(
                f"{self.serials.received_rows} rows received keyed by serial; "
                f"{self.serials.issued} serials issued"
            )
        if self.matched_persons is not None:
            lines.append(
                f"{self.matched_persons} persons are in the project's population of "
                f"{self.population}; {self.unmatched_persons} persons "
                f"({self.unmatched_rows} rows) match nobody in it"
            )
        return lines


def person_array(ids: PersonIds) -> pa.Array:
    """Person numbers as an Arrow string array (from strings, an Arrow array or a NumPy
    array of bytes or strings)."""
    if isinstance(ids, pa.ChunkedArray):
        array = ids.combine_chunks()
    elif isinstance(ids, pa.Array):
        array = ids
    elif isinstance(ids, np.ndarray) and ids.dtype == np.dtype("S10"):
        data = pa.py_buffer(np.ascontiguousarray(ids).tobytes())
        array = pa.FixedSizeBinaryArray.from_buffers(pa.binary(10), len(ids), [None, data])
        array = pc.utf8_rtrim(array.cast(pa.string()), characters="\x00")
    elif isinstance(ids, np.ndarray):
        array = pa.array(ids)
    else:
        array = pa.array(list(ids), type=pa.string())
    if pa.types.is_binary(array.type) or pa.types.is_large_binary(array.type):  # NumPy bytes
        array = array.cast(pa.string())
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        raise ExternalDataError("population", "Person numbers must be given as text.")
    return array.cast(pa.string())
