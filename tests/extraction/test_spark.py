"""Spark (local[2]) and DuckDB run the same plan to the same files, row for row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import fivesafes.extraction.run as runner
from fivesafes.extraction import Catalogue, compile_plan, run_plan

from .conftest import FixedKeys, make_request


def test_duckdb_and_spark_deliver_identical_rows(
    spark: Any,
    catalogue: Catalogue,
    registers: Path,
    tmp_path: Path,
    keys: FixedKeys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DuckDB sorts its larger tables in buckets here (as it does large ones in production);
    Spark sorts each table whole."""
    monkeypatch.setattr(runner, "SORT_BUCKET_ROWS", 2_000)
    criteria = [
        {"variable": "RESIDENCE.municipality", "operator": "present", "on": "2015-01-01"},
        {
            "variable": "POPULATION.birth_date",
            "operator": "between",
            "values": ["1940-01-01", "2000-12-31"],
        },
        {
            "variable": "HOSPITAL.diagnosis",
            "operator": "not_in",
            "values": ["I"],
            "from": "2010-01-01",
            "to": "2015-12-31",
        },
    ]
    plan = compile_plan(
        make_request(
            [
                ("POPULATION.birth_date", 1980, 2025, "year"),
                ("POPULATION.sex", 1980, 2025),
                ("PARENTS.mother_pnr", 1980, 2025),
                ("RESIDENCE.address_id", 2014, 2015, "municipality"),
                ("RESIDENCE.household_id", 2014, 2015),
                ("INCOME.wage_income", 2013, 2016, "groups"),
                ("INCOME.disposable_income", 2015, 2016),
                ("EMPLOYMENT.enterprise_no", 2010, 2015),
                ("PRESCRIPTIONS.atc", 2012, 2015, "groups"),
                ("PRESCRIPTIONS.dispensing_date", 2012, 2015, "month"),
            ],
            criteria,
            sample_size=700,
            formats=("parquet", "csv"),
        ),
        catalogue,
    )
    duck = run_plan(plan, registers_dir=registers, output_dir=tmp_path / "duckdb", keys=keys)
    spark_result = run_plan(
        plan, registers_dir=registers, output_dir=tmp_path / "spark", keys=keys, engine="spark"
    )
    assert duck.population_size == spark_result.population_size
    names = [f.name for f in duck.files if f.name.endswith((".parquet", ".csv"))]
    assert names == [f.name for f in spark_result.files if f.name.endswith((".parquet", ".csv"))]
    for name in names:
        if name.endswith(".parquet"):
            a, b = (
                pq.read_table(tmp_path / "duckdb" / name),
                pq.read_table(tmp_path / "spark" / name),
            )
            assert a.schema.names == b.schema.names and a.schema.types == b.schema.types, name
            assert a.num_rows > 0, name
            assert a.to_pylist() == b.to_pylist(), name
        else:
            assert (tmp_path / "duckdb" / name).read_bytes() == (
                tmp_path / "spark" / name
            ).read_bytes()
    assert spark.sparkContext.master == "local[2]"
