"""The delivery room's part of journey 4 in a real browser (the extraction core replaced by the
contract's fake; the linking of a researcher's survey file belongs to the linkage helper): the
case handler reviews the plan and starts the delivery, the job page shows its progress and
turns to delivered by itself (htmx), the researcher finds it on the project page with its
checksums and reads the codebook, and the data folder holds the delivery."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.delivery.conftest import core, dw, run_queued  # noqa: F401 - fixtures
from tests.projects.conftest import pw, upload_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_journey_4_the_case_handler_delivers_and_the_researcher_finds_it(
    dw,  # noqa: F811
    person_page,  # noqa: F811
) -> None:
    handler = person_page(dw.handler)
    handler.goto(f"/projects/{dw.project.pk}/")
    handler.get_by_role("link", name="Plan a delivery from the approved scope").click()
    expect(handler.get_by_test_id("readiness")).to_contain_text("Ready")
    handler.get_by_label("Stata (.dta)").check()
    handler.get_by_role("button", name="Compile the plan").click()
    expect(handler.locator("#delivery-state")).to_have_text("Planned")
    expect(handler.get_by_test_id("plan")).to_contain_text("persons.birth_date 2010-2010")
    handler.get_by_role("button", name="Start the delivery").click()
    expect(handler.locator(".message.success")).to_contain_text("Delivery 1 is running.")
    expect(handler.locator("#delivery-progress")).to_contain_text("this page updates itself")

    run_queued(Delivery.objects.get())  # what the worker does
    expect(handler.locator("#delivery-state")).to_have_text("Delivered", timeout=10_000)
    expect(handler.get_by_test_id("delivery-file")).to_contain_text("PERSONS.parquet")

    researcher = person_page(dw.researcher)
    researcher.goto(f"/projects/{dw.project.pk}/")
    row = researcher.get_by_test_id("delivery")
    expect(row.get_by_test_id("delivery-state")).to_have_text("Delivered")
    delivery = Delivery.objects.get()
    expect(row).to_contain_text(delivery.files[0]["sha256"])
    row.get_by_role("link", name="Codebook").click()
    expect(researcher.get_by_role("heading", name="Codebook")).to_be_visible()

    folder = folders.delivery_dir(dw.project.number, 1)
    assert sorted(p.name for p in folder.iterdir()) == [
        "PERSONS.parquet",
        "codebook.html",
        "codebook.json",
        "manifest.json",
    ]
