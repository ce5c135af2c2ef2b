"""Demo data for safe outputs: the demo project's outputs area, and a release request of the
demo researcher waiting for the two demo checkers.

`ensure_demo_releases()` is idempotent. Call it after `ensure_demo_people()` (the demo project
P-2026-001 and its researcher). It writes three outputs (a table that passes, a table with a
small cell, a figure), puts the passing table and the figure into a request, submits it and
runs the automatic checks through the real services, so the figure waits for the checkers and
the small-cell table is there for the researcher to try.
"""

from __future__ import annotations

from fivesafes.accounts.models import User
from fivesafes.projects.models import Project

DEMO_PROJECT = "P-2026-001"
PASSING = "region,sex,n\nHovedstaden,F,1204\nHovedstaden,M,1187\nSjaelland,F,642\nSjaelland,M,655\n"
SMALL_CELL = "region,sex,n\nHovedstaden,F,1204\nHovedstaden,M,1187\nBornholm,F,4\nBornholm,M,61\n"
ROLES = {"region": "label", "sex": "label", "n": "frequency"}


def ensure_demo_releases() -> bool:
    """Make the demo outputs and a request waiting for checkers, once; True when made."""
    from fivesafes.release.models import ReleaseRequest
    from fivesafes.release.outputs import outputs_dir
    from fivesafes.release.services import requests

    project = Project.objects.filter(number=DEMO_PROJECT).first()
    researcher = User.objects.filter(username="researcher").first()
    if (
        project is None
        or researcher is None
        or ReleaseRequest.objects.filter(project=project).exists()
    ):
        return False
    folder = outputs_dir(project)
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    (folder / "tables" / "people_by_region.csv").write_text(PASSING)
    (folder / "tables" / "small_region.csv").write_text(SMALL_CELL)
    (folder / "figures" / "trend.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    release = requests.create(actor=researcher, project=project)
    requests.add_file(
        actor=researcher,
        release=release,
        path="tables/people_by_region.csv",
        context="Persons by region and sex, 2020",
        declarations=ROLES,
    )
    requests.add_file(
        actor=researcher,
        release=release,
        path="figures/trend.png",
        context="Mean income by year, 2010-2020",
    )
    requests.submit(actor=researcher, release=release)
    requests.run_checks(release.pk)
    return True
