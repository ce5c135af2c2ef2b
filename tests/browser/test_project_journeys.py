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
from tests.browser.conftest import go_to
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures
from tests.people.conftest import authorise, certify
from tests.projects.conftest import PDF

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


def add_to_basket(tab: Any, register: str, variable: str, first: int, last: int) -> None:
    tab.goto(f"/data/catalogue/{register}/{variable}/")
    tab.get_by_label("From year").fill(str(first))
    tab.get_by_label("To year").fill(str(last))
    tab.get_by_role("button", name="Add to data basket").click()
    expect(tab.locator("#basket-button p[role=status]")).to_contain_text("In your basket")


def add_criterion(tab: Any, variable: str, condition: str, values: str) -> None:
    form = tab.get_by_role("form", name="Add a criterion")
    form.get_by_label("Catalogue variable").fill(variable)
    form.get_by_label("Condition").select_option(label=condition)
    form.get_by_label("Values").fill(values)
    form.get_by_role("button", name="Add the criterion").click()


def settle(tab: Any) -> None:
    """Leave the field and wait for the draft save with inline findings (htmx) to answer, so
    that the next click does not race it."""
    with tab.expect_response(lambda response: response.request.method == "POST"):
        tab.keyboard.press("Tab")


def step(tab: Any, label: str) -> None:
    tab.get_by_role("button", name=label, exact=True).click()
    expect(tab.locator(".message.success")).to_contain_text(f"{label}: done.")


def test_journey_3_application_to_accepted_quote(
    person_page,  # noqa: F811
    people,
    catalogue,  # noqa: F811
    tmp_path,
) -> None:
    today = timezone.localdate()
    r = person_page(people["researcher"])

    # Browse the catalogue and fill the data basket.
    go_to(r, "Catalogue")
    expect(r.get_by_role("link", name="POPULATION").first).to_be_visible()
    add_to_basket(r, "POPULATION", "sex", 2010, 2020)
    add_to_basket(r, "POPULATION", "birth_date", 2010, 2010)

    # Start an application: the basket becomes the variable list.
    go_to(r, "Applications")
    r.get_by_role("link", name="Start a new application").click()
    r.get_by_label("Project title").fill("Sex differences in life courses")
    r.get_by_role("button", name="Save as draft").click()
    expect(r.locator(".message.success")).to_contain_text("saved")
    findings = r.get_by_test_id("findings")
    expect(findings).to_contain_text("R11")
    expect(findings).to_contain_text("POPULATION.birth_date is particularly identifying")

    # Step 1: the project and its protocol.
    r.get_by_label("Purpose").fill("How life courses differ between the sexes.")
    r.get_by_label("Project description").fill("A register study of cohorts born 1980-1990.")
    settle(r)
    r.get_by_role("button", name="Save draft").click()
    protocol = tmp_path / "protocol.pdf"
    protocol.write_bytes(PDF)
    r.get_by_label("File (PDF, DOCX, ODT or TXT)").set_input_files(str(protocol))
    r.get_by_role("button", name="Upload").click()
    expect(r.get_by_text("On file: protocol.pdf")).to_be_visible()

    # Step 2: legal basis; no DPIA, with the reason.
    r.get_by_role("link", name="Legal basis and DPIA").click()
    r.get_by_label("Legal basis (GDPR art. 6)").fill("Art. 6(1)(e), task in the public interest")
    r.get_by_label("Reason no DPIA is needed").fill("Pseudonymised register data; our DPO agrees.")
    settle(r)
    r.get_by_role("button", name="Save and continue").click()

    # Step 3: population and period, a sample with its reason.
    r.get_by_label("Population in words").fill("Women born 1980-1990")
    r.get_by_label("Project starts").fill((today + timedelta(days=14)).isoformat())
    r.get_by_label("Project ends").fill((today + timedelta(days=730)).isoformat())
    r.get_by_label("Sample size", exact=True).fill("5000")
    r.get_by_label("How the sample size was chosen").fill("Power calculation")
    settle(r)
    r.get_by_role("button", name="Save draft").click()
    expect(r.get_by_test_id("findings")).to_contain_text("Define the population with criteria")
    # The population as criteria over the catalogue: a code not in the code list is refused.
    add_criterion(r, "POPULATION.sex", "is one of", "9")
    expect(r.get_by_text("9 is not in the code list of POPULATION.sex")).to_be_visible()
    expect(r.get_by_test_id("criterion")).to_have_count(0)
    add_criterion(r, "POPULATION.sex", "is one of", "2")
    add_criterion(r, "POPULATION.birth_date", "is between", "1980-01-01, 1990-12-31")
    criteria = r.get_by_test_id("criterion")
    expect(criteria).to_have_count(2)
    expect(criteria.first).to_contain_text("POPULATION.sex")
    expect(criteria.first).to_contain_text("is one of 2 Female")
    expect(criteria.nth(1)).to_contain_text("is between 1980-01-01 and 1990-12-31")
    expect(r.get_by_test_id("findings")).not_to_contain_text("Define the population")
    r.get_by_role("link", name="Variable list").click()

    # Step 4: the variable list with justifications; a separate one for the birth date.
    sex = r.locator('section[data-variable="POPULATION.sex"]')
    sex.get_by_label("Justification", exact=True).fill("The exposure of the study.")
    settle(r)
    sex.get_by_role("button", name="Save POPULATION.sex").click()
    birth = r.locator('section[data-variable="POPULATION.birth_date"]')
    birth.get_by_label("Justification", exact=True).fill("Age defines the cohorts.")
    birth.get_by_label("Separate justification (particularly identifying)").fill(
        "Age in months at school start."
    )
    with r.expect_response(lambda response: response.request.method == "POST"):
        birth.get_by_label("Coarsening").select_option(label="To year and month")
    birth.get_by_role("button", name="Save POPULATION.birth_date").click()

    # The findings: nothing blocks; the birth date needs the case handler's weighing.
    r.get_by_role("link", name="Findings and submission").click()
    expect(r.get_by_test_id("findings")).to_contain_text("0 blocking")
    expect(r.get_by_test_id("findings")).to_contain_text("weighs its separate justification")
    r.get_by_role("button", name="Submit the application").click()
    expect(r.get_by_test_id("application-state")).to_have_text("Submitted")
    application_url = r.url

    # The case handler takes the case from the list, finds it among their own, reviews, asks,
    # gets an answer and recommends.
    h = person_page(people["case_handler"])
    go_to(h, "Project applications")
    due = (today + timedelta(days=30)).isoformat()
    expect(h.get_by_test_id("case").first).to_contain_text(due)
    h.get_by_role("button", name="Take A-").first.click()
    expect(h.locator(".message.success")).to_contain_text(f"is handled by handler, due {due}")
    h.get_by_label("Case handler").select_option(label="Mine")
    h.get_by_role("button", name="Show").click()
    expect(h.get_by_test_id("case")).to_have_count(1)
    h.get_by_role("link", name="A-").first.click()
    expect(h.get_by_test_id("case")).to_contain_text(f"Case handler: handler · due {due}")
    expect(h.get_by_test_id("population")).to_contain_text("POPULATION.birth_date")
    step(h, "Start the review")
    h.get_by_label("Question to the applicant").fill("Why months, not years?")
    h.get_by_role("button", name="Send the question").click()
    r.goto(application_url)
    r.get_by_label("Your answer").fill("School start depends on the birth month.")
    r.get_by_role("button", name="Send the answer").click()
    h.goto(application_url)
    expect(h.get_by_text("School start depends on the birth month.")).to_be_visible()
    h.get_by_label("Note").fill("Meets the rules; the months are needed.")
    step(h, "Recommend approval")
    expect(h.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    # A second person approves: the project exists.
    a = person_page(people["approver"])
    a.goto(application_url)
    step(a, "Approve")
    expect(a.get_by_test_id("application-state")).to_have_text("Approved")
    expect(a.get_by_role("link", name="P-")).to_be_visible()

    # The case handler offers a quote; the institution's manager accepts it.
    h.goto(application_url)
    h.get_by_role("button", name="Offer a quote").click()
    expect(h.get_by_test_id("quote")).to_contain_text("VAT 25 %")
    m = person_page(people["manager"])
    m.goto(application_url)
    m.get_by_text("Accept the quote for").click()
    expect(m.get_by_role("group", name="Confirm: Accept the quote")).to_contain_text(
        "agrees to pay"
    )
    m.get_by_role("button", name="Yes, accept the quote").click()
    expect(m.get_by_test_id("quote")).to_contain_text("Accepted")
    contract = m.request.get(m.get_by_role("link", name="The contract (PDF)").get_attribute("href"))
    assert contract.ok and contract.body().startswith(b"%PDF")

    # The secretary invoices the institution; its manager downloads the invoice.
    c = person_page(people["secretary"])
    c.goto(application_url)
    c.get_by_role("button", name="Issue the invoice").click()
    expect(c.get_by_test_id("invoice")).to_contain_text("Invoice INV-")
    m.reload()
    invoice = m.request.get(m.get_by_role("link", name="The invoice (PDF)").get_attribute("href"))
    assert invoice.ok and invoice.body().startswith(b"%PDF")
    r.goto(application_url)
    expect(r.get_by_test_id("invoice")).to_be_visible()
    expect(r.get_by_role("link", name="The invoice (PDF)")).to_have_count(0)

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
    from django.core import mail

    from fivesafes.projects.tasks import run_daily_sweep

    settings.DATA_DIR = tmp_path
    project = running_project
    r = person_page(people["researcher"])
    r.goto(f"/people/projects/{project.pk}/")
    expect(r.get_by_role("heading", level=1)).to_contain_text(project.number)

    # The researcher registers a publication for scrutiny.
    go_to(r, "Projects")
    r.get_by_role("link", name=project.number).click()
    r.get_by_label("Title").fill("Incomes by age: a register study")
    r.get_by_label("Journal, report series, DOI or URL").fill("Working paper 2027:1")
    r.get_by_role("button", name="Register the publication for scrutiny").click()
    expect(r.get_by_test_id("publication")).to_contain_text("Waiting for scrutiny")

    # The project page shows the approved population in words.
    expect(r.get_by_test_id("population")).to_contain_text(
        "persons.income is recorded on 2010-01-01"
    )

    # Before the end the daily job reminds once, however often it runs.
    soon = project.ends_on - timedelta(days=5)
    assert run_daily_sweep(on=soon) == {"closed": 0, "reminded": 1}
    assert run_daily_sweep(on=soon) == {"closed": 0, "reminded": 0}
    reminders = [m for m in mail.outbox if m.subject.startswith(f"Project {project.number}")]
    assert [m.subject for m in reminders] == [f"Project {project.number} ends on {project.ends_on}"]

    # The end date passes: the daily job closes the project and access ends at once.
    assert run_daily_sweep(on=project.ends_on + timedelta(days=1))["closed"] == 1
    r.reload()
    expect(r.get_by_test_id("project-state")).to_have_text("Closed")
    denied = r.goto(f"/people/projects/{project.pk}/")
    assert denied.status == 403
    expect(r.get_by_text("Researcher agreement")).to_be_visible()

    # Staff record the deletion of the data and the scrutiny result.
    h = person_page(people["case_handler"])
    h.goto(f"/projects/{project.pk}/")
    h.get_by_role("button", name="Record that the data are deleted").click()
    expect(h.locator(".message.success")).to_contain_text("The deletion of the data is recorded")
    go_to(h, "Scrutiny")
    h.get_by_role("link", name=project.number).click()
    h.get_by_label("Result").select_option(label="No objection")
    h.get_by_role("button", name="Record the scrutiny").click()
    expect(h.get_by_test_id("publication")).to_contain_text("No objection")
    expect(h.get_by_text(in_words("project.closed"), exact=True).first).to_be_visible()
