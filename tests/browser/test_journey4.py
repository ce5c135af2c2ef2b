"""Journey 4 in a real browser, with the real extraction and linkage cores on a small generated
register base: an approved project whose scope names a survey; the case handler plans the
delivery (which waits for the survey), makes a one-time upload link; the survey's owner opens
it without an account, gives the agreement reference and sends the file; the case handler
starts the delivery and the worker runs it; the researcher finds the delivery on the project
page with the survey linked, reads the codebook with the survey's variables, and the data
folder holds exactly the approved registers and the survey, pseudonymised. Screenshots of
every tab are kept in test-artifacts/ when it fails."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from playwright.sync_api import expect

from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.delivery.conftest import core, dw, run_queued  # noqa: F401 - fixtures
from tests.delivery.external_world import REFERENCE, survey_csv
from tests.delivery.test_external_linking import linked  # noqa: F401 - fixture
from tests.delivery.test_with_core import registers  # noqa: F401 - fixture
from tests.projects.conftest import pw, upload_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
SURVEY = "SURVEY_OF_LIVING_CONDITIONS.parquet"


def test_journey_4_a_survey_is_linked_into_the_delivery(
    linked,  # noqa: F811
    person_page,  # noqa: F811
    page,
    request,
) -> None:
    tabs = {"owner": page}
    try:
        walk(linked, person_page, page, tabs)
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        for who, tab in tabs.items():
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{who}.png"), full_page=True)
        raise


def walk(w, person_page, owner, tabs) -> None:  # noqa: F811
    handler = tabs["handler"] = person_page(w.handler)
    handler.goto(f"/projects/{w.project.pk}/")
    handler.get_by_role("link", name="Plan a delivery from the approved scope").click()
    expect(handler.get_by_test_id("readiness")).to_contain_text("Ready")
    handler.get_by_role("button", name="Compile the plan").click()
    expect(handler.locator("#delivery-state")).to_have_text("Planned")
    # R15: it waits for the survey; no start button until the survey has arrived.
    expect(handler.get_by_role("button", name="Start the delivery")).to_have_count(0)
    handler.get_by_label("Data owner who sends the file").fill("Danish Survey Institute")
    handler.get_by_role("button", name="Make a one-time upload link").click()
    url = handler.get_by_test_id("upload-link").inner_text().strip()

    owner.goto(url)
    expect(owner.get_by_role("heading", name="Send Survey of living conditions")).to_be_visible()
    owner.get_by_label("Reference of the data-processing agreement").fill(REFERENCE)
    owner.get_by_label("The data file").set_input_files(
        {
            "name": "survey.csv",
            "mimeType": "text/csv",
            "buffer": survey_csv(w.inside + w.outside),
        }
    )
    owner.get_by_role("button", name="Send the file").click()
    expect(owner.get_by_test_id("upload-received")).to_contain_text("45 rows")
    owner.goto(url)
    expect(owner.locator("body")).to_contain_text("cannot be used")  # used once

    handler.get_by_role("link", name="Back to the delivery").click()
    expect(handler.get_by_test_id("external-state")).to_have_text(
        "Received and checked, waiting for the delivery"
    )
    expect(handler.get_by_test_id("plan")).to_contain_text(SURVEY.removesuffix(".parquet"))
    handler.get_by_role("button", name="Start the delivery").click()
    expect(handler.locator(".message.success")).to_contain_text("Delivery 1 is running.")
    delivered = run_queued(Delivery.objects.get())  # what the worker does
    assert delivered.state == "delivered", delivered.error
    expect(handler.locator("#delivery-state")).to_have_text("Delivered", timeout=10_000)
    expect(handler.get_by_test_id("delivery-file").filter(has_text=SURVEY)).to_have_count(1)

    researcher = tabs["researcher"] = person_page(w.researcher)
    researcher.goto(f"/projects/{w.project.pk}/")
    row = researcher.get_by_test_id("delivery")
    expect(row.get_by_test_id("delivery-state")).to_have_text("Delivered")
    expect(row.get_by_test_id("delivery-external")).to_contain_text(f"linked as {SURVEY}")
    expect(row).not_to_contain_text("survey.csv")
    row.get_by_role("link", name="Codebook").click()
    expect(researcher.get_by_role("heading", name="Codebook")).to_be_visible()
    expect(researcher.get_by_role("heading", name=SURVEY)).to_be_visible()
    expect(researcher.locator("body")).to_contain_text("satisfaction")

    folder = folders.delivery_dir(w.project.number, 1)
    assert sorted(p.name for p in folder.iterdir()) == [
        "INCOME.parquet",
        "POPULATION.parquet",
        SURVEY,
        "codebook.html",
        "codebook.json",
        "manifest.json",
    ]
    survey = pq.read_table(folder / SURVEY)
    assert survey.num_rows == len(w.inside)
    assert not {str(p) for p in survey.column("pnr").to_pylist()} & set(w.inside)
    assert not any(folders.external_dir(w.project.number).rglob("*.parquet"))
