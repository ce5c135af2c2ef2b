"""One small synthetic register base shared by the tests of this folder (three chunks of persons)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from fivesafes.synthetic.generate import RunResult, generate

PERSONS = 6_000
CHUNK = 2_000
SEED = 7


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return generate(tmp_path_factory.mktemp("registers"), PERSONS, SEED, chunk_size=CHUNK)


@pytest.fixture(scope="session")
def db(base: RunResult) -> duckdb.DuckDBPyConnection:
    """DuckDB with one table per register, loaded from all its Parquet files."""
    con = duckdb.connect()
    for folder in sorted(Path(base.out).iterdir()):
        if folder.is_dir() and folder.name != "metadata":
            con.execute(
                f"CREATE TABLE {folder.name.lower()} AS SELECT * FROM "  # noqa: S608 (our own folder names)
                f"read_parquet('{folder}/*/**/*.parquet', hive_partitioning = false)"
            )
    return con
