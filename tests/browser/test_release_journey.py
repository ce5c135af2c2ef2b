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
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.people.conftest import authorise, certify
from tests.release.conftest import OK_TABLE, SMALL_CELL, make_project, write_output

pytestmark = pytest.mark.browser


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


def said(tab: Any, text: str) -> None:
    expect(tab.locator(".message.success")).to_contain_text(text)


def vote(tab: Any, path: str, decision: str, comment: str = "") -> None:
    card = tab.locator("section.card", has=tab.get_by_role("heading", name=path))
    card.get_by_label("Your vote").select_option(label=decision)
    if comment:
        card.get_by_label("Comment (hidden from the other checker until both have voted)").fill(
            comment
        )
    card.get_by_role("button", name=f"Vote on {path}").click()
    said(tab, f"Your vote on {path} is recorded.")


def test_journey_6_a_table_is_fixed_reviewed_released_and_downloaded(
    person_page,  # noqa: F811
    world,
    mailoutbox,
) -> None:
    from fivesafes.release.models import ReleaseRequest
    from fivesafes.release.services import release as releasing
    from fivesafes.release.services import requests

    project = world["project"]
    write_output(project, "tables/income.csv", SMALL_CELL)
    write_output(project, "figures/trend.png", b"\x89PNG\r\n\x1a\n" + bytes(32))

    researcher = person_page(world["researcher"])
    researcher.goto("/release/")
    researcher.get_by_role("button", name=f"New release request for {project.number}").click()
    said(researcher, "Release request started")
    for path, context, roles in (
        ("tables/income.csv", "People by region and sex", "region=label, sex=label, n=frequency"),
        ("figures/trend.png", "Trend of the mean income", ""),
    ):
        form = researcher.get_by_role("form", name="Add a file")
        form.get_by_label("File in the outputs area").fill(path)
        form.get_by_label("What the file shows").fill(context)
        form.get_by_label("Column roles").fill(roles)
        form.get_by_role("button", name="Add the file").click()
        said(researcher, f"{path} added.")
    researcher.get_by_role("button", name="Submit for checking").click()
    said(researcher, "Submitted: the automatic checks are running.")
    release = ReleaseRequest.objects.get()
    requests.run_checks(release.pk)  # the check job, where the worker would run it

    researcher.reload()
    expect(researcher.locator("#state")).to_contain_text("Returned to the researcher")
    expect(researcher.get_by_text("region=South, sex=F", exact=True)).to_be_visible()  # to fix
    expect(researcher.locator("#route")).to_contain_text("only 3 contributors")

    write_output(project, "tables/income.csv", OK_TABLE)  # fixed in the workspace
    card = researcher.locator(
        "section.card", has=researcher.get_by_role("heading", name="tables/income.csv")
    )
    card.get_by_text("Update tables/income.csv").click()
    card.get_by_label("What the file shows").fill("People by region and sex, small cells merged")
    card.get_by_role("button", name="Update (its reviews start again)").click()
    said(researcher, "updated")
    researcher.get_by_role("button", name="Submit for checking").click()
    requests.run_checks(release.pk)
    researcher.reload()
    expect(researcher.locator("#state")).to_contain_text("Checked: waiting for two checkers")

    first = person_page(world["checker"])
    first.goto("/release/queue/")
    first.get_by_role("link", name=release.reference).click()
    expect(first.locator("table.checked-table")).to_be_visible()  # checkers see the values
    vote(first, "tables/income.csv", "Approve")
    vote(first, "figures/trend.png", "Approve", "Axes are labelled; no small groups.")
    first.get_by_role("button", name="Submit my review").click()
    said(first, "Your review is submitted.")

    second = person_page(world["second"])
    second.goto(f"/release/requests/{release.pk}/")
    expect(second.get_by_text("1 vote hidden until both checkers have voted").first).to_be_visible()
    expect(second.get_by_text("Axes are labelled")).to_have_count(0)
    vote(second, "tables/income.csv", "Approve")
    vote(second, "figures/trend.png", "Approve")
    expect(second.get_by_text("Axes are labelled; no small groups.")).to_be_visible()
    second.get_by_role("button", name="Submit my review").click()
    said(second, "Your review is submitted.")
    first.reload()
    first.get_by_role("button", name="Approve the release").click()
    said(first, "Approved: the files are released in the next batch.")

    releasing.run_batch()  # the five-minute batch
    (mail,) = mailoutbox
    assert mail.to == [world["researcher"].email]
    assert {name for name, _content, _type in mail.attachments} == {"income.csv", "trend.png"}

    researcher.goto("/release/")
    with researcher.expect_download() as download:
        researcher.get_by_role("link", name="Download").first.click()
    path = download.value.path()
    assert path is not None
    content = open(path, "rb").read()  # noqa: SIM115 - a temporary file of Playwright's
    assert content in (OK_TABLE.encode(), b"\x89PNG\r\n\x1a\n" + bytes(32))
