"""An R batch run through the room, the way a member does it on the pages: save an R script in
the shared files, start it from the runs page, the worker runs it in the sandbox; it reads the
delivered CSV and records a crosstab through `fivesafes.analysis`' R wrapper; the run page
shows its output and verdict, and the workspace home lists the recorded output."""

from __future__ import annotations

import json

from django.urls import reverse

from fivesafes.workspace.models import Run
from tests.workspace.conftest import FAST, WorkspaceWorld, run_queued, write_data

SCRIPT = """source('/opt/fivesafes/lib/fivesafes/analysis/R/fivesafes.R')
d <- read.csv('/project/data/1/persons.csv')
cat('rows', nrow(d), '\\n')
t <- fs_crosstab(d, index = 'region', columns = 'sex', name = 'income_by_region_r')
"""


def _persons_csv() -> str:
    rows = ["id,region,sex,income"]
    for number in range(400):
        region = ("North", "South")[number % 2]
        sex = "F" if number % 3 == 0 else "M"
        rows.append(f"{number},{region},{sex},{20_000 + number * 37}")
    return "\n".join(rows) + "\n"


def test_an_r_script_run_from_the_pages_reads_the_data_and_records_an_output(
    ww: WorkspaceWorld, settings
) -> None:
    # R with the analysis wrapper needs more room than the tiny limits of the other tests.
    settings.FIVESAFES_WORKSPACE_LIMITS = {
        **FAST,
        "memory_bytes": 3 * 1024**3,
        "cpu_seconds": 30,
        "wall_seconds": 90,
    }
    write_data(ww.project, "persons.csv", _persons_csv())
    member = ww.client()
    saved = member.post(
        reverse("workspace:edit", args=[ww.project.pk, "files"]),
        {"path": "tables.R", "text": SCRIPT},
    )
    assert saved.status_code == 302, saved.content.decode()[:500]
    started = member.post(
        reverse("workspace:runs", args=[ww.project.pk]), {"script": "/project/files/tables.R"}
    )
    assert started.status_code == 302
    run = Run.objects.get()
    assert run.kind == "r" and run.state == "queued"

    run = run_queued(run)
    page = member.get(reverse("workspace:run", args=[run.pk])).content.decode()
    assert run.state == "finished", page
    assert "rows 400" in page
    assert "income_by_region_r: Would pass" in page
    record = json.loads((ww.areas().outputs / "income_by_region_r.json").read_text())
    assert record["format"] == "fivesafes.sdc.record/1"
    home = member.get(reverse("workspace:home", args=[ww.project.pk])).content.decode()
    assert "income_by_region_r" in home
