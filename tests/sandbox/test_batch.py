"""Batch runs: a Python script, a SQL file over the data (DuckDB, read-only), an R script."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fivesafes.sandbox import GB, Stop
from tests.sandbox.conftest import FAST, Ran, World

# DuckDB reserves address space up front; RLIMIT_AS counts it (docs/workspace/sandbox.md).
SQL_LIMITS = replace(FAST, memory_bytes=int(1.5 * GB))


def test_a_python_run_reports_its_resources(run: Callable[..., Ran]) -> None:
    ran = run(
        "import os\n"
        "block = bytearray(80_000_000)\n"
        "for i in range(0, len(block), 4096):\n"
        "    block[i] = 1\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    x = 0\n"
        "    for i in range(3_000_000):\n"
        "        x += i\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "print('done')\n"
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert ran.result.exit_code == 0
    assert ran.result.max_rss_bytes > 80_000_000
    assert ran.result.cpu_seconds > 0.1  # the child's loop is counted too
    assert ran.result.as_dict()["words"] == "finished"


def test_a_failing_script_is_reported_with_its_exit_code(run: Callable[..., Ran]) -> None:
    ran = run("import sys\nprint('oops', file=sys.stderr)\nsys.exit(3)\n")
    assert ran.result.stop is Stop.FAILED
    assert ran.result.words == "failed with exit code 3"
    assert "oops" in ran.lines


def test_a_sql_file_reads_the_data_and_cannot_write_it(
    run: Callable[..., Ran], world: World
) -> None:
    import duckdb

    target = world.areas.data / "d1" / "persons.parquet"
    relation = duckdb.sql("SELECT range AS id, range % 3 AS kommune FROM range(2000)")
    assert relation is not None
    relation.write_parquet(str(target))
    target.chmod(0o644)
    ran = run(
        "SELECT kommune, count(*) AS n FROM d1.persons GROUP BY kommune ORDER BY kommune;\n"
        "SELECT count(*) FROM read_parquet('/project/data/d1/persons.parquet');\n",
        kind="sql",
        limits=SQL_LIMITS,
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "0\t667" in ran.lines and "2000" in ran.lines
    ran = run(
        "COPY (SELECT 1 AS x) TO '/project/data/d1/new.parquet';\n",
        kind="sql",
        name="write.sql",
        limits=SQL_LIMITS,
    )
    assert ran.result.stop is Stop.FAILED, ran.text
    assert "Read-only file system" in ran.text
    assert not (world.areas.data / "d1" / "new.parquet").exists()


def test_an_r_script_runs_in_the_sandbox(run: Callable[..., Ran]) -> None:
    ran = run(
        "d <- read.csv('/project/data/d1/persons.csv', comment.char = '#')\n"
        "cat('total', sum(d$income), '\\n')\n"
        "ok <- tryCatch({ writeLines('x', '/project/data/d1/r.txt'); 'WROTE' },\n"
        "               warning = function(w) 'refused', error = function(e) 'refused')\n"
        "cat('write', ok, '\\n')\n"
        "con <- tryCatch(socketConnection('1.1.1.1', 53, timeout = 3), \n"
        "                warning = function(w) NULL, error = function(e) NULL)\n"
        "cat('network', if (is.null(con)) 'refused' else 'REACHED', '\\n')\n",
        kind="r",
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "total 300 " in ran.lines
    assert "write refused " in ran.lines
    assert "network refused " in ran.lines
