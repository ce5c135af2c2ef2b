"""An ACRO 1.0.2 session's results, made here with ACRO itself, brought into the outputs
area as records: ACRO's status and exceptions kept as evidence, failing closed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from fivesafes.analysis import import_acro
from fivesafes.sdc.record import validate_record, verify_checksums
from tests.analysis.conftest import make_frame

_MADE: list[Path] = []


def acro_session(folder: Path) -> Path:
    """A copy of one real ACRO session (made once per test run, ACRO is slow) in `folder`."""
    if not _MADE:
        _MADE.append(_make_acro_session(Path(tempfile.mkdtemp(prefix="acro-")) / "results"))
    shutil.copytree(_MADE[0].parent, folder.parent, dirs_exist_ok=True)
    return folder.parent / _MADE[0].name


def _make_acro_session(folder: Path) -> Path:
    """A real ACRO session: a failing crosstab with an exception and a comment, a passing
    one, a regression, and a figure as a custom output; finalised as JSON into `folder`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from acro import ACRO, add_constant

    folder.parent.mkdir(parents=True, exist_ok=True)
    frame = make_frame()
    small = ACRO(suppress=False)
    small.crosstab(frame.region, frame.sex)
    small.add_exception("output_0", "W is a pilot region, published by the ministry")
    small.add_comments("output_0", "see the pilot report")
    big = frame[frame.region != "W"]
    small.crosstab(big.region, big.sex)
    small.ols(big.income, add_constant(big[["age"]]))
    figure = folder.parent / "age.png"
    plt.figure()
    plt.plot(np.arange(3))
    plt.savefig(figure)
    plt.close("all")
    small.custom_output(str(figure), "a figure of ages")
    small.finalise(str(folder), "json")
    return folder


def test_every_acro_output_becomes_a_record(tmp_path, outputs) -> None:
    folder = acro_session(tmp_path / "acro")
    result = import_acro(folder, outputs, show=False)
    by_uid = {}
    for out in result.outputs:
        record = json.loads(out.paths["record"].read_text())
        validate_record(record)
        assert verify_checksums(record)
        by_uid.setdefault(record["acro"]["uid"], []).append(record)
    assert sorted(by_uid) == ["output_0", "output_1", "output_2", "output_3"]
    failing = by_uid["output_0"][0]
    assert failing["verdict"]["status"] == "fail"
    assert failing["acro"]["status"] == "fail"
    assert failing["analysis"]["exception"] == "W is a pilot region, published by the ministry"
    assert failing["analysis"]["comments"] == ["see the pilot report"]
    assert failing["ruleset"]["name"] == "acro"
    assert failing["ruleset"]["parameters"]["safe_threshold"] == 10
    flagged = [f for f in failing["findings"] if f["rule"] == "frequency"]
    assert {"region": "W"} in [f["cell"] for f in flagged]
    # ACRO's pass is not ours: an output checker confirms it
    passing = by_uid["output_1"][0]
    assert passing["verdict"]["status"] == "review"
    assert "ACRO passed it" in passing["verdict"]["reasons"][0]
    model = by_uid["output_2"]
    assert all(r["output_type"] == "model" for r in model)
    assert any(f["values"].get("residual_dof") == 298 for r in model for f in r["findings"])
    figure = by_uid["output_3"][0]
    assert figure["output_type"] == "file" and figure["verdict"]["status"] == "review"
    assert (outputs / figure["input"]["path"]).read_bytes() == (tmp_path / "age.png").read_bytes()
    names = {p.name for p in outputs.iterdir()}
    assert "acro_output_0_0.csv" in names and "acro_output_0_0.json" in names
    assert not any("session_summary" in n for n in names)  # ACRO's notes for checkers only


def test_what_cannot_be_read_is_for_review(tmp_path, outputs) -> None:
    folder = acro_session(tmp_path / "acro")
    table = folder / "output_1_0.csv"
    table.write_text(table.read_text().replace("50", "51", 1))  # changed after ACRO's check
    result = import_acro(folder, outputs, show=False)
    changed = next(o for o in result.outputs if o.record["acro"]["uid"] == "output_1")
    assert changed.status == "review"
    assert any("changed after ACRO checked it" in r for r in changed.reasons)
    (folder / "output_0_0.csv").unlink()
    (folder / "results.json").write_text("{not json")
    again = import_acro(folder, tmp_path, show=False)
    assert again.problems and "results.json could not be read" in again.problems[0]
    assert again.outputs and {o.status for o in again.outputs} == {"review"}


def test_the_command_imports_inside_the_sandbox_shape(tmp_path, outputs) -> None:
    folder = acro_session(tmp_path / "acro")
    done = subprocess.run(
        [sys.executable, "-m", "fivesafes.analysis", "import-acro", str(folder)],
        env={"FIVESAFES_OUTPUTS": str(outputs), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("6 ACRO outputs recorded: 1 would fail")
    assert pd.read_csv(outputs / "acro_output_0_0.csv").shape[0] == 4
