"""The register base as extraction sees it: each register's metadata, its Parquet files (one,
or one per year for temporal registers) and their rows and bytes, read from the Parquet footers
so that plans can be estimated without reading data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from fivesafes.metadata.loader import load_registers
from fivesafes.metadata.model import Register, Role, SubjectArea, Temporality, Variable
from fivesafes.metadata.population import CatalogueEntry, CodeEntry

YEAR_FOLDER = re.compile(r"^year=(\d{4})$")


@dataclass(frozen=True)
class DataFile:
    path: str  # relative to the registers folder
    year: int | None
    rows: int
    bytes: int


@dataclass(frozen=True)
class RegisterData:
    register: Register
    files: tuple[DataFile, ...]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def files_for(self, first: int | None, last: int | None) -> tuple[DataFile, ...]:
        """The files of the years first..last (every file of a fixed register)."""
        if first is None or last is None:
            return self.files
        return tuple(f for f in self.files if f.year is None or first <= f.year <= last)

    def rows_in(self, first: int | None, last: int | None) -> int:
        return sum(f.rows for f in self.files_for(first, last))


@dataclass(frozen=True)
class Catalogue:
    """Registers by short name, with their files."""

    registers: Mapping[str, RegisterData] = field(default_factory=dict)

    def register(self, name: str) -> RegisterData:
        return self.registers[name]

    def variable(self, label: str) -> tuple[Register, Variable]:
        """The register and variable of "REGISTER.name" (KeyError if unknown)."""
        register, _, name = label.partition(".")
        data = self.registers[register]
        return data.register, data.register.variable(name)

    def unit_column(self, register: Register, unit: str) -> Variable | None:
        """The column of `register` that names a unit of type `unit`: its identifier if the
        register describes that unit, else the first measure linking to it."""
        if register.unit_type == unit:
            return register.identifier
        for var in register.variables:
            if var.links_to == unit and var.role is Role.MEASURE:
                return var
        return None

    def base_register(self, unit: str) -> Register | None:
        """The fixed register with one row per unit of the type (POPULATION for persons): the
        one named POPULATION or in the population subject area first, then the largest."""
        candidates = [
            d
            for d in self.registers.values()
            if d.register.unit_type == unit and d.register.temporality is Temporality.FIXED
        ]
        if not candidates:
            return None
        best = min(
            candidates,
            key=lambda d: (
                d.register.short_name != "POPULATION",
                d.register.subject_area is not SubjectArea.POPULATION,
                -d.rows,
                d.register.short_name,
            ),
        )
        return best.register

    def entries(self) -> dict[str, CatalogueEntry]:
        """What the population rules need to know of each variable."""
        out: dict[str, CatalogueEntry] = {}
        for data in self.registers.values():
            r = data.register
            units = frozenset(
                {r.unit_type} | {v.links_to for v in r.variables if v.links_to is not None}
            )
            for var in r.variables:
                codes = None
                if var.value_domain.code_list is not None:
                    codes = {
                        c.code: CodeEntry(c.label.en, c.valid_from, c.valid_until, c.parent or "")
                        for c in var.value_domain.code_list.codes
                    }
                label = f"{r.short_name}.{var.name}"
                out[label] = CatalogueEntry(
                    label=label,
                    title=var.label.en,
                    data_type=var.data_type.value,
                    temporality=r.temporality.value,
                    first_year=r.time_coverage.first_year,
                    last_year=r.time_coverage.last_year,
                    units=units,
                    codes=codes,
                    directly_identifying=var.sensitivity.directly_identifying,
                    special_category=var.sensitivity.special_category,
                    business_data=var.sensitivity.business_data,
                )
        return out


def _files(root: Path, register: Register) -> tuple[DataFile, ...]:
    folder = root / register.short_name / register.version
    found: list[DataFile] = []
    if not register.partitioned_by_year:
        path = folder / "data.parquet"
        if path.exists():
            found.append(DataFile(str(path.relative_to(root)), None, _rows(path), _size(path)))
        return tuple(found)
    if not folder.is_dir():
        return ()
    for sub in sorted(folder.iterdir()):
        match = YEAR_FOLDER.match(sub.name)
        path = sub / "data.parquet"
        if match and path.exists():
            found.append(
                DataFile(str(path.relative_to(root)), int(match[1]), _rows(path), _size(path))
            )
    return tuple(found)


def _rows(path: Path) -> int:
    return int(pq.read_metadata(path).num_rows)


def _size(path: Path) -> int:
    return path.stat().st_size


def load_catalogue(registers_dir: Path) -> Catalogue:
    """The registers of `registers_dir/metadata/*.json` with their Parquet files."""
    root = Path(registers_dir)
    registers = load_registers([root / "metadata"])
    return Catalogue(registers={r.short_name: RegisterData(r, _files(root, r)) for r in registers})
