"""Journeys 1, 2 and 8 of the mission in a real browser, each person in their own browser.

1. An institution applies; the case handler evaluates, asks, gets an answer, prepares the
   agreement; the approver approves; the manager signs; the secretary registers.
2. A researcher joins the institution, enables two-factor sign-in, passes the certification
   test, signs an agreement and can enter the project.
8. A breach is reported; the researcher is excluded for three years and can reach nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser import journey_steps as steps
from tests.browser.test_sign_in_journey import PASSWORD
from tests.foundation.twofactor_helpers import current_code
from tests.people.conftest import add_member

pytestmark = pytest.mark.browser


@pytest.fixture
def person_page(browser: Any, live_server: Any) -> Any:
    """`person_page(user)`: a tab in its own browser context, signed in with two factors."""
    contexts = []

    def open_for(user: Any, *, offset_steps: int = 0) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        sign_in(tab, user, offset_steps=offset_steps)
        return tab

    yield open_for
    for context in contexts:
        context.close()


def sign_in(tab: Any, user: Any, *, offset_steps: int = 0) -> None:
    tab.goto("/accounts/login/")
    tab.get_by_label("Username or e-mail address").fill(user.username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Continue").click()
    device = user.totpdevice_set.get()
    tab.get_by_label("Authenticator code").fill(current_code(device, offset_steps=offset_steps))
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()


def test_journey_1_institution_is_authorised(person_page, make_user) -> None:
    tabs = {
        "manager": person_page(make_user(Role.INSTITUTION_MANAGER, username="head")),
        "handler": person_page(make_user(Role.CASE_HANDLER, username="handler")),
        "approver": person_page(make_user(Role.APPROVER, username="chief")),
        "secretary": person_page(make_user(Role.SECRETARY, username="clerk")),
    }
    case_url = steps.authorise_institution(tabs, "Aarhus Institute of Health Research")
    tabs["secretary"].goto(case_url)
    expect(tabs["secretary"].get_by_text("The institution: head")).to_be_visible()


def authorised_world(make_user: Any) -> dict[str, Any]:
    """An authorised university with a project, built through the services."""
    from fivesafes.people.demo import ensure_questions
    from fivesafes.projects.models import Project
    from tests.people.conftest import authorise

    staff = {
        "case_handler": make_user(Role.CASE_HANDLER),
        "approver": make_user(Role.APPROVER),
        "secretary": make_user(Role.SECRETARY),
    }
    manager = make_user(Role.INSTITUTION_MANAGER, Role.RESEARCHER, username="boss")
    case = authorise(manager=manager, name="University of Southern Denmark", **staff)
    ensure_questions()
    today = timezone.localdate()
    project = Project.objects.create(
        number="P-2026-042",
        title="Health after retirement",
        institution=case.institution,
        starts_on=today,
        ends_on=today + timedelta(days=400),
        responsible=manager,
    )
    return {"manager": manager, "institution": case.institution, "project": project, **staff}


def test_journey_2_researcher_joins_certifies_and_gets_access(page, person_page, make_user) -> None:
    world = authorised_world(make_user)
    newcomer = make_user(Role.RESEARCHER, username="newresearcher", with_device=False)
    # The project's approved application names the newcomer as a member (R16).
    add_member(world["project"], newcomer)

    m = person_page(world["manager"])
    institution_url = steps.attach_researcher(m, "University of Southern Denmark", "newresearcher")
    steps.first_sign_in_with_two_factors(page, "newresearcher")
    steps.pass_certification(page)
    steps.sign_researcher_agreement(
        m,
        page,
        institution_url=institution_url,
        username="newresearcher",
        project="P-2026-042",
        title="Health after retirement",
    )


def test_journey_8_breach_excludes_for_three_years(person_page, make_user) -> None:
    from fivesafes.people.services import agreements, researchers
    from tests.people.conftest import certify

    world = authorised_world(make_user)
    researcher = make_user(Role.RESEARCHER, username="breacher")
    researchers.attach(
        actor=world["manager"], institution=world["institution"], researcher=researcher
    )
    certify(researcher)
    add_member(world["project"], researcher)
    today = timezone.localdate()
    agreement = agreements.create(
        actor=world["manager"],
        researcher=researcher,
        project=world["project"],
        starts_on=today,
        ends_on=today + timedelta(days=90),
        allowed_networks="127.0.0.1",
    )
    agreements.sign(actor=researcher, agreement=agreement)
    agreements.countersign(actor=world["manager"], agreement=agreement)
    project_url = f"/people/projects/{world['project'].pk}/"

    r = person_page(researcher)
    r.goto(project_url)
    expect(r.get_by_text("You may work in this project now.")).to_be_visible()

    checker = person_page(make_user(Role.OUTPUT_CHECKER))
    steps.report_breach(checker, "breacher")
    ends = steps.exclusion_decided(person_page(world["approver"]))
    steps.excluded_reaches_nothing(r, "breacher", ends, project_url)
