"""Issue 16: every journey works with the keyboard alone (WCAG 2.1 AA 2.1.1 Keyboard, 2.1.2 No
keyboard trap, 2.4.3 Focus order, 2.4.7 Focus visible).

Nothing here clicks or fills a field the test picked: each person presses Tab until the control
they want has the focus (`keyboard.tab_to`, which also checks the focus shows on every stop),
types into it and presses Enter, Space, the arrows or Escape. Journeys: signing in with the
second factor (first time and again), finding variables in the catalogue and collecting them in
the basket, writing and submitting an application through the wizard, the case handler and the
approver deciding it, and the researcher asking to release an output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser import journey_steps as steps
from tests.browser import keyboard as kb
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_project_journeys import people  # noqa: F401 - fixtures
from tests.browser.test_release_journey import world  # noqa: F401 - fixtures
from tests.browser.test_sign_in_journey import PASSWORD, code_for_key
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures
from tests.foundation.twofactor_helpers import current_code
from tests.projects.conftest import draft, pw, submitted, upload_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

FOCUS_RING = "rgb(255, 191, 71)"  # the amber ring of :focus-visible (fivesafes.css)


@pytest.fixture
def person(browser: Any, live_server: Any, request: Any) -> Iterator[Any]:
    """`person(user)`: a tab in its own browser context, signed in with the keyboard; on
    failure each keeps a screenshot."""
    opened: list[tuple[str, Any]] = []

    def open_for(user: Any) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        tab = context.new_page()
        opened.append((user.username, tab))
        sign_in(tab, user)
        return tab

    yield open_for
    failed = getattr(request.node, "rep_call", None)
    for who, tab in opened:
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{who}.png"), full_page=True)
        tab.context.close()


def sign_in(page: Any, user: Any, *, offset_steps: int = 0) -> None:
    """From the front page to the dashboard with the password and the authenticator's code
    (`offset_steps` later than now: a code not used yet)."""
    page.goto("/")
    kb.skip_to_content(page)
    kb.press_on(page, "Sign in")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    kb.enter_text(page, "Username or e-mail address", user.username)
    kb.enter_text(page, "Password", PASSWORD)
    kb.press_on(page, "Continue")
    expect(page.get_by_role("heading", name="Authenticator code")).to_be_visible()
    kb.enter_text(
        page,
        "Authenticator code",
        current_code(user.totpdevice_set.get(), offset_steps=offset_steps),
    )
    page.keyboard.press("Enter")  # submits the form from its field
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()


def test_first_sign_in_sets_up_two_factors_then_signs_in_with_a_code(page, make_user) -> None:
    newcomer = make_user(Role.RESEARCHER, username="newcomer", with_device=False)
    page.goto("/")
    kb.skip_to_content(page)
    kb.press_on(page, "Sign in")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    kb.enter_text(page, "Username or e-mail address", "newcomer")
    kb.enter_text(page, "Password", PASSWORD)
    kb.press_on(page, "Continue")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    kb.enter_text(page, "Code shown by your authenticator app", code_for_key(secret))
    kb.press_on(page, "Confirm")
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    kb.press_on(page, "I have stored them: continue")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()

    # Signing out and in again: the password, then the authenticator's code.
    kb.press_on(page, "Sign out")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    sign_in(page, newcomer, offset_steps=1)  # the code of the set-up is used


def test_a_researcher_collects_variables_and_applies_with_the_keyboard(
    page,
    people,  # noqa: F811
    catalogue,  # noqa: F811
    tmp_path,
) -> None:
    """Two variables from the catalogue into the basket; the basket starts an application,
    which goes through every step of the wizard to submission."""
    sign_in(page, people["researcher"])
    find_and_collect(page)

    # The basket starts an application.
    expect(page.get_by_role("heading", name="Your data basket")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(2)
    kb.press_on(page, "Start an application from this basket")
    expect(page.get_by_role("heading", name="New application for a project")).to_be_visible()
    kb.enter_text(page, "Project title", "Wages and birth cohorts")
    kb.press_on(page, "Save as draft")
    steps.said(page, "saved")
    write_the_application(page, tmp_path)


def find_and_collect(page: Any) -> None:
    """Search as one types; "Add to basket" in the results; a variable's page with its years."""
    kb.open_page(page, "Catalogue")
    expect(page.get_by_role("heading", name="Data catalogue")).to_be_visible()
    search = page.get_by_role("searchbox", name="Search")
    kb.enter_text(page, search, "wage")
    add = page.get_by_role("button", name="Add INCOME.wage_income to basket")
    expect(add).to_be_visible()
    kb.press_on(page, add)
    row = page.locator("#results tr", has_text="wage_income")
    expect(row.get_by_role("status")).to_have_text("In your basket")
    # The focus stays where the button was (not thrown back to the top of the page).
    expect(row.locator(":focus")).to_have_count(1)
    kb.focus_is_visible(page)

    kb.enter_text(page, search, "birth", backwards=True)
    link = page.locator("#results tr", has_text="POPULATION").get_by_role("link", name="birth_date")
    expect(link).to_be_visible()
    kb.press_on(page, link)
    expect(page.get_by_role("heading", name=re.compile("birth_date"))).to_be_visible()
    kb.enter_text(page, "From year", "2010")
    kb.enter_text(page, "To year", "2010")
    kb.press_on(page, "Add to data basket")
    expect(page.locator("#basket-button [role=status]")).to_contain_text("In your basket")
    see = page.get_by_role("link", name="see basket")
    expect(see).to_be_focused()  # the answer's link, where the button was
    page.keyboard.press("Enter")


def write_the_application(page: Any, folder: Any) -> None:
    from tests.projects.conftest import PDF

    today = timezone.localdate()
    # Step 1: the project and its protocol, chosen with the keyboard in the file dialog.
    kb.enter_text(page, "Purpose", "How wages differ between birth cohorts.")
    kb.enter_text(page, "Project description", "A register study of incomes by cohort.")
    steps.settle(page)  # the draft saved as the focus leaves the field (htmx)
    protocol = folder / "protocol.pdf"
    protocol.write_bytes(PDF)
    kb.tab_to(page, "File (PDF, DOCX, ODT or TXT)")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(protocol))
    kb.press_on(page, "Upload")
    expect(page.get_by_text("On file: protocol.pdf")).to_be_visible()
    kb.press_on(page, "Save and continue")

    # Step 2: legal basis; no DPIA, with the reason.
    expect(page.get_by_role("heading", name="Legal basis and DPIA", level=2)).to_be_visible()
    kb.enter_text(page, "Legal basis (GDPR art. 6)", "Art. 6(1)(e), task in the public interest")
    kb.enter_text(page, "Reason no DPIA is needed", "Pseudonymised register data; our DPO agrees.")
    steps.settle(page)
    kb.press_on(page, "Save and continue")

    # Step 3: the population in words, the period (dates typed segment by segment), a sample.
    expect(page.get_by_role("heading", name="Population and period", level=2)).to_be_visible()
    kb.enter_text(page, "Population in words", "People born 1980-1990")
    kb.enter_date(page, "Project starts", today + timedelta(days=14))
    kb.enter_date(page, "Project ends", today + timedelta(days=730))
    kb.enter_text(page, "Sample size", "5000")
    kb.enter_text(page, "How the sample size was chosen", "Power calculation")
    steps.settle(page)
    kb.press_on(page, "Save draft")
    expect(page.get_by_test_id("findings")).to_contain_text("Define the population with criteria")

    # A criterion: the catalogue variable (not one of the basket's: suggested by the server as
    # one types) picked from the suggestions with the arrow keys.
    kb.enter_text(page, "Catalogue variable", "sex")
    kb.pick_suggestion(page, "POPULATION.sex")
    expect(page.get_by_role("combobox", name="Catalogue variable")).to_have_value("POPULATION.sex")
    kb.choose(page, "Condition", "is one of")
    kb.enter_text(page, "Values", "2")
    page.keyboard.press("Enter")
    criteria = page.get_by_test_id("criterion")
    expect(criteria).to_have_count(1)
    expect(criteria.first).to_contain_text("POPULATION.sex (Sex) is one of 2 Female")
    # The whole step in one round of Tab: no trap, the focus always shown, in reading order.
    stops = kb.tab_round(page)
    order = [
        "input[date] 'Project starts'",
        "input[date] 'Project ends'",
        "input[number] 'Sample size'",
        "button[submit] 'Save draft'",
        "button[submit] 'Remove criterion 1'",
        "input[text] 'Catalogue variable'",
        "button[submit] 'Add the criterion'",
    ]
    assert [stop for stop in stops if stop in order] == order, "\n".join(stops)
    kb.press_on(page, "Variable list")
    expect(page.get_by_role("heading", name="Variable list", level=2)).to_be_visible()

    # Step 4: a justification for each variable; a separate one for the birth date.
    wage = page.locator('section[data-variable="INCOME.wage_income"]')
    kb.enter_text(page, wage.get_by_label("Justification", exact=True), "The outcome.")
    steps.settle(page)
    birth = page.locator('section[data-variable="POPULATION.birth_date"]')
    kb.enter_text(page, birth.get_by_label("Justification", exact=True), "Defines cohorts.")
    kb.enter_text(
        page,
        birth.get_by_label("Separate justification (particularly identifying)"),
        "Age in months at school start.",
    )
    steps.settle(page)
    with page.expect_response(lambda response: response.request.method == "POST"):
        kb.choose(page, birth.get_by_label("Coarsening"), "To year and month")  # saved (htmx)
    kb.press_on(page, "Save POPULATION.birth_date")

    # The findings: nothing blocks; submitted.
    steps.said(page, "saved")
    kb.press_on(page, "Findings and submission")
    expect(page.get_by_test_id("findings")).to_contain_text("0 blocking")
    kb.press_on(page, "Submit the application")
    expect(page.get_by_test_id("application-state")).to_have_text("Submitted")


def test_the_case_handler_and_the_approver_decide_and_the_quote_is_accepted(
    person,
    pw,  # noqa: F811
    submitted,  # noqa: F811
) -> None:
    reference = submitted.reference
    # The case handler takes the case from the list, reviews and recommends.
    h = person(pw.case_handler)
    kb.open_page(h, "Project applications")
    expect(h.get_by_role("heading", name="Project applications")).to_be_visible()
    kb.press_on(h, f"Take {reference}")
    steps.said(h, "is handled by camilla")
    kb.press_on(h, reference)
    expect(h.get_by_test_id("application-state")).to_have_text("Submitted")
    kb.press_on(h, "Start the review")
    steps.said(h, "Start the review: done.")
    kb.enter_text(h, "Note", "Meets the rules; the months are needed.")
    kb.press_on(h, "Recommend approval")
    steps.said(h, "Recommend approval: done.")

    # A second person approves.
    a = person(pw.approver)
    kb.open_page(a, "Project applications")
    kb.press_on(a, reference)
    expect(a.get_by_test_id("application-state")).to_have_text("Recommended")
    kb.press_on(a, "Approve")
    steps.said(a, "Approve: done.")
    expect(a.get_by_test_id("application-state")).to_have_text("Approved")

    # The case handler offers a quote; the manager answers the confirmation with the keyboard.
    h.reload()
    kb.press_on(h, "Offer a quote")
    expect(h.get_by_test_id("quote")).to_contain_text("VAT 25 %")
    m = person(pw.manager)
    m.goto(h.url)  # the link in the manager's e-mail
    kb.press_on(m, re.compile("^Accept the quote for"))
    confirm = m.get_by_role("group", name="Confirm: Accept the quote")
    expect(confirm).to_be_visible()
    # The open confirmation's button still shows the focus ring, not only its "open" outline.
    summary = m.locator("details.confirm > summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_css("outline-color", FOCUS_RING)
    kb.press_on(m, "Yes, accept the quote")
    expect(m.get_by_test_id("quote")).to_contain_text("Accepted")


def test_a_researcher_asks_to_release_a_table_and_fixes_a_flagged_cell(
    page,
    world,  # noqa: F811
) -> None:
    from fivesafes.release.models import ReleaseRequest
    from tests.release.conftest import OK_TABLE, SMALL_CELL, write_output

    project, path = world["project"], "tables/income.csv"
    write_output(project, path, SMALL_CELL)
    sign_in(page, world["researcher"])
    kb.open_page(page, "Outputs")
    kb.press_on(page, f"New release request for {project.number}")
    steps.said(page, "Release request started")

    # The file is picked from the outputs area's suggestions, as a combobox.
    kb.enter_text(page, "File in the outputs area", "income")
    field = page.get_by_role("combobox", name="File in the outputs area")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions).to_be_visible()
    page.keyboard.press("Escape")  # closes the list; the field keeps the focus and the text
    expect(suggestions).to_be_hidden()
    expect(field).to_be_focused()
    expect(field).to_have_value("income")
    page.keyboard.press("ArrowDown")  # opens it again
    expect(suggestions).to_be_visible()
    kb.pick_suggestion(page, path)
    expect(field).to_have_value(path)
    kb.enter_text(page, "What the file shows", "People by region and sex")
    kb.enter_text(page, "Column roles", "region=label, sex=label, n=frequency")
    kb.press_on(page, "Add the file")
    steps.said(page, f"{path} added.")
    kb.press_on(page, "Submit for checking")
    steps.said(page, "Submitted: the automatic checks are running.")

    # The checks return it; the researcher opens "Update" with Enter, fixes and submits again.
    steps.checks_run(ReleaseRequest.objects.get(project=project))
    page.reload()
    expect(page.locator("#state")).to_contain_text("Returned to the researcher")
    write_output(project, path, OK_TABLE)
    kb.press_on(page, f"Update {path}")
    expect(page.get_by_role("button", name="Update (its reviews start again)")).to_be_visible()
    kb.enter_text(page, "What the file shows", "People by region and sex, small cells merged")
    kb.press_on(page, "Update (its reviews start again)")
    steps.said(page, "updated")
    kb.press_on(page, "Submit for checking")
    steps.said(page, "Submitted: the automatic checks are running.")


def test_the_phone_menu_opens_with_enter_and_closes_with_escape(page, pw) -> None:  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, pw.researcher)
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    kb.press_on(page, menu)
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    # The menu's sections follow the button in the focus order; one unfolds with Enter.
    kb.press_on(page, "My research")
    kb.tab_to(page, "Applications")
    page.keyboard.press("Escape")  # folds the section, the focus back on its button
    expect(nav.get_by_role("button", name="My research")).to_be_focused()
    page.keyboard.press("Escape")  # folds the menu, the focus back on "Menu"
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav).to_be_hidden()
    kb.focus_is_visible(page)
    # Nothing hidden in the folded menu takes the focus: the next stop is in the page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
