"""Journey 6 of the mission in a real browser, each person in their own browser.

The researcher asks to release a table and a figure from the project's outputs area; the
automatic checks flag one cell (marked in the table); the researcher fixes the table in the
workspace and updates the file; the figure needs review, so two checkers vote (each sees only
their own vote until both are in) and one approves; the five-minute batch releases the files
and mails them to the researcher, who downloads the table. (The worker is not running: the
test runs the check job's and the batch's bodies where the worker would.)
"""

from __future__ import annotations

from typing import Any

import pytest

from fivesafes.policy.permissions import Role
from tests.browser import journey_steps as steps
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.people.conftest import authorise, certify
from tests.release.conftest import OK_TABLE, SMALL_CELL, make_project, write_output

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
FILES = [
    ("tables/income.csv", "People by region and sex", "region=label, sex=label, n=frequency"),
    ("figures/trend.png", "Trend of the mean income", ""),
]


@pytest.fixture
def world(make_user, settings, tmp_path) -> dict[str, Any]:
    from fivesafes.people.services import researchers
    from tests.conftest import use_file_store

    settings.DATA_DIR = tmp_path
    use_file_store(settings, tmp_path / "files")
    settings.FIVESAFES_RELEASE_SAMPLE_RATE = 0.0
    settings.FIVESAFES_RELEASE_RISK_SAMPLE_RATE = 0.0
    settings.FIVESAFES_RELEASE_AFTER_REVIEW_RATE = 0.0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = {
        "case_handler": make_user(Role.CASE_HANDLER, username="handler"),
        "approver": make_user(Role.APPROVER, username="chief"),
        "secretary": make_user(Role.SECRETARY, username="clerk"),
    }
    manager = make_user(Role.INSTITUTION_MANAGER, username="head")
    researcher = make_user(Role.RESEARCHER, username="ida")
    case = authorise(manager=manager, **staff)
    researchers.attach(actor=manager, institution=case.institution, researcher=researcher)
    certify(researcher)
    project = make_project("P-2026-006", case.institution, researcher)
    return {
        "researcher": researcher,
        "project": project,
        "checker": make_user(Role.OUTPUT_CHECKER, username="olga"),
        "second": make_user(Role.OUTPUT_CHECKER, username="oskar"),
    }


def test_journey_6_a_table_is_fixed_reviewed_released_and_downloaded(
    person_page,  # noqa: F811
    world,
    mailoutbox,
) -> None:
    project = world["project"]
    write_output(project, "tables/income.csv", SMALL_CELL)
    write_output(project, "figures/trend.png", PNG)

    researcher = person_page(world["researcher"])
    release = steps.ask_to_release(researcher, project, FILES)
    steps.flagged_cell_is_fixed(
        researcher,
        project,
        release,
        path="tables/income.csv",
        cell="region=South, sex=F",
        reason="only 3 contributors",
        fixed=OK_TABLE,
    )
    steps.two_checkers_approve(
        person_page(world["checker"]),
        person_page(world["second"]),
        release,
        ["tables/income.csv", "figures/trend.png"],
    )
    steps.released_mailed_and_downloaded(
        researcher,
        mailoutbox,
        world["researcher"],
        {"income.csv": OK_TABLE.encode(), "trend.png": PNG},
    )
