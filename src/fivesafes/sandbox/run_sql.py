"""Runs a SQL file with DuckDB inside the sandbox: `python run_sql.py FILE [MEMORY_BYTES]`.

Copied into the sandbox as /opt/fivesafes/run_sql.py; it imports nothing of fivesafes (which is
not there). The database is in memory: the project's data are read from their files under
/project/data, which are mounted read-only, so nothing the SQL does can change them. Each
statement's result is printed, at most MAX_ROWS rows of it. Every delivered Parquet file
/project/data/<delivery>/<name>.parquet is also a view "<delivery>"."<name>".
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_ROWS = 1000
DATA = Path("/project/data")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main(argv: list[str]) -> int:
    import duckdb

    path = Path(argv[0])
    memory = int(argv[1]) if len(argv) > 1 else 0
    config: dict[str, str | bool | int | float | list[str]] = {
        "threads": 2,
        "temp_directory": "/tmp/duckdb",
    }
    if memory:
        # DuckDB's own limit, below the process's address-space limit, so that it spills or
        # reports "Out of Memory" instead of failing an allocation it did not expect to fail.
        # Address space is not memory used: DuckDB and the libraries it loads reserve several
        # hundred MB of it up front, hence the margin.
        budget = max(min(memory // 2, memory - 700_000_000), 64_000_000)
        config["memory_limit"] = f"{budget // 1_000_000}MB"
    con = duckdb.connect(":memory:", config=config)
    if DATA.is_dir():
        for delivery in sorted(p for p in DATA.iterdir() if p.is_dir()):
            files = sorted(delivery.glob("*.parquet"))
            if not files:
                continue
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(delivery.name)}")
            for file in files:
                literal = "'" + str(file).replace("'", "''") + "'"
                # Names and path are quoted; the SQL that follows is the researcher's anyway.
                view = f"{_quote(delivery.name)}.{_quote(file.stem)}"
                query = f"CREATE VIEW {view} AS SELECT * FROM read_parquet({literal})"  # noqa: S608
                con.execute(query)
    sql = path.read_text(encoding="utf-8")
    for number, statement in enumerate(con.extract_statements(sql), start=1):
        relation = con.sql(statement.query)
        if relation is None:
            print(f"-- statement {number}: done", flush=True)
            continue
        rows = relation.limit(MAX_ROWS + 1).fetchall()
        columns = relation.columns
        print(f"-- statement {number}", flush=True)
        print("\t".join(columns))
        for row in rows[:MAX_ROWS]:
            print("\t".join("NULL" if v is None else str(v) for v in row))
        if len(rows) > MAX_ROWS:
            print(f"-- more than {MAX_ROWS} rows: only the first {MAX_ROWS} are shown")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
