"""Issue 16, continued: journeys 1, 2 (the certification test) and 7 (the publication) with the
keyboard alone (WCAG 2.1.1, 2.1.2, 2.4.7).

Each person signs in as the other browser tests do (the keyboard sign-in is walked in
`test_keyboard.py`) and the worlds around the journey are built through the services, as each
test's docstring says. From the first page of the journey on, nobody clicks or fills a field
picked by the test: they Tab to a control (`keyboard.tab_to`, which checks that the focus shows
on every stop), type into it and press Enter, Space or the arrow keys. A page reached through a
link in an e-mail is opened by its address, as the e-mail's reader would.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser import journey_steps as steps
from tests.browser import keyboard as kb
from tests.browser.test_people_journeys import authorised_world, person_page  # noqa: F401
from tests.browser.test_project_journeys import people, running_project  # noqa: F401

pytestmark = pytest.mark.browser

INSTITUTION = "Aalborg Centre for Register Research"


def follow(page: Any, target: Any) -> None:
    """Tab to a link and press Enter; wait for the page it opens."""
    kb.tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def step_done(page: Any, label: str) -> None:
    """Tab to a workflow step's button, press Enter and wait for the page to say it is done."""
    kb.press_on(page, label)
    steps.said(page, f"{label}: done.")


def answer(page: Any, question: str, choice: str) -> None:
    """Tab into a question's group of radio buttons (the focus lands on its first choice, as
    nothing is chosen yet) and move with ArrowDown to `choice`, which the arrows also choose;
    Space chooses the first."""
    group = page.locator(".field", has_text=question)
    radios = group.get_by_role("radio")
    kb.tab_to(page, radios.first)
    names = [name.strip() for name in group.locator("label:has(input)").all_inner_texts()]
    assert choice in names, f"{choice!r} is not offered for {question!r}: {names}"
    if names.index(choice) == 0:
        page.keyboard.press("Space")
    for _ in range(names.index(choice)):
        page.keyboard.press("ArrowDown")
    chosen = group.get_by_role("radio", name=choice, exact=True)
    expect(chosen).to_be_focused()
    expect(chosen).to_be_checked()
    kb.focus_is_visible(page)


def test_journey_1_an_institution_is_authorised_with_the_keyboard(
    person_page,  # noqa: F811
    make_user,
) -> None:
    """The manager applies; the case handler takes the case from the case list, evaluates it,
    asks a question (preparing the agreement with it open is refused), reads the answer,
    prepares the agreement and recommends; the approver approves; the secretary sends; the
    manager signs; the secretary registers. The case handler and the approver reach the case
    through the main navigation's case list; otherwise the case page is opened by its address,
    the link in the e-mail each person gets."""
    m = person_page(make_user(Role.INSTITUTION_MANAGER, username="head"))
    kb.open_page(m, "Institution")
    follow(m, "Apply for authorisation of an institution")
    expect(m.get_by_role("heading", name="Apply for authorisation")).to_be_visible()
    kb.enter_text(m, "Name of the institution", INSTITUTION)
    kb.choose(m, "Kind of institution", "Sector research institute")
    kb.enter_text(m, "Recognised by", "National research council")
    kb.enter_text(m, "Address", "Fredrik Bajers Vej 7")
    kb.enter_text(m, "The research environment", "Nine researchers in labour economics.")
    # Enter in a text area starts a new line; it does not send the form.
    kb.enter_text(m, "Researchers and analysts", "Ida Economist\nJens Statistician")
    kb.press_on(m, "Send the application")
    steps.said(m, "Application sent")
    expect(m.get_by_test_id("case-state")).to_have_text("Applied")
    expect(m.get_by_text("Jens Statistician")).to_be_visible()
    case_url = m.url

    # The case handler takes it from the case list, evaluates it and asks a question.
    h = person_page(make_user(Role.CASE_HANDLER, username="handler"))
    kb.open_page(h, "Cases")
    follow(h, re.compile("^A-"))
    expect(h.get_by_role("heading", level=1)).to_contain_text(INSTITUTION)
    step_done(h, "Start evaluation")
    kb.enter_text(h, "Credibility assessment (R6)", "A public institute; its staff hold PhDs.")
    kb.press_on(h, "Save the assessment")
    expect(h.get_by_text("A public institute; its staff hold PhDs.")).to_be_visible()
    kb.enter_text(h, "Clarifying question to the applicant", "Who supervises data security?")
    kb.press_on(h, "Send the question")
    expect(h.get_by_text("Waiting for the applicant's answer.")).to_be_visible()
    kb.press_on(h, "Prepare the agreement")
    expect(h.locator(".errors")).to_contain_text("A clarifying question is still unanswered (R6).")

    # The manager answers on the case page (the link in the e-mail with the question).
    m.goto(case_url)
    kb.enter_text(m, "Your answer", "Our head of IT, Karen Secure.")
    kb.press_on(m, "Send the answer")
    expect(m.get_by_text("Our head of IT, Karen Secure.")).to_be_visible()

    # The case handler reads the answer, prepares the agreement, opens it and recommends.
    h.goto(case_url)
    expect(h.get_by_text("Our head of IT, Karen Secure.")).to_be_visible()
    step_done(h, "Prepare the agreement")
    agreement = h.get_by_role("link", name="The authorisation agreement (PDF)")
    kb.tab_to(h, agreement)  # reachable from the keyboard; its PDF is read with the session
    steps.pdf_of(h, "The authorisation agreement (PDF)")
    step_done(h, "Recommend for approval")
    expect(h.get_by_role("button", name="Approve and sign for the office")).to_have_count(0)

    # The approver, a second person, approves; the secretary sends it to the institution.
    a = person_page(make_user(Role.APPROVER, username="chief"))
    kb.open_page(a, "Cases")
    follow(a, re.compile("^A-"))
    step_done(a, "Approve and sign for the office")
    s = person_page(make_user(Role.SECRETARY, username="clerk"))
    s.goto(case_url)
    step_done(s, "Send to the institution")

    # The manager signs for the institution; the secretary registers it.
    m.goto(case_url)
    step_done(m, "Sign for the institution")
    s.reload()
    step_done(s, "Register the institution")
    expect(s.get_by_test_id("case-state")).to_have_text("Registered")

    kb.open_page(m, "Institution")
    follow(m, INSTITUTION)
    expect(m.locator(".badge.ok", has_text="Authorised")).to_be_visible()


def test_journey_2_a_researcher_passes_the_certification_test_with_the_keyboard(
    person_page,  # noqa: F811
    make_user,
) -> None:
    """The researcher, attached to an authorised institution through the services and signed
    in with two factors, answers the test with the arrow keys: two wrong answers of five fail
    (the pass mark is 80 %), all five right pass and certify (R9)."""
    from fivesafes.people.services import researchers

    world = authorised_world(make_user)
    researcher = make_user(Role.RESEARCHER, username="newresearcher")
    researchers.attach(
        actor=world["manager"], institution=world["institution"], researcher=researcher
    )
    questions = [
        "May you download microdata",
        "Which results may leave",
        "borrow your second-factor device",
        "What happens after a breach",
        "Published results from a project",
    ]
    wrong = {
        "May you download microdata": "Yes, if encrypted",
        "What happens after a breach": "A warning",
    }

    r = person_page(researcher)
    kb.open_page(r, "My access")
    expect(r.get_by_text("Not certified")).to_be_visible()
    follow(r, "Take the certification test")
    for question, right in zip(questions, steps.CORRECT_ANSWERS, strict=True):
        answer(r, question, wrong.get(question, right))
    kb.press_on(r, "Submit my answers")
    expect(r.locator(".message.error")).to_contain_text("Not passed: 3 of 5 right")

    follow(r, "Take the certification test")
    for question, right in zip(questions, steps.CORRECT_ANSWERS, strict=True):
        answer(r, question, right)
    kb.press_on(r, "Submit my answers")
    steps.said(r, "Passed: 5 of 5 right")
    expect(r.get_by_text("Certified", exact=True)).to_be_visible()


def test_journey_7_a_publication_is_registered_and_scrutinised_with_the_keyboard(
    person_page,  # noqa: F811
    people,  # noqa: F811
    running_project,  # noqa: F811
) -> None:
    """A running project with the researcher's signed agreement, built through the services;
    the researcher registers a publication for scrutiny on the project's page, and the case
    handler finds it under "Scrutiny" and records that the office has no objection (R23)."""
    project = running_project
    r = person_page(people["researcher"])
    kb.open_page(r, "Projects")
    follow(r, project.number)
    expect(r.get_by_role("heading", level=1)).to_contain_text(project.number)
    kb.enter_text(r, "Title", "Incomes by age: a register study")
    kb.enter_text(r, "Journal, report series, DOI or URL", "Working paper 2027:1")
    kb.press_on(r, "Register the publication for scrutiny")
    publication = r.get_by_test_id("publication")
    expect(publication).to_contain_text("Incomes by age: a register study")
    expect(publication).to_contain_text("Waiting for scrutiny")

    h = person_page(people["case_handler"])
    kb.open_page(h, "Scrutiny")
    follow(h, project.number)
    kb.choose(h, "Result", "No objection")
    kb.press_on(h, "Record the scrutiny")
    expect(h.get_by_test_id("publication")).to_contain_text("No objection")
    r.reload()
    expect(r.get_by_test_id("publication")).to_contain_text("No objection")
