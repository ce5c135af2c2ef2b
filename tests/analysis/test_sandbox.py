"""The library inside the sandbox: a batch script (Python, and R through the wrapper) makes
a crosstab over the project's data and the record appears in the outputs area; of fivesafes,
only `fivesafes/__init__.py`, `sdc` and `analysis` are there, read-only."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace

import duckdb

from fivesafes.release.services.checks import compare_with_table
from fivesafes.sandbox import GB, Stop
from fivesafes.sandbox.bwrap import PACKAGE
from fivesafes.sdc.record import validate_record
from tests.sandbox.conftest import FAST, Ran, World, run, spawner, world  # noqa: F401

# pandas, DuckDB and statsmodels reserve address space; RLIMIT_AS counts it
ANALYSIS_LIMITS = replace(FAST, memory_bytes=3 * GB, cpu_seconds=30, wall_seconds=90)


def persons(world: World, suffix: str = "parquet") -> None:  # noqa: F811
    target = world.areas.data / "d1" / f"persons.{suffix}"
    relation = duckdb.sql(
        "SELECT range AS id, ['North', 'South'][(range % 2) + 1] AS region, "
        "CASE WHEN range % 3 = 0 THEN 'F' ELSE 'M' END AS sex FROM range(400)"
    )
    if suffix == "parquet":
        relation.write_parquet(str(target))
    else:
        relation.write_csv(str(target))
    target.chmod(0o644)


def test_a_python_batch_run_records_a_crosstab(run: Callable[..., Ran], world: World) -> None:  # noqa: F811
    persons(world)
    ran = run(
        "import pandas as pd\n"
        "from fivesafes.analysis import crosstab\n"
        "df = pd.read_parquet('/project/data/d1/persons.parquet')\n"
        "crosstab(df.region, df.sex)\n",
        limits=ANALYSIS_LIMITS,
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "crosstab_region_sex: Would pass: every rule is met" in ran.text
    assert (
        "Recorded as crosstab_region_sex.csv, crosstab_region_sex.json in /project/outputs."
        in ran.text
    )
    record_path = world.areas.outputs / "crosstab_region_sex.json"
    record = json.loads(record_path.read_text())
    validate_record(record)
    assert compare_with_table(record, world.areas.outputs / "crosstab_region_sex.csv") == []
    assert record["input"]["input_rows"] == 400


def test_an_r_batch_run_records_a_crosstab_through_the_wrapper(
    run: Callable[..., Ran],  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    persons(world, "csv")
    ran = run(
        "source('/opt/fivesafes/lib/fivesafes/analysis/R/fivesafes.R')\n"
        "d <- read.csv('/project/data/d1/persons.csv')\n"
        "t <- fs_crosstab(d, index = 'region', columns = 'sex', name = 'from_r')\n"
        "cat('cells', nrow(t), 'total', sum(t$count), '\\n')\n"
        "fs_add_comments('from_r', 'Table 1, made in R')\n",
        kind="r",
        limits=ANALYSIS_LIMITS,
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "from_r: Would pass" in ran.text
    assert "cells 4 total 400 " in ran.lines
    record = json.loads((world.areas.outputs / "from_r.json").read_text())
    validate_record(record)
    assert record["analysis"]["comments"] == ["Table 1, made in R"]
    assert not list(world.areas.outputs.glob(".writing-*"))


def test_nothing_else_of_fivesafes_is_inside(run: Callable[..., Ran], world: World) -> None:  # noqa: F811
    ran = run(
        "import os, importlib\n"
        "import fivesafes\n"
        "print('package', fivesafes.__file__)\n"
        "print('parts', sorted(os.listdir(os.path.dirname(fivesafes.__file__))))\n"
        "for name in ('fivesafes.settings', 'fivesafes.release', 'fivesafes.sandbox',\n"
        "             'fivesafes.config', 'fivesafes.pseudonymisation'):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "        print(name, 'IMPORTED')\n"
        "    except ImportError:\n"
        "        print(name, 'absent')\n"
        "try:\n"
        "    open('/opt/fivesafes/lib/fivesafes/analysis/planted.py', 'w')\n"
        "    print('library WRITABLE')\n"
        "except OSError as e:\n"
        "    print('library', e.strerror)\n"
        f"print('host source', 'VISIBLE' if os.path.lexists({str(PACKAGE)!r}) else 'absent')\n",
        limits=ANALYSIS_LIMITS,
    )
    assert ran.result.stop is Stop.FINISHED, ran.text
    assert "package /opt/fivesafes/lib/fivesafes/__init__.py" in ran.lines
    parts = next(line for line in ran.lines if line.startswith("parts "))
    assert parts == "parts ['__init__.py', 'analysis', 'sdc']"
    for name in (
        "fivesafes.settings",
        "fivesafes.release",
        "fivesafes.sandbox",
        "fivesafes.config",
    ):
        assert f"{name} absent" in ran.lines, ran.text
    assert "library Read-only file system" in ran.lines
    assert "host source absent" in ran.lines
    # Django itself is among the service venv's packages the sandbox sees (docs/decisions/
    # 0006-analysis-environment.md); without fivesafes' settings it reaches nothing of ours
    assert "IMPORTED" not in ran.text and "WRITABLE" not in ran.text


def test_the_package_root_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, fivesafes; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('fivesafes', 'django', 'pandas', 'numpy')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "['fivesafes']"
