"""Distributed linking (seed 004): the scrambling-key file for a data owner, the owner's data
accepted by serial and translated to person numbers, serials never issued refused (counted,
not listed), and the key expired and deleted, verified."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from fivesafes.linkage import (
    ExternalDataError,
    ScramblingKey,
    accept_serial_data,
    delete_scrambling_key,
    draw_serials,
    expire_scrambling_keys,
    issue_scrambling_key,
    load_scrambling_key,
)
from fivesafes.linkage import scrambling as scrambling_module
from tests.linkage.helpers import PNRS, contents, write

NOW = dt.datetime(2026, 12, 5, 11, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=90)
POPULATION = [f"{day:02d}0190{n:04d}" for day in range(1, 29) for n in range(0, 50, 7)]


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    folder.mkdir()
    return folder


def issue(folder: Path, owner: str = "Cancer Registry") -> ScramblingKey:
    return issue_scrambling_key(
        POPULATION, project="P-2026-014", owner=owner, directory=folder, expires=LATER, now=NOW
    )


def key_rows(key: ScramblingKey) -> list[tuple[str, str]]:
    lines = key.path.read_text().splitlines()
    assert lines[0] == "pnr,serial"
    return [tuple(line.split(",")) for line in lines[1:]]  # type: ignore[misc]


def test_the_key_file_pairs_every_person_with_a_distinct_random_serial(keys: Path) -> None:
    key = issue(keys)
    rows = key_rows(key)
    assert [pnr for pnr, _ in rows] == sorted(POPULATION)
    serials = [serial for _, serial in rows]
    assert len(set(serials)) == len(serials) == key.persons == len(POPULATION)
    assert all(len(s) == 12 and s.isdigit() and s[0] != "0" for s in serials)
    assert serials != sorted(serials)  # the serials' order says nothing of the persons'
    assert contents(keys) == sorted([key.path.name, key.record_path.name])
    assert key.path.name.startswith("scrambling-P-2026-014-Cancer-Registry-20261205T110000-")
    assert load_scrambling_key(key.record_path) == key
    assert not key.expired(NOW) and key.expired(LATER)


def test_two_keys_for_the_same_population_share_no_pairing(keys: Path) -> None:
    first, second = issue(keys, "Registry A"), issue(keys, "Registry B")
    assert set(key_rows(first)).isdisjoint(key_rows(second))


def test_serials_drawn_alike_are_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    real = secrets.token_bytes
    calls = []

    def repeating(count: int) -> bytes:
        calls.append(count)
        return bytes(count) if len(calls) == 1 else real(count)  # first draw: all the same

    monkeypatch.setattr(scrambling_module.secrets, "token_bytes", repeating)
    serials = draw_serials(1000)
    assert len(calls) >= 2
    assert len(np.unique(serials)) == 1000
    assert serials.min() >= 10**11 and serials.max() < 10**12


@pytest.mark.parametrize(
    ("population", "words"),
    [
        ([], "empty"),
        (PNRS + [PNRS[0]], "1 person numbers appear more than once"),
        (PNRS + ["12345"], "not person numbers"),
    ],
)
def test_a_bad_population_is_refused(population: list[str], words: str, keys: Path) -> None:
    with pytest.raises(ExternalDataError, match=words):
        issue_scrambling_key(
            population, project="P", owner="O", directory=keys, expires=LATER, now=NOW
        )
    assert contents(keys) == []


def test_an_expiry_in_the_past_is_refused(keys: Path) -> None:
    with pytest.raises(ExternalDataError, match="future"):
        issue_scrambling_key(PNRS, project="P", owner="O", directory=keys, expires=NOW, now=NOW)
    assert contents(keys) == []


def owner_file(key: ScramblingKey, uploads: Path, fmt: str, *, extra: tuple[str, ...] = ()) -> Path:
    rows = key_rows(key)
    chosen = rows[:5]
    frame = pd.DataFrame(
        {
            "diagnosis": [f"C{n:02d}" for n in range(len(chosen) + len(extra))],
            "lopenr": [serial for _, serial in chosen] + list(extra),
        }
    )
    return write(frame, uploads / "owner-data", fmt)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sav", "dta", "sas7bdat"])
def test_the_owners_data_are_translated_to_person_numbers(
    fmt: str, keys: Path, uploads: Path, out: Path
) -> None:
    key = issue(keys)
    owner_file(key, uploads, fmt)
    table, report = accept_serial_data(
        key, uploads, "owner-data", out / "CANCER.parquet", table_name="CANCER", now=NOW
    )
    written = pq.read_table(table.path)
    assert written.column_names == ["pnr", "diagnosis"]
    assert written.column("pnr").to_pylist() == [pnr for pnr, _ in key_rows(key)[:5]]
    assert report.person_column == "lopenr"
    assert report.serials is not None and report.serials.received_rows == 5
    assert (report.matched_persons, report.unmatched_persons) == (5, 0)
    assert contents(out) == ["CANCER.parquet"]


def test_serials_stored_as_numbers_are_accepted(keys: Path, uploads: Path, out: Path) -> None:
    key = issue(keys)
    serials = [float(serial) for _, serial in key_rows(key)[:3]]
    write(pd.DataFrame({"serial": serials, "x": [1.0, 2.0, 3.0]}), uploads / "o.sav", "sav")
    table, _ = accept_serial_data(key, uploads, "o.sav", out / "O.parquet", table_name="O")
    assert pq.read_table(table.path).column("pnr").to_pylist() == [
        pnr for pnr, _ in key_rows(key)[:3]
    ]


def test_serials_never_issued_are_counted_not_listed(
    keys: Path, uploads: Path, untouched: Path
) -> None:
    key = issue(keys)
    foreign = ("999999999999", "123456789012")
    owner_file(key, uploads, "csv", extra=foreign)
    with pytest.raises(ExternalDataError) as caught:
        accept_serial_data(
            key, uploads, "owner-data", untouched / "C.parquet", table_name="C", now=NOW
        )
    message = str(caught.value)
    assert "2 rows carry serials that were never issued to Cancer Registry" in message
    assert not any(serial in message for serial in foreign)
    assert not any(serial in message for _, serial in key_rows(key))


def test_serials_from_another_owners_key_are_never_issued(
    keys: Path, uploads: Path, untouched: Path
) -> None:
    ours, theirs = issue(keys, "Registry A"), issue(keys, "Registry B")
    owner_file(theirs, uploads, "csv")
    with pytest.raises(ExternalDataError, match="5 rows carry serials that were never issued"):
        accept_serial_data(ours, uploads, "owner-data", untouched / "C.parquet", table_name="C")


def test_duplicated_serials_are_refused(keys: Path, uploads: Path, untouched: Path) -> None:
    key = issue(keys)
    serial = key_rows(key)[0][1]
    write(pd.DataFrame({"serial": [serial, serial], "x": ["a", "b"]}), uploads / "o.csv", "csv")
    with pytest.raises(ExternalDataError, match="1 serials appear on more than one row"):
        accept_serial_data(key, uploads, "o.csv", untouched / "C.parquet", table_name="C")


def test_person_numbers_in_the_owners_data_are_refused(
    keys: Path, uploads: Path, untouched: Path
) -> None:
    key = issue(keys)
    rows = key_rows(key)[:2]
    frame = pd.DataFrame({"serial": [s for _, s in rows], "fnr": [p for p, _ in rows]})
    write(frame, uploads / "o.csv", "csv")
    with pytest.raises(ExternalDataError) as caught:
        accept_serial_data(key, uploads, "o.csv", untouched / "C.parquet", table_name="C")
    assert caught.value.field == "column:fnr"
    assert "keyed by serial only" in caught.value.message


def test_data_without_a_serial_column_are_refused(
    keys: Path, uploads: Path, untouched: Path
) -> None:
    key = issue(keys)
    write(pd.DataFrame({"code": ["a"], "x": [1]}), uploads / "o.csv", "csv")
    with pytest.raises(ExternalDataError, match="No column holds only serials"):
        accept_serial_data(key, uploads, "o.csv", untouched / "C.parquet", table_name="C")


def test_an_expired_key_accepts_nothing(keys: Path, uploads: Path, untouched: Path) -> None:
    key = issue(keys)
    owner_file(key, uploads, "csv")
    with pytest.raises(ExternalDataError, match="expired on 2027-03-05"):
        accept_serial_data(
            key, uploads, "owner-data", untouched / "C.parquet", table_name="C", now=LATER
        )


def test_a_changed_key_file_is_refused(keys: Path, uploads: Path, untouched: Path) -> None:
    key = issue(keys)
    owner_file(key, uploads, "csv")
    key.path.write_text(key.path.read_text() + "0101011234,111111111111\n")
    with pytest.raises(ExternalDataError, match="changed since issue"):
        accept_serial_data(key, uploads, "owner-data", untouched / "C.parquet", table_name="C")


def test_the_key_is_deleted_and_that_is_verified(
    keys: Path, uploads: Path, untouched: Path
) -> None:
    key = issue(keys)
    delete_scrambling_key(key)
    assert contents(keys) == []
    delete_scrambling_key(key)  # deleting again is harmless
    with pytest.raises(ExternalDataError, match="gone"):
        accept_serial_data(key, uploads, "x", untouched / "C.parquet", table_name="C", now=NOW)


def test_a_deletion_that_leaves_the_file_is_reported(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = issue(keys)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)
    with pytest.raises(ExternalDataError, match="still there"):
        delete_scrambling_key(key)


def test_expired_keys_are_deleted_others_kept(keys: Path) -> None:
    old = issue_scrambling_key(
        PNRS, project="P", owner="Old", directory=keys, expires=NOW + dt.timedelta(days=1), now=NOW
    )
    current = issue(keys)
    deleted = expire_scrambling_keys(keys, now=NOW + dt.timedelta(days=2))
    assert deleted == [old]
    assert contents(keys) == sorted([current.path.name, current.record_path.name])
