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
from tests.browser.conftest import go_to
from tests.browser.test_sign_in_journey import PASSWORD, code_for_key
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


def state_of(tab: Any) -> Any:
    return tab.get_by_test_id("case-state")


def step(tab: Any, label: str) -> None:
    tab.get_by_role("button", name=label).click()
    expect(tab.locator(".message.success")).to_contain_text(f"{label}: done.")


def test_journey_1_institution_is_authorised(person_page, make_user) -> None:
    manager = make_user(Role.INSTITUTION_MANAGER, username="head")
    handler = make_user(Role.CASE_HANDLER, username="handler")
    approver = make_user(Role.APPROVER, username="chief")
    secretary = make_user(Role.SECRETARY, username="clerk")

    # The institution's manager applies.
    m = person_page(manager)
    go_to(m, "Institution")
    m.get_by_role("link", name="Apply for authorisation of an institution").click()
    m.get_by_label("Name of the institution").fill("Aarhus Institute of Health Research")
    m.get_by_label("Kind of institution").select_option(label="Sector research institute")
    m.get_by_label("Recognised by").fill("National research council")
    m.get_by_label("Address").fill("Olof Palmes Allé 1")
    m.get_by_label("The research environment").fill("Twelve researchers in register epidemiology.")
    m.get_by_label("Researchers and analysts").fill("Ida Epidemiologist\nJens Statistician")
    m.get_by_role("button", name="Send the application").click()
    expect(m.locator(".message.success")).to_contain_text("Application sent")
    expect(state_of(m)).to_have_text("Applied")
    case_url = m.url

    # The case handler finds it in the case list, evaluates and asks a question.
    h = person_page(handler)
    go_to(h, "Cases")
    h.get_by_role("link", name="A-").first.click()
    expect(h.get_by_role("heading", level=1)).to_contain_text("Aarhus Institute of Health Research")
    step(h, "Start evaluation")
    h.get_by_label("Credibility assessment (R6)").fill("Public institute; staff with PhDs.")
    h.get_by_role("button", name="Save the assessment").click()
    h.get_by_label("Clarifying question to the applicant").fill("Who supervises data security?")
    h.get_by_role("button", name="Send the question").click()
    expect(h.get_by_text("Waiting for the applicant's answer.")).to_be_visible()
    # Preparing with the question open is refused, naming the rule.
    h.get_by_role("button", name="Prepare the agreement").click()
    expect(h.locator(".errors")).to_contain_text("R6: A clarifying question is still unanswered.")

    # The manager answers in the system.
    m.goto(case_url)
    m.get_by_label("Your answer").fill("Our head of IT, Karen Secure.")
    m.get_by_role("button", name="Send the answer").click()
    expect(m.get_by_text("Our head of IT, Karen Secure.")).to_be_visible()

    # The case handler sees the answer, prepares the agreement and recommends.
    h.goto(case_url)
    expect(h.get_by_text("Our head of IT, Karen Secure.")).to_be_visible()
    step(h, "Prepare the agreement")
    expect(h.get_by_role("link", name="The authorisation agreement (PDF)")).to_be_visible()
    pdf = h.request.get(
        h.get_by_role("link", name="The authorisation agreement (PDF)").get_attribute("href")
    )
    assert (
        pdf.ok
        and pdf.headers["content-type"] == "application/pdf"
        and pdf.body().startswith(b"%PDF")
    )
    step(h, "Recommend for approval")
    expect(h.get_by_role("button", name="Approve and sign for the office")).to_have_count(0)

    # The approver (a second person) approves; the secretary sends.
    a = person_page(approver)
    a.goto(case_url)
    step(a, "Approve and sign for the office")
    s = person_page(secretary)
    s.goto(case_url)
    step(s, "Send to the institution")

    # The manager signs for the institution; the secretary registers it.
    m.goto(case_url)
    step(m, "Sign for the institution")
    s.goto(case_url)
    step(s, "Register the institution")
    expect(state_of(s)).to_have_text("Registered")
    expect(s.get_by_text("The institution: head")).to_be_visible()
    m.goto(case_url)
    go_to(m, "Institution")
    m.get_by_role("link", name="Aarhus Institute of Health Research").click()
    expect(m.locator(".badge.ok", has_text="Authorised")).to_be_visible()


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


CORRECT_ANSWERS = (
    "No, never, directly or indirectly",
    "Aggregated results that identify no person or enterprise, through the output check",
    "Refuse: credentials are strictly personal",
    "Exclusion permanently or for at least three years, and the institution's authorisation "
    "may be withdrawn",
    "submitted to the office for scrutiny",
)


def test_journey_2_researcher_joins_certifies_and_gets_access(page, person_page, make_user) -> None:
    world = authorised_world(make_user)
    newcomer = make_user(Role.RESEARCHER, username="newresearcher", with_device=False)
    # The project's approved application names the newcomer as a member (R16).
    add_member(world["project"], newcomer)

    # The manager attaches the researcher.
    m = person_page(world["manager"])
    go_to(m, "Institution")
    m.get_by_role("link", name="University of Southern Denmark").click()
    m.get_by_role("form", name="Attach a researcher").get_by_label(
        "Researcher (username or e-mail)"
    ).fill("newresearcher")
    m.get_by_role("button", name="Attach").click()
    expect(m.locator(".message.success")).to_contain_text("is now attached")

    # The researcher signs in for the first time and sets up two-factor sign-in.
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail address").fill("newresearcher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code shown by your authenticator app").fill(code_for_key(secret))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="I have stored them: continue").click()

    # Not certified yet: My access says so.
    go_to(page, "My access")
    expect(page.get_by_text("Not certified")).to_be_visible()

    # The certification test: one wrong answer of five fails (pass mark 80 %)... then passes.
    page.get_by_role("link", name="Take the certification test").click()
    for answer in CORRECT_ANSWERS[:3]:
        page.get_by_label(answer, exact=True).check()
    page.get_by_label("Yes, if encrypted", exact=True).check()  # overrides the first answer
    page.get_by_label("A warning", exact=True).check()
    page.get_by_label(CORRECT_ANSWERS[4], exact=True).check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".message.error")).to_contain_text("Not passed: 3 of 5 right")
    page.get_by_role("link", name="Take the certification test").click()
    for answer in CORRECT_ANSWERS:
        page.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".message.success")).to_contain_text("Passed: 5 of 5 right")

    # The manager draws up the agreement; an invalid range is refused first.
    m.reload()
    today = timezone.localdate()
    form = m.get_by_role("form", name="New researcher agreement")
    form.get_by_label("Researcher (username or e-mail)").fill("newresearcher")
    form.get_by_label("Project number").fill("P-2026-042")
    form.get_by_label("Access from").fill(today.isoformat())
    form.get_by_label("Access until").fill((today + timedelta(days=90)).isoformat())
    form.get_by_label("Allowed IP addresses or ranges").fill("127.0.0.1/8")
    form.get_by_role("button", name="Draw up the agreement").click()
    expect(m.locator(".field.has-error .error")).to_contain_text(
        "R8: '127.0.0.1/8' is not a valid IP address or CIDR range"
    )
    form = m.get_by_role("form", name="New researcher agreement")
    form.get_by_label("Allowed IP addresses or ranges").fill("127.0.0.0/8")
    form.get_by_role("button", name="Draw up the agreement").click()
    expect(m.locator(".message.success")).to_contain_text("the researcher signs it next")

    # The researcher signs; the manager countersigns.
    page.reload()
    page.get_by_role("button", name="Sign agreement R-").click()
    expect(page.locator(".message.success")).to_contain_text("You signed agreement")
    expect(page.get_by_text("awaiting your manager's countersignature")).to_be_visible()
    m.reload()
    m.get_by_role("button", name="Countersign R-").click()
    expect(m.locator(".message.success")).to_contain_text("countersigned")

    # The agreement is a PDF naming the project, period and addresses, for the researcher.
    page.reload()
    link = page.get_by_role("link", name="(PDF)").first
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    from tests.pdf import pdf_text

    assert "P-2026-042 Health after retirement" in pdf_text(pdf.body())

    # Now the researcher has access, and sees why.
    page.reload()
    expect(page.get_by_text("Certified", exact=True)).to_be_visible()
    project = page.locator("article", has_text="P-2026-042")
    expect(project.locator(".badge.ok", has_text="access")).to_be_visible()
    expect(project).to_contain_text("Two-factor session: signed in with two factors (R10)")
    project.get_by_role("link", name="Enter P-2026-042").click()
    expect(page.get_by_text("You may work in this project now.")).to_be_visible()


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

    # An output checker reports the breach.
    checker = person_page(make_user(Role.OUTPUT_CHECKER))
    go_to(checker, "Report a breach")
    checker.get_by_label("Researcher (username or e-mail)").fill("breacher")
    checker.get_by_label("What happened").fill("Tried to take out individual records.")
    checker.get_by_role("textbox", name="Evidence").fill(
        "Output request 17, transfer log 2026-11-21."
    )
    # A program passed off as a PDF is refused by its content; a real text file is taken.
    checker.get_by_label("Evidence files").set_input_files(
        [{"name": "log.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 program"}]
    )
    checker.get_by_role("button", name="Report the breach").click()
    expect(checker.locator(".field.has-error .error")).to_contain_text(
        "R24: The file is a Windows program, whatever its name says. "
        "Only PDF, plain text, PNG and JPEG files are accepted"
    )
    checker.get_by_label("Evidence files").set_input_files(
        [
            {
                "name": "transfer log 2026-11-21.txt",
                "mimeType": "text/plain",
                "buffer": b"17:02 request 17 refused: 3 individual records",
            }
        ]
    )
    checker.get_by_role("button", name="Report the breach").click()
    expect(checker.locator(".message.success")).to_contain_text("reported; an approver decides")

    # The approver decides: two years is refused, three years is accepted.
    a = person_page(world["approver"])
    go_to(a, "Breaches")
    a.get_by_role("link", name="B-").first.click()
    evidence = a.get_by_role("link", name="transfer_log_2026-11-21.txt")
    expect(evidence).to_be_visible()
    body = a.request.get(evidence.get_attribute("href")).body()
    assert body == b"17:02 request 17 refused: 3 individual records"
    a.get_by_label("Decision and reasons").fill("Minor breach: excluded for three years.")
    a.get_by_label("Exclusion ends on").fill((today + timedelta(days=730)).isoformat())
    a.get_by_text("Decide the sanction", exact=True).click()
    a.get_by_role("button", name="Yes, decide the sanction").click()
    expect(a.locator(".field.has-error .error")).to_contain_text(
        "Exclusion ends on: R24: An exclusion lasts at least 3 years"
    )
    from fivesafes.people.rules import add_years

    ends = add_years(today, 3)
    a.get_by_label("Exclusion ends on").fill(ends.isoformat())
    a.get_by_text("Decide the sanction", exact=True).click()
    a.get_by_role("button", name="Yes, decide the sanction").click()
    expect(a.locator(".message.success")).to_contain_text("the sanction is in force now")
    expect(a.get_by_test_id("breach-state")).to_have_text("Decided")

    # At once: the researcher's session has ended...
    r.goto(project_url)
    expect(r.get_by_label("Username or e-mail address")).to_be_visible()
    # ...and signing in again reaches nothing, with the reason.
    r.get_by_label("Username or e-mail address").fill("breacher")
    r.get_by_label("Password").fill(PASSWORD)
    r.get_by_role("button", name="Continue").click()
    # refused at the password step, with the reason; no code is asked for
    expect(r.locator("main form")).to_contain_text(
        f"You cannot sign in: You are excluded from the research schemes until {ends}"
    )
    expect(r.get_by_label("Authenticator code")).to_have_count(0)
    r.goto(project_url)
    expect(r.get_by_label("Username or e-mail address")).to_be_visible()
