"""Distributed linking (seed 004): for a named data owner, a scrambling-key file of the
project's population, each person number with a random serial (12 digits, drawn with
`secrets`, no two alike, in no order that reflects the person numbers); the owner's data come
back keyed by serial and are translated to person numbers here; serials never issued are
refused (counted, never listed). The key file expires and is deleted, and the deletion is
verified.

Next to the key file `<name>.csv` lies `<name>.json`: project, owner, when issued and until
when valid, how many persons, the SHA-256 of the key file (checked before it is used)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from fivesafes.linkage.errors import ExternalDataError
from fivesafes.linkage.external import check_table_name, keyed_by_person, read_raw
from fivesafes.linkage.limits import Limits
from fivesafes.linkage.output import atomic_path
from fivesafes.linkage.report import ExternalReport, PersonIds, SerialCounts, person_array
from fivesafes.linkage.tables import ExternalTable
from fivesafes.linkage.validate import (
    PERSON,
    SERIAL,
    columns_of_kind,
    duplicates,
    find_key_column,
    key_values,
)

SERIAL_LOW = 10**11
SERIAL_SPAN = 9 * 10**11
_ACCEPT_BELOW = (2**64 // SERIAL_SPAN) * SERIAL_SPAN  # rejection sampling: no modulo bias


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise ValueError("Times must carry a time zone.")
    return moment


def _slug(value: str, field: str) -> str:
    if not value or not value.strip() or any(ord(c) < 32 for c in value) or len(value) > 200:
        raise ExternalDataError(field, f"The {field} must be a name of 1 to 200 characters.")
    return re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-")[:40] or "x"


@dataclass(frozen=True)
class ScramblingKey:
    """An issued scrambling-key file: for whom, for which project, valid until when."""

    project: str
    owner: str
    path: Path
    issued: dt.datetime
    expires: dt.datetime
    persons: int
    sha256: str

    @property
    def record_path(self) -> Path:
        return self.path.with_suffix(".json")

    def expired(self, now: dt.datetime | None = None) -> bool:
        return _now(now) >= self.expires

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "owner": self.owner,
            "file": self.path.name,
            "issued": self.issued.isoformat(),
            "expires": self.expires.isoformat(),
            "persons": self.persons,
            "sha256": self.sha256,
        }


def load_scrambling_key(record: Path) -> ScramblingKey:
    """The key described by its record `<name>.json`."""
    data = json.loads(Path(record).read_text(encoding="utf-8"))
    return ScramblingKey(
        project=data["project"],
        owner=data["owner"],
        path=Path(record).with_name(data["file"]),
        issued=dt.datetime.fromisoformat(data["issued"]),
        expires=dt.datetime.fromisoformat(data["expires"]),
        persons=int(data["persons"]),
        sha256=data["sha256"],
    )


def _first_occurrences(values: np.ndarray) -> np.ndarray:
    """`values` without the later copies of a repeated value, in their order."""
    ordered = np.sort(values)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):
        return values
    keep = ~np.isin(values, repeated)
    positions = np.flatnonzero(~keep)
    _, first = np.unique(values[positions], return_index=True)
    keep[positions[first]] = True
    return values[keep]


def draw_serials(count: int) -> np.ndarray:
    """`count` distinct random 12-digit serials (int64) from `secrets`, in the order drawn
    (values drawn twice are dropped and drawn again)."""
    serials = np.empty(0, dtype=np.int64)
    while len(serials) < count:
        need = count - len(serials)
        raw = np.frombuffer(secrets.token_bytes(8 * (need + need // 8 + 8)), dtype=np.uint64)
        raw = raw[raw < np.uint64(_ACCEPT_BELOW)]
        fresh = (raw % np.uint64(SERIAL_SPAN)).astype(np.int64) + SERIAL_LOW
        serials = _first_occurrences(np.concatenate([serials, fresh]))[:count]
    return serials


def _population(population_ids: PersonIds) -> pa.Array:
    """The population's person numbers, checked (10 digits, none twice), sorted."""
    ids = person_array(population_ids)
    if len(ids) == 0:
        raise ExternalDataError("population", "The population is empty.")
    key_values(pa.table({"pnr": ids}), "pnr", PERSON)
    numbers = np.sort(pc.cast(ids, pa.int64()).to_numpy())
    repeated = int(np.count_nonzero(numbers[1:] == numbers[:-1]))
    if repeated:
        raise ExternalDataError(
            "population", f"{repeated} person numbers appear more than once in the population."
        )
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=10, padding="0")


def _write_record(key: ScramblingKey) -> None:
    with atomic_path(key.record_path) as temporary:
        temporary.write_text(json.dumps(key.as_dict(), indent=2), encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def issue_scrambling_key(
    population_ids: PersonIds,
    *,
    project: str,
    owner: str,
    directory: Path,
    expires: dt.datetime,
    now: dt.datetime | None = None,
) -> ScramblingKey:
    """Write the scrambling-key file `pnr,serial` for `owner` over the project's population
    (sorted by person number; serials random), atomically, with its record. Refuses an empty
    population, one with repeated or malformed person numbers, and an expiry in the past."""
    issued = _now(now)
    if _now(expires) <= issued:
        raise ExternalDataError("expires", "The expiry must lie in the future.")
    name = f"scrambling-{_slug(project, 'project')}-{_slug(owner, 'owner')}"
    ids = _population(population_ids)
    serials = pa.array(draw_serials(len(ids))).cast(pa.string())
    stamp = issued.strftime("%Y%m%dT%H%M%S")
    path = Path(directory) / f"{name}-{stamp}-{secrets.token_hex(4)}.csv"
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        handle.write(b"pnr,serial\n")
        pacsv.write_csv(pa.table({"pnr": ids, "serial": serials}), handle, options)
    key = ScramblingKey(
        project=project,
        owner=owner,
        path=path,
        issued=issued,
        expires=_now(expires),
        persons=len(ids),
        sha256=_sha256(path),
    )
    try:
        _write_record(key)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return key


def _issued(key: ScramblingKey) -> tuple[pa.Array, pa.Array]:
    if not key.path.is_file() or key.path.is_symlink():
        raise ExternalDataError("serial", "The scrambling-key file is gone (expired or deleted).")
    if _sha256(key.path) != key.sha256:
        raise ExternalDataError("serial", "The scrambling-key file has changed since issue.")
    table = pacsv.read_csv(
        key.path,
        convert_options=pacsv.ConvertOptions(
            column_types={"pnr": pa.string(), "serial": pa.string()}
        ),
    )
    return table.column("serial").combine_chunks(), table.column("pnr").combine_chunks()


def accept_serial_data(
    key: ScramblingKey,
    root: Path,
    name: str | os.PathLike[str],
    destination: Path,
    *,
    table_name: str,
    description: str = "",
    serial_column: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    allow_duplicates: bool = False,
    now: dt.datetime | None = None,
    limits: Limits | None = None,
) -> tuple[ExternalTable, ExternalReport]:
    """The owner's file (any accepted format) keyed by serial, translated to person numbers
    and written as the validated Parquet. Refused: an expired or missing key; no serial
    column, or several; serials never issued (counted); serials on several rows (counted,
    unless `allow_duplicates`); any column of person numbers (the owner sends serials only)."""
    check_table_name(table_name)
    if key.expired(now):
        raise ExternalDataError(
            "serial",
            f"The scrambling key for {key.owner} expired on {key.expires.isoformat()}; "
            "data keyed by it are not accepted. Issue a new key.",
        )
    serials_issued, persons = _issued(key)
    raw = read_raw(root, name, encoding=encoding, delimiter=delimiter, limits=limits)
    column = find_key_column(raw.table, SERIAL, serial_column)
    serials = key_values(raw.table, column, SERIAL)
    identifying = [c for c in columns_of_kind(raw.table, PERSON) if c != column]
    if identifying:
        raise ExternalDataError(
            f"column:{identifying[0]}",
            f"The columns {', '.join(identifying)} hold person numbers; data for distributed "
            "linking are keyed by serial only. Remove them.",
        )
    index = pc.index_in(serials, value_set=serials_issued)
    unknown = index.null_count
    if unknown:
        raise ExternalDataError(
            f"column:{column}",
            f"{unknown} rows carry serials that were never issued to {key.owner} for this project.",
        )
    _, repeated, extra_rows = duplicates(serials)
    if repeated and not allow_duplicates:
        raise ExternalDataError(
            f"column:{column}",
            f"{repeated} serials appear on more than one row ({extra_rows} rows more than one "
            "per serial).",
        )
    taken = pc.take(persons, index)
    pnr = taken if isinstance(taken, pa.ChunkedArray) else pa.chunked_array([taken])
    data = keyed_by_person(
        raw,
        pnr,
        column,
        allow_duplicates=allow_duplicates,
        extra={"serials": SerialCounts(issued=key.persons, received_rows=raw.table.num_rows)},
    )
    table = data.write(destination, name=table_name, description=description)
    return table, data.report.matched(persons)


def delete_scrambling_key(key: ScramblingKey) -> None:
    """Delete the key file and its record, then check that neither is left (refused with
    `ExternalDataError` if one is)."""
    for path in (key.path, key.record_path):
        path.unlink(missing_ok=True)
    left = [p.name for p in (key.path, key.record_path) if p.exists() or p.is_symlink()]
    if left:
        raise ExternalDataError("serial", f"The files {', '.join(left)} are still there.")


def expire_scrambling_keys(directory: Path, now: dt.datetime | None = None) -> list[ScramblingKey]:
    """Delete every expired key in `directory` (verified); the keys deleted."""
    moment = _now(now)
    deleted = []
    for record in sorted(Path(directory).glob("scrambling-*.json")):
        key = load_scrambling_key(record)
        if key.expired(moment):
            delete_scrambling_key(key)
            deleted.append(key)
    return deleted
