"""Verification of Parquet data against metadata: every violation with its count and examples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fivesafes.metadata import Register, register_from_dict, verify_register
from tests.metadata.helpers import visits_doc

D = dt.date
REG: Register = register_from_dict(visits_doc())
SCHEMA = pa.schema(
    [
        ("visit_id", pa.int64()),
        ("pnr", pa.string()),
        ("start_date", pa.date32()),
        ("stop_date", pa.date32()),
        ("reason", pa.string()),
        ("amount", pa.float64()),
    ]
)


def rows(*items: tuple[Any, ...]) -> dict[str, list[Any]]:
    return {name: [r[i] for r in items] for i, name in enumerate(SCHEMA.names)}


GOOD = {
    2020: rows(
        (1, "0101801234", D(2020, 3, 1), D(2020, 3, 4), "A", 10.0),
        (2, "0101801234", D(2020, 5, 1), None, "OLD", None),
    ),
    2021: rows(
        (3, "0202851235", D(2021, 1, 9), D(2021, 1, 9), "NEW", 0.0),
        (4, "0202851235", D(2021, 2, 1), D(2021, 2, 3), "99", 5.5),
    ),
    2022: rows((5, "0303901236", D(2022, 7, 7), D(2022, 7, 8), "B", 1.0)),
}


def write_data(
    folder: Path, parts: dict[int, dict[str, list[Any]]], schema: pa.Schema = SCHEMA
) -> Path:
    for year, columns in parts.items():
        (folder / f"year={year}").mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.table(columns, schema=schema),
            folder / f"year={year}" / "data.parquet",
            compression="zstd",
        )
    return folder


def by_check(report: Any) -> dict[str, Any]:
    return {v.check + (f":{v.variable}" if v.variable else ""): v for v in report.violations}


def test_data_that_agree_pass(tmp_path: Path) -> None:
    report = verify_register(REG, write_data(tmp_path, GOOD))
    assert report.ok, report.to_text()
    assert (report.files, report.rows) == (3, 5)
    assert "OK" in report.to_text()


def test_overlapping_events_and_codes_outside_the_list_are_reported_with_counts_and_examples(
    tmp_path: Path,
) -> None:
    broken = dict(GOOD)
    broken[2022] = rows(
        (5, "0303901236", D(2022, 7, 7), D(2022, 7, 20), "B", 1.0),
        (
            5,
            "0303901236",
            D(2022, 7, 10),
            D(2022, 7, 12),
            "XYZ",
            1.0,
        ),  # same visit again, inside the first
        (6, "0303901236", D(2022, 8, 1), D(2022, 8, 2), "XYZ", 1.0),
        (7, "0303901236", D(2022, 9, 1), D(2022, 9, 2), "QQ", 1.0),
    )
    report = verify_register(REG, write_data(tmp_path, broken))
    found = by_check(report)
    assert set(found) == {"overlap", "code_list:reason"}
    overlap = found["overlap"]
    assert overlap.count == 1
    assert overlap.examples == [
        "visit_id=5: 2022-07-10..2022-07-12 starts before an earlier period ends (2022-07-20)"
    ]
    codes = found["code_list:reason"]
    assert codes.count == 3 and codes.examples == ["'XYZ': 2 row(s)", "'QQ': 1 row(s)"]
    text = report.to_text()
    assert "overlap" in text and "'XYZ': 2 row(s)" in text
    as_json = json.loads(report.to_json())
    assert as_json["ok"] is False and len(as_json["violations"]) == 2


def test_an_open_event_overlaps_every_later_one(tmp_path: Path) -> None:
    parts = {
        2020: rows((1, "0101801234", D(2020, 1, 1), None, "A", 1.0)),
        2021: rows((1, "0101801234", D(2021, 6, 1), D(2021, 6, 2), "A", 1.0)),
        2022: rows((2, "0101801234", D(2022, 1, 1), D(2022, 1, 1), "A", 1.0)),
    }
    assert by_check(verify_register(REG, write_data(tmp_path, parts)))["overlap"].count == 1


def test_codes_used_outside_their_validity(tmp_path: Path) -> None:
    parts = dict(GOOD)
    parts[2022] = rows((5, "0303901236", D(2022, 7, 7), D(2022, 7, 8), "OLD", 1.0))
    found = by_check(verify_register(REG, write_data(tmp_path, parts)))
    assert list(found) == ["code_validity:reason"]
    assert found["code_validity:reason"].examples == ["'OLD' on 2022-07-07..2022-07-07: 1 row(s)"]


def test_nulls_ranges_patterns_and_period_order(tmp_path: Path) -> None:
    parts = dict(GOOD)
    parts[2022] = rows(
        (5, "12345", D(2022, 7, 7), D(2022, 7, 1), None, -3.0),
        (None, "0303901236", D(2022, 8, 1), None, "A", 1.0),
    )
    found = by_check(verify_register(REG, write_data(tmp_path, parts)))
    assert found["null:visit_id"].count == 1
    assert found["value_domain:pnr"].examples == ["'12345'"]
    assert found["value_domain:amount"].count == 1
    assert found["period_order"].count == 1


def test_coverage_gaps_rows_outside_coverage_and_wrong_folders(tmp_path: Path) -> None:
    parts = {
        2020: rows((1, "0101801234", D(2020, 3, 1), D(2020, 3, 4), "A", 10.0)),
        2023: rows((9, "0101801234", D(2023, 1, 1), D(2023, 1, 2), "B", 1.0)),
        2021: rows((8, "0101801234", D(2020, 12, 1), D(2020, 12, 2), "A", 1.0)),
    }
    found = by_check(verify_register(REG, write_data(tmp_path, parts)))
    assert found["coverage"].examples == ["2023: 1 row(s)"]
    assert found["coverage_gap"].examples == ["2021", "2022"]
    assert found["coverage_gap"].counted == "years" and found["coverage"].counted == "rows"
    assert found["partition"].examples == ["year=2021: 1 row(s) of 2020"]


def test_a_period_covers_every_year_it_spans_and_an_open_one_up_to_the_last(
    tmp_path: Path,
) -> None:
    spanning = {2020: rows((1, "0101801234", D(2020, 3, 1), D(2021, 2, 1), "A", 1.0))}
    found = by_check(verify_register(REG, write_data(tmp_path / "spanning", spanning)))
    assert found["coverage_gap"].examples == ["2022"]
    still_open = {2020: rows((1, "0101801234", D(2020, 3, 1), None, "A", 1.0))}
    assert verify_register(REG, write_data(tmp_path / "open", still_open)).ok


def test_missing_extra_and_wrongly_typed_columns(tmp_path: Path) -> None:
    schema = pa.schema(
        [
            ("visit_id", pa.string()),
            ("pnr", pa.string()),
            ("start_date", pa.date32()),
            ("stop_date", pa.date32()),
            ("reason", pa.string()),
            ("colour", pa.string()),
        ]
    )
    parts = {
        y: {
            **{k: v for k, v in cols.items() if k != "amount"},
            "visit_id": [str(x) for x in cols["visit_id"]],
            "colour": ["red"] * len(cols["pnr"]),
        }
        for y, cols in GOOD.items()
    }
    found = by_check(verify_register(REG, write_data(tmp_path, parts, schema)))
    assert found["missing_column:amount"].count == 3
    assert found["extra_column:colour"].count == 3
    assert found["type:visit_id"].examples[0] == "year=2020/data.parquet: string"


def test_fixed_registers_need_unique_units_and_no_year_folders(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["temporality"] = "FIXED"
    doc["variables"] = [v for v in doc["variables"] if v.get("role") not in ("start", "stop")]
    reg = register_from_dict(doc)
    schema = pa.schema([f for f in SCHEMA if f.name not in ("start_date", "stop_date")])
    table = pa.table(
        {
            "visit_id": [1, 1, 2],
            "pnr": ["0101801234"] * 3,
            "reason": ["A", "B", "A"],
            "amount": [1.0, 2.0, 3.0],
        },
        schema=schema,
    )
    pq.write_table(table, tmp_path / "data.parquet")
    found = by_check(verify_register(reg, tmp_path))
    assert list(found) == ["duplicate"]
    assert found["duplicate"].count == 2 and found["duplicate"].examples == ["visit_id=1, rows=2"]
    (tmp_path / "year=2020").mkdir()
    pq.write_table(table.slice(2), tmp_path / "year=2020" / "data.parquet")
    assert "partition" in by_check(verify_register(reg, tmp_path))


def test_no_data_at_all(tmp_path: Path) -> None:
    report = verify_register(REG, tmp_path / "absent")
    assert not report.ok and report.violations[0].check == "no_data"


@pytest.mark.parametrize("examples", [1, 3])
def test_examples_are_limited(tmp_path: Path, examples: int) -> None:
    parts = dict(GOOD)
    parts[2022] = rows(
        *[
            (10 + i, "0101801234", D(2022, 1, 1 + i), D(2022, 1, 1 + i), f"X{i}", 1.0)
            for i in range(5)
        ]
    )
    found = by_check(verify_register(REG, write_data(tmp_path, parts), examples=examples))
    assert (
        found["code_list:reason"].count == 5 and len(found["code_list:reason"].examples) == examples
    )


def test_point_events_without_stop_are_unique_per_unit_and_day(tmp_path: Path) -> None:
    doc = visits_doc()
    doc["variables"] = [v for v in doc["variables"] if v.get("role") != "stop"]
    reg = register_from_dict(doc)
    schema = pa.schema([f for f in SCHEMA if f.name != "stop_date"])
    parts = {y: {k: v for k, v in cols.items() if k != "stop_date"} for y, cols in GOOD.items()}
    assert verify_register(reg, write_data(tmp_path, parts, schema)).ok
    parts[2022] = {k: v * 2 for k, v in parts[2022].items()}
    found = by_check(verify_register(reg, write_data(tmp_path, parts, schema)))
    assert list(found) == ["duplicate"] and found["duplicate"].examples == [
        "visit_id=5, start_date=2022-07-07, rows=2"
    ]


def test_the_command_prints_reports_and_fails_on_violations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fivesafes.metadata.cli import main
    from tests.metadata.helpers import write

    meta = write(tmp_path, "visits.json", visits_doc())
    write_data(tmp_path / "data" / "VISITS" / "1.0.0", GOOD)
    assert main(["validate", str(meta)]) == 0
    assert main(["verify", "--data", str(tmp_path / "data"), str(meta)]) == 0
    assert "OK: data agree" in capsys.readouterr().out
    broken = dict(GOOD)
    broken[2022] = rows((5, "0303901236", D(2022, 7, 7), D(2022, 7, 8), "XYZ", 1.0))
    write_data(tmp_path / "data" / "VISITS" / "1.0.0", broken)
    assert main(["verify", "--json", "--data", str(tmp_path / "data"), str(meta)]) == 1
    [report] = json.loads(capsys.readouterr().out)
    assert report["violations"][0]["check"] == "code_list"
    bad = write(tmp_path, "bad.json", "{")
    assert main(["validate", str(bad)]) == 1
    assert "bad.json: $: malformed JSON" in capsys.readouterr().err


def test_an_unreadable_file_is_a_violation_and_the_others_are_still_checked(
    tmp_path: Path,
) -> None:
    folder = write_data(tmp_path / "VISITS" / "1.0.0", GOOD)
    broken = folder / "year=2021" / "data.parquet"
    broken.write_bytes(broken.read_bytes()[:50])  # a copy cut short
    report = verify_register(REG, folder)
    found = {v.check: v for v in report.violations}
    assert found["unreadable"].count == 1 and found["unreadable"].counted == "files"
    assert found["unreadable"].examples[0].startswith("year=2021/data.parquet: ")
    assert report.files == 3 and report.rows == 3  # the two readable years
    assert set(found) == {"unreadable"}  # 2021 is still covered by 2020's open period
    assert "unreadable: files that are not readable Parquet" in report.to_text()
