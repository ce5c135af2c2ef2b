"""`python -m fivesafes.analysis` as the R wrapper and a researcher's shell use it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fivesafes.analysis import Session
from fivesafes.sdc.record import validate_record, verify_checksums


def analysis(outputs: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fivesafes.analysis", *args],
        env={"FIVESAFES_OUTPUTS": str(outputs), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_run_records_an_output_and_copies_its_table(outputs, frame, tmp_path) -> None:
    data = tmp_path / "persons.parquet"
    frame.to_parquet(data)
    done = analysis(
        outputs, "run", "crosstab", "--data", str(data), "--index", "region", "--columns",
        "sex", "--table-out", str(tmp_path / "back.csv"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("crosstab_region_sex: Would fail")
    assert (tmp_path / "back.csv").read_bytes() == (
        outputs / "crosstab_region_sex.csv"
    ).read_bytes()
    refused = analysis(outputs, "run", "crosstab", "--data", str(data), "--index", "nope")
    assert refused.returncode == 2
    assert refused.stderr.startswith("Not recorded: ") and "nope" in refused.stderr


def test_a_comment_and_an_exception_reach_an_output_of_an_earlier_run(outputs, frame) -> None:
    Session(outputs, show=False).crosstab(frame.region, frame.sex)
    assert analysis(outputs, "comment", "crosstab_region_sex", "Table 2").returncode == 0
    done = analysis(outputs, "exception", "crosstab_region_sex", "W is published yearly")
    assert done.returncode == 0, done.stderr
    record = json.loads((outputs / "crosstab_region_sex.json").read_text())
    validate_record(record)
    assert verify_checksums(record)
    assert record["analysis"]["comments"] == ["Table 2"]
    assert record["analysis"]["exception"] == "W is published yearly"
    missing = analysis(outputs, "comment", "no_such_table", "x")
    assert missing.returncode == 2 and "no output 'no_such_table'" in missing.stderr
