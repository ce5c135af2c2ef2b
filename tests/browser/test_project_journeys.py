"""Journeys 3 and 7 of the mission in a real browser, each person in their own browser.

Journey 3: the researcher browses the catalogue, puts variables in the data basket, writes an
application with justifications and a population over catalogue variables, sees the automatic
findings, submits; a case handler takes the case, reviews and recommends; a second person
approves; the institution's manager accepts the quote and downloads the invoice.
Journey 7: a publication is registered, the daily job reminds and then closes the project,
access ends, the deletion and the scrutiny are recorded.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivesafes.audit.presentation import in_words
from fivesafes.policy.permissions import Role
from tests.browser import journey_steps as steps
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures
from tests.people.conftest import authorise, certify

pytestmark = pytest.mark.browser


@pytest.fixture
def people(make_user) -> dict[str, Any]:
    from fivesafes.people.services import researchers

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
    return {"manager": manager, "researcher": researcher, **staff}


def test_journey_3_application_to_accepted_quote(
    person_page,  # noqa: F811
    people,
    catalogue,  # noqa: F811
    tmp_path,
) -> None:
    today = timezone.localdate()
    r = person_page(people["researcher"])
    application_url = steps.apply_for_a_project(
        r, tmp_path, title="Sex differences in life courses", starts_on=today + timedelta(days=14)
    )
    h = person_page(people["case_handler"])
    a = person_page(people["approver"])
    steps.review_and_approve(h, a, r, application_url, "handler")
    m = person_page(people["manager"])
    steps.quote_accepted_and_invoiced(h, m, person_page(people["secretary"]), r, application_url)

    # The project page shows the timeline.
    m.get_by_role("link", name="P-").first.click()
    expect(m.get_by_role("heading", level=1)).to_contain_text("Sex differences in life courses")
    expect(m.get_by_text(in_words("quote.accepted"), exact=True).first).to_be_visible()


@pytest.fixture
def running_project(people) -> Any:
    """An approved project that started yesterday, with the researcher's signed agreement."""
    from fivesafes.data.models import BasketItem
    from fivesafes.people.services import agreements
    from fivesafes.projects.models import Application
    from fivesafes.projects.services import applications as service
    from fivesafes.projects.services import decisions
    from tests.projects.conftest import complete, make_catalogue

    researcher = people["researcher"]
    variables = make_catalogue()
    BasketItem.objects.create(
        user=researcher, variable=variables["income"], first_year=2010, last_year=2020
    )
    institution = researcher.attachments.get().institution
    draft = service.create_draft(actor=researcher, institution=institution, title="Incomes")
    complete(draft, researcher)
    today = timezone.localdate()
    service.update(
        actor=researcher,
        application=draft,
        changes={"starts_on": today, "ends_on": today + timedelta(days=20)},
    )
    for name, actor in (("submit", researcher), ("start_review", people["case_handler"])):
        decisions.take_step(actor=actor, application=draft, step=name)
    decisions.take_step(
        actor=people["case_handler"], application=draft, step="recommend", note="Fine."
    )
    decisions.take_step(actor=people["approver"], application=draft, step="approve")
    project = Application.objects.get(pk=draft.pk).project
    agreement = agreements.create(
        actor=people["manager"],
        researcher=researcher,
        project=project,
        starts_on=today,
        ends_on=project.ends_on,
        allowed_networks="127.0.0.1\n::1",
    )
    agreements.sign(actor=researcher, agreement=agreement)
    agreements.countersign(actor=people["manager"], agreement=agreement)
    return project


def test_journey_7_project_ends_data_deleted_publication_scrutinised(
    person_page,  # noqa: F811
    people,
    running_project,
    tmp_path,
    settings,
) -> None:
    settings.DATA_DIR = tmp_path
    project = running_project
    r = person_page(people["researcher"])
    r.goto(f"/people/projects/{project.pk}/")
    expect(r.get_by_role("heading", level=1)).to_contain_text(project.number)

    steps.register_publication(r, project)
    # The project page shows the approved population in words.
    expect(r.get_by_test_id("population")).to_contain_text(
        "persons.income is recorded on 2010-01-01"
    )
    steps.daily_job_reminds_and_closes(r, project)
    steps.deletion_and_scrutiny_recorded(person_page(people["case_handler"]), project)
