"""The delivery room's part of journey 4 in a real browser (the extraction core replaced by the
contract's fake; the linking of a researcher's survey file belongs to the linkage helper): the
case handler reviews the plan and starts the delivery, the job page shows its progress and
turns to delivered by itself (htmx), the researcher finds it on the project page with its
checksums and reads the codebook, and the data folder holds the delivery."""

from __future__ import annotations

import pytest

from fivesafes.delivery import folders
from tests.browser import journey_steps as steps
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.delivery.conftest import core, dw, run_queued  # noqa: F401 - fixtures
from tests.projects.conftest import pw, upload_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_journey_4_the_case_handler_delivers_and_the_researcher_finds_it(
    dw,  # noqa: F811
    person_page,  # noqa: F811
) -> None:
    steps.deliver(
        person_page(dw.handler),
        person_page(dw.researcher),
        dw.project,
        plan_shows="persons.birth_date 2010-2010",
        file="PERSONS.parquet",
        copies=("Stata (.dta)",),
    )

    folder = folders.delivery_dir(dw.project.number, 1)
    assert sorted(p.name for p in folder.iterdir()) == [
        "PERSONS.parquet",
        "codebook.html",
        "codebook.json",
        "manifest.json",
    ]
