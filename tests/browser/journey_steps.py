"""The steps of the mission's journeys in a real browser, shared by the per-journey tests and
the whole-mission test (`test_mission.py`), so both walk the same pages the same way.

Each step takes the tabs of the people who act in it (each person signed in once, in their
own browser context) and what earlier steps made (a URL, a project), and waits on what the
page says, never on time. Where the worker would run a job, the step runs the job's body.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import go_to
from tests.browser.test_sign_in_journey import PASSWORD, code_for_key

# --- helpers -------------------------------------------------------------------------------------


def said(tab: Any, text: str) -> None:
    expect(tab.locator(".message.success")).to_contain_text(text)


def step_done(tab: Any, label: str, *, exact: bool = False) -> None:
    """Press a workflow step's button and wait for the page to say it is done."""
    tab.get_by_role("button", name=label, exact=exact).click()
    said(tab, f"{label}: done.")


def main_link(tab: Any, name: str) -> None:
    """Open a page of the main navigation, unfolding its section first if needed."""
    go_to(tab, name)


def pdf_of(tab: Any, link_name: str) -> bytes:
    """The PDF behind a link of the page, read with the tab's session."""
    response = tab.request.get(tab.get_by_role("link", name=link_name).get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    body: bytes = response.body()
    assert body.startswith(b"%PDF")
    return body


# --- journey 1: an institution is authorised ---------------------------------------------------


def authorise_institution(tabs: dict[str, Any], name: str) -> str:
    """The manager applies, the case handler evaluates, asks and prepares, the approver
    approves, the manager signs, the secretary registers; returns the case's URL. `tabs`:
    manager, handler, approver, secretary."""
    m, h, a, s = tabs["manager"], tabs["handler"], tabs["approver"], tabs["secretary"]
    case_state = "case-state"

    # The institution's manager applies.
    main_link(m, "Institution")
    m.get_by_role("link", name="Apply for authorisation of an institution").click()
    m.get_by_label("Name of the institution").fill(name)
    m.get_by_label("Kind of institution").select_option(label="Sector research institute")
    m.get_by_label("Recognised by").fill("National research council")
    m.get_by_label("Address").fill("Olof Palmes Allé 1")
    m.get_by_label("The research environment").fill("Twelve researchers in register epidemiology.")
    m.get_by_label("Researchers and analysts").fill("Ida Epidemiologist\nJens Statistician")
    m.get_by_role("button", name="Send the application").click()
    said(m, "Application sent")
    expect(m.get_by_test_id(case_state)).to_have_text("Applied")
    case_url: str = m.url

    # The case handler finds it in the case list, evaluates and asks a question.
    main_link(h, "Cases")
    h.get_by_role("link", name="A-").first.click()
    expect(h.get_by_role("heading", level=1)).to_contain_text(name)
    step_done(h, "Start evaluation")
    h.get_by_label("Credibility assessment (R6)").fill("Public institute; staff with PhDs.")
    h.get_by_role("button", name="Save the assessment").click()
    h.get_by_label("Clarifying question to the applicant").fill("Who supervises data security?")
    h.get_by_role("button", name="Send the question").click()
    expect(h.get_by_text("Waiting for the applicant's answer.")).to_be_visible()
    # Preparing with the question open is refused, naming the rule.
    h.get_by_role("button", name="Prepare the agreement").click()
    expect(h.locator(".errors")).to_contain_text("A clarifying question is still unanswered (R6).")

    # The manager answers in the system.
    m.goto(case_url)
    m.get_by_label("Your answer").fill("Our head of IT, Karen Secure.")
    m.get_by_role("button", name="Send the answer").click()
    expect(m.get_by_text("Our head of IT, Karen Secure.")).to_be_visible()

    # The case handler sees the answer, prepares the agreement and recommends.
    h.goto(case_url)
    expect(h.get_by_text("Our head of IT, Karen Secure.")).to_be_visible()
    step_done(h, "Prepare the agreement")
    pdf_of(h, "The authorisation agreement (PDF)")
    step_done(h, "Recommend for approval")
    expect(h.get_by_role("button", name="Approve and sign for the office")).to_have_count(0)

    # The approver (a second person) approves; the secretary sends.
    a.goto(case_url)
    step_done(a, "Approve and sign for the office")
    s.goto(case_url)
    step_done(s, "Send to the institution")

    # The manager signs for the institution; the secretary registers it.
    m.goto(case_url)
    step_done(m, "Sign for the institution")
    s.goto(case_url)
    step_done(s, "Register the institution")
    expect(s.get_by_test_id(case_state)).to_have_text("Registered")
    m.goto(case_url)
    main_link(m, "Institution")
    m.get_by_role("link", name=name).click()
    expect(m.locator(".badge.ok", has_text="Authorised")).to_be_visible()
    return case_url


# --- journey 2: a researcher joins, sets up two factors, is certified, signs an agreement ----

CORRECT_ANSWERS = (
    "No, never, directly or indirectly",
    "Aggregated results that identify no person or enterprise, through the output check",
    "Refuse: credentials are strictly personal",
    "Exclusion permanently or for at least three years, and the institution's authorisation "
    "may be withdrawn",
    "submitted to the office for scrutiny",
)


def attach_researcher(m: Any, institution: str, username: str) -> str:
    """The manager attaches the researcher on the institution's page; returns its URL."""
    main_link(m, "Institution")
    m.get_by_role("link", name=institution).click()
    m.get_by_role("form", name="Attach a researcher").get_by_label(
        "Researcher (username or e-mail)"
    ).fill(username)
    m.get_by_role("button", name="Attach").click()
    said(m, "is now attached")
    return str(m.url)


def first_sign_in_with_two_factors(r: Any, username: str) -> None:
    """The researcher signs in for the first time and sets up two-factor sign-in (R10)."""
    r.goto("/accounts/login/")
    r.get_by_label("Username or e-mail address").fill(username)
    r.get_by_label("Password").fill(PASSWORD)
    r.get_by_role("button", name="Continue").click()
    expect(r.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    secret = r.get_by_test_id("totp-secret").inner_text()
    r.get_by_label("Code shown by your authenticator app").fill(code_for_key(secret))
    r.get_by_role("button", name="Confirm").click()
    r.get_by_role("link", name="I have stored them: continue").click()


def pass_certification(r: Any) -> None:
    """Not certified yet; one wrong answer of five fails (pass mark 80 %); then passes (R9)."""
    main_link(r, "My access")
    expect(r.get_by_text("Not certified")).to_be_visible()
    r.get_by_role("link", name="Take the certification test").click()
    for answer in CORRECT_ANSWERS[:3]:
        r.get_by_label(answer, exact=True).check()
    r.get_by_label("Yes, if encrypted", exact=True).check()  # overrides the first answer
    r.get_by_label("A warning", exact=True).check()
    r.get_by_label(CORRECT_ANSWERS[4], exact=True).check()
    r.get_by_role("button", name="Submit my answers").click()
    expect(r.locator(".message.error")).to_contain_text("Not passed: 3 of 5 right")
    r.get_by_role("link", name="Take the certification test").click()
    for answer in CORRECT_ANSWERS:
        r.get_by_label(answer, exact=True).check()
    r.get_by_role("button", name="Submit my answers").click()
    said(r, "Passed: 5 of 5 right")


def sign_researcher_agreement(
    m: Any, r: Any, *, institution_url: str, username: str, project: str, title: str
) -> None:
    """The manager draws up the agreement (an invalid range refused first), the researcher
    signs, the manager countersigns; the PDF names the project; the researcher has access
    and enters the project (R8)."""
    from tests.pdf import pdf_text

    m.goto(institution_url)
    today = timezone.localdate()
    form = m.get_by_role("form", name="New researcher agreement")
    form.get_by_label("Researcher (username or e-mail)").fill(username)
    form.get_by_label("Project number").fill(project)
    form.get_by_label("Access from").fill(today.isoformat())
    form.get_by_label("Access until").fill((today + timedelta(days=90)).isoformat())
    form.get_by_label("Allowed IP addresses or ranges").fill("127.0.0.1/8")
    form.get_by_role("button", name="Draw up the agreement").click()
    expect(m.locator(".field.has-error .error")).to_contain_text(
        "'127.0.0.1/8' is not a valid IP address or CIDR range (e.g. 192.0.2.0/24) (R8)."
    )
    form = m.get_by_role("form", name="New researcher agreement")
    form.get_by_label("Allowed IP addresses or ranges").fill("127.0.0.0/8")
    form.get_by_role("button", name="Draw up the agreement").click()
    said(m, "the researcher signs it next")

    main_link(r, "My access")
    r.get_by_role("button", name="Sign agreement R-").click()
    said(r, "You signed agreement")
    expect(r.get_by_text("awaiting your manager's countersignature")).to_be_visible()
    m.reload()
    m.get_by_role("button", name="Countersign R-").click()
    said(m, "countersigned")

    r.reload()
    link = r.get_by_role("link", name="(PDF)").first
    pdf = r.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert f"{project} {title}" in pdf_text(pdf.body())
    r.reload()
    expect(r.get_by_text("Certified", exact=True)).to_be_visible()
    row = r.locator("article", has_text=project)
    expect(row.locator(".badge.ok", has_text="access")).to_be_visible()
    expect(row).to_contain_text("Two-factor session: signed in with two factors (R10)")
    row.get_by_role("link", name=f"Enter {project}").click()
    expect(r.get_by_text("You may work in this project now.")).to_be_visible()


# --- journey 3: an application, its review and approval, the quote ------------------------------


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


def apply_for_a_project(
    r: Any, folder: Path, *, title: str, starts_on: date, sample_size: int = 5000
) -> str:
    """The researcher fills the basket from the catalogue, writes the application with its
    justifications and population, reads the findings and submits; returns its URL."""
    from tests.projects.conftest import PDF

    today = timezone.localdate()
    main_link(r, "Catalogue")
    expect(r.get_by_role("link", name="POPULATION").first).to_be_visible()
    add_to_basket(r, "POPULATION", "sex", 2010, 2020)
    add_to_basket(r, "POPULATION", "birth_date", 2010, 2010)

    # Start an application: the basket becomes the variable list.
    main_link(r, "Applications")
    r.get_by_role("link", name="Start a new application").click()
    r.get_by_label("Project title").fill(title)
    r.get_by_role("button", name="Save as draft").click()
    said(r, "saved")
    findings = r.get_by_test_id("findings")
    expect(findings).to_contain_text("R11")
    expect(findings).to_contain_text("POPULATION.birth_date is particularly identifying")

    # Step 1: the project and its protocol.
    r.get_by_label("Purpose").fill("How life courses differ between the sexes.")
    r.get_by_label("Project description").fill("A register study of cohorts born 1980-1990.")
    settle(r)
    r.get_by_role("button", name="Save draft").click()
    protocol = folder / "protocol.pdf"
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
    r.get_by_label("Project starts").fill(starts_on.isoformat())
    r.get_by_label("Project ends").fill((today + timedelta(days=730)).isoformat())
    r.get_by_label("Sample size", exact=True).fill(str(sample_size))
    r.get_by_label("How the sample size was chosen").fill("Power calculation")
    settle(r)
    r.get_by_role("button", name="Save draft").click()
    expect(r.get_by_test_id("findings")).to_contain_text("Define the population with criteria")
    # The population as criteria over the catalogue: a code not in the code list is refused.
    # Any catalogue variable is suggested as one types, not only the basket's (issue 16).
    typed = r.get_by_role("form", name="Add a criterion").get_by_label("Catalogue variable")
    typed.fill("wage")
    expect(r.locator('#population-variables option[value="INCOME.wage_income"]')).to_be_attached()
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
    return str(r.url)


def review_and_approve(h: Any, a: Any, r: Any, application_url: str, handler: str) -> None:
    """The case handler takes the case, reviews, asks, gets the answer and recommends; a second
    person approves and the project exists (R17, four eyes)."""
    today = timezone.localdate()
    main_link(h, "Project applications")
    due = (today + timedelta(days=30)).isoformat()
    expect(h.get_by_test_id("case").first).to_contain_text(due)
    h.get_by_role("button", name="Take A-").first.click()
    said(h, f"is handled by {handler}, due {due}")
    h.get_by_label("Case handler").select_option(label="Mine")
    h.get_by_role("button", name="Show").click()
    expect(h.get_by_test_id("case")).to_have_count(1)
    h.get_by_role("link", name="A-").first.click()
    expect(h.get_by_test_id("case")).to_contain_text(f"Case handler: {handler} · due {due}")
    expect(h.get_by_test_id("population")).to_contain_text("POPULATION.birth_date")
    step_done(h, "Start the review", exact=True)
    h.get_by_label("Question to the applicant").fill("Why months, not years?")
    h.get_by_role("button", name="Send the question").click()
    r.goto(application_url)
    r.get_by_label("Your answer").fill("School start depends on the birth month.")
    r.get_by_role("button", name="Send the answer").click()
    h.goto(application_url)
    expect(h.get_by_text("School start depends on the birth month.")).to_be_visible()
    h.get_by_label("Note").fill("Meets the rules; the months are needed.")
    step_done(h, "Recommend approval", exact=True)
    expect(h.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    a.goto(application_url)
    step_done(a, "Approve", exact=True)
    expect(a.get_by_test_id("application-state")).to_have_text("Approved")
    expect(a.get_by_role("link", name="P-")).to_be_visible()


def quote_accepted_and_invoiced(h: Any, m: Any, s: Any, r: Any, application_url: str) -> None:
    """The case handler offers a quote (R18), the manager accepts it and gets the contract,
    the secretary invoices; the researcher sees the invoice but not its PDF."""
    h.goto(application_url)
    h.get_by_role("button", name="Offer a quote").click()
    expect(h.get_by_test_id("quote")).to_contain_text("VAT 25 %")
    m.goto(application_url)
    m.get_by_text("Accept the quote for").click()
    expect(m.get_by_role("group", name="Confirm: Accept the quote")).to_contain_text(
        "agrees to pay"
    )
    m.get_by_role("button", name="Yes, accept the quote").click()
    expect(m.get_by_test_id("quote")).to_contain_text("Accepted")
    contract = m.request.get(m.get_by_role("link", name="The contract (PDF)").get_attribute("href"))
    assert contract.ok and contract.body().startswith(b"%PDF")

    s.goto(application_url)
    s.get_by_role("button", name="Issue the invoice").click()
    expect(s.get_by_test_id("invoice")).to_contain_text("Invoice INV-")
    m.reload()
    invoice = m.request.get(m.get_by_role("link", name="The invoice (PDF)").get_attribute("href"))
    assert invoice.ok and invoice.body().startswith(b"%PDF")
    r.goto(application_url)
    expect(r.get_by_test_id("invoice")).to_be_visible()
    expect(r.get_by_role("link", name="The invoice (PDF)")).to_have_count(0)


# --- journey 4: the data are delivered -----------------------------------------------------------


def deliver(
    handler: Any,
    researcher: Any,
    project: Any,
    *,
    plan_shows: str,
    file: str,
    copies: tuple[str, ...] = (),
) -> Any:
    """The case handler plans the delivery from the approved scope and starts it; the worker
    runs it and the page turns to delivered by itself (htmx); the researcher finds it on the project
    page with its checksums and reads the codebook. Returns the delivery."""
    from fivesafes.delivery.models import Delivery
    from tests.delivery.conftest import run_queued

    handler.goto(f"/projects/{project.pk}/")
    handler.get_by_role("link", name="Plan a delivery from the approved scope").click()
    expect(handler.get_by_test_id("readiness")).to_contain_text("Ready")
    for label in copies:  # copies in other formats besides Parquet
        handler.get_by_label(label).check()
    handler.get_by_role("button", name="Compile the plan").click()
    expect(handler.locator("#delivery-state")).to_have_text("Planned")
    expect(handler.get_by_test_id("plan")).to_contain_text(plan_shows)
    handler.get_by_role("button", name="Start the delivery").click()
    said(handler, "Delivery 1 is running.")
    expect(handler.locator("#delivery-progress")).to_contain_text("this page updates itself")

    delivered = run_queued(Delivery.objects.get(project=project))  # what the worker does
    assert delivered.state == "delivered", delivered.error
    expect(handler.locator("#delivery-state")).to_have_text("Delivered", timeout=10_000)
    expect(handler.get_by_test_id("delivery-file").filter(has_text=file)).to_have_count(1)

    researcher.goto(f"/projects/{project.pk}/")
    row = researcher.get_by_test_id("delivery")
    expect(row.get_by_test_id("delivery-state")).to_have_text("Delivered")
    expect(row).to_contain_text(delivered.files[0]["sha256"])
    row.get_by_role("link", name="Codebook").click()
    expect(researcher.get_by_role("heading", name="Codebook")).to_be_visible()
    return delivered


# --- journey 5: analysis in the workspace -------------------------------------------------------


def run_a_script(
    tab: Any, project: Any, script: str, *, prints: str, writes: str, header: str
) -> None:
    """A member writes a script in the workspace's shared files, runs it as a batch run,
    watches its output arrive (htmx) and finds the file it wrote among the outputs; nothing
    in the workspace offers a download (R20), only asking for a release."""
    from fivesafes.workspace.models import Run
    from fivesafes.workspace.services.execution import read_log
    from tests.workspace.conftest import run_queued

    tab.goto(f"/workspace/{project.pk}/")
    expect(tab.get_by_text("You may work in this project now.")).to_be_visible()
    tab.get_by_role("navigation", name="Workspace").get_by_role("link", name="Shared files").click()
    tab.get_by_role("link", name="New text file").click()
    tab.get_by_label("File name").fill("counts.py")
    tab.locator("textarea[name=text]").fill(script)
    tab.get_by_role("button", name="Save").click()
    expect(tab.locator("#file-text")).to_contain_text(script.splitlines()[0])

    tab.get_by_role("link", name="Run it").click()
    expect(tab.get_by_label("Script")).to_have_value("/project/files/counts.py")
    tab.get_by_role("button", name="Start the run").click()
    expect(tab.locator("#run-state")).to_have_text("Queued")
    expect(tab.locator("#run-output")).to_contain_text("this page updates itself")

    ran = run_queued(Run.objects.get(project=project))  # what the workspace worker does
    assert ran.state == "finished", (ran.words, read_log(ran)[0])
    expect(tab.locator("#run-state")).to_have_text("Finished", timeout=15_000)
    expect(tab.locator("#run-log")).to_contain_text(prints)
    expect(tab.get_by_test_id("written-file")).to_contain_text(f"/project/outputs/{writes}")

    tab.get_by_role("navigation", name="Workspace").get_by_role("link", name="Outputs").click()
    expect(tab.get_by_test_id("entry")).to_contain_text(writes)
    tab.get_by_role("link", name=writes).click()
    expect(tab.locator("#file-text")).to_contain_text(header)
    tab.goto(f"/workspace/{project.pk}/")
    expect(tab.get_by_test_id("output-file")).to_contain_text(writes)
    expect(tab.get_by_role("button", name="Ask to release outputs")).to_be_visible()
    expect(tab.get_by_role("link", name="Download", exact=True)).to_have_count(0)


# --- journey 6: a release ----------------------------------------------------------------------


def ask_to_release(r: Any, project: Any, files: list[tuple[str, str, str]]) -> Any:
    """The researcher starts a release request and adds files of the outputs area, each with
    what it shows and a CSV table's column roles, and submits; returns the request."""
    from fivesafes.release.models import ReleaseRequest

    r.goto("/release/")
    r.get_by_role("button", name=f"New release request for {project.number}").click()
    said(r, "Release request started")
    for path, context, roles in files:
        form = r.get_by_role("form", name="Add a file")
        form.get_by_label("File in the outputs area").fill(path)
        form.get_by_label("What the file shows").fill(context)
        form.get_by_label("Column roles").fill(roles)
        form.get_by_role("button", name="Add the file").click()
        said(r, f"{path} added.")
    r.get_by_role("button", name="Submit for checking").click()
    said(r, "Submitted: the automatic checks are running.")
    return ReleaseRequest.objects.get(project=project)


def checks_run(release: Any) -> None:
    from fivesafes.release.services import requests

    requests.run_checks(release.pk)  # the check job, where the worker would run it


def flagged_cell_is_fixed(
    r: Any, project: Any, release: Any, *, path: str, cell: str, reason: str, fixed: str
) -> None:
    """The automatic checks return the request with the failing cell named; the researcher
    fixes the table in the workspace, updates the file (its reviews start again) and submits
    again; the checks send it to two checkers."""
    from tests.release.conftest import write_output

    checks_run(release)
    r.reload()
    expect(r.locator("#state")).to_contain_text("Returned to the researcher")
    expect(r.get_by_text(cell, exact=True)).to_be_visible()  # the cell to fix
    expect(r.locator("#route")).to_contain_text(reason)

    write_output(project, path, fixed)  # fixed in the workspace
    card = r.locator("section.card", has=r.get_by_role("heading", name=path))
    card.get_by_text(f"Update {path}").click()
    card.get_by_label("What the file shows").fill("People by region and sex, small cells merged")
    card.get_by_role("button", name="Update (its reviews start again)").click()
    said(r, "updated")
    r.get_by_role("button", name="Submit for checking").click()
    checks_run(release)
    r.reload()
    expect(r.locator("#state")).to_contain_text("Checked: waiting for two checkers")


def vote(tab: Any, path: str, decision: str, comment: str = "") -> None:
    card = tab.locator("section.card", has=tab.get_by_role("heading", name=path))
    card.get_by_label("Your vote").select_option(label=decision)
    if comment:
        card.get_by_label("Comment (hidden from the other checker until both have voted)").fill(
            comment
        )
    card.get_by_role("button", name=f"Vote on {path}").click()
    said(tab, f"Your vote on {path} is recorded.")


def two_checkers_approve(first: Any, second: Any, release: Any, paths: list[str]) -> None:
    """Two output checkers vote on every file; each sees only their own vote and comment until
    both are in; the first approves the release (R22, four eyes)."""
    first.goto("/release/queue/")
    first.get_by_role("link", name=release.reference).click()
    expect(first.locator("table.checked-table")).to_be_visible()  # checkers see the values
    comment = "Axes are labelled; no small groups."
    for number, path in enumerate(paths):
        vote(first, path, "Approve", comment if number == len(paths) - 1 else "")
    first.get_by_role("button", name="Submit my review").click()
    said(first, "Your review is submitted.")

    second.goto(f"/release/requests/{release.pk}/")
    expect(second.get_by_text("1 vote hidden until both checkers have voted").first).to_be_visible()
    expect(second.get_by_text("Axes are labelled")).to_have_count(0)
    for path in paths:
        vote(second, path, "Approve")
    expect(second.get_by_text(comment)).to_be_visible()
    second.get_by_role("button", name="Submit my review").click()
    said(second, "Your review is submitted.")
    first.reload()
    first.get_by_role("button", name="Approve the release").click()
    said(first, "Approved: the files are released in the next batch.")


def released_mailed_and_downloaded(
    r: Any, mailoutbox: list[Any], researcher: Any, contents: dict[str, bytes]
) -> None:
    """The five-minute batch releases the files and mails them to the researcher; a member
    downloads one from the released files (the only download route)."""
    from fivesafes.release.services import release as releasing

    releasing.run_batch()  # the five-minute batch
    mails = [m for m in mailoutbox if m.subject.startswith("Released files")]
    assert len(mails) == 1, [m.subject for m in mailoutbox]
    assert mails[0].to == [researcher.email]
    assert {name: content for name, content, _type in mails[0].attachments} == contents

    r.goto("/release/")
    with r.expect_download() as download:
        r.get_by_role("link", name="Download").first.click()
    path = download.value.path()
    assert path is not None
    assert Path(path).read_bytes() in contents.values()


# --- journey 7: the project ends ---------------------------------------------------------------


def register_publication(r: Any, project: Any) -> None:
    """R23: the researcher registers a publication for scrutiny on the project's page."""
    main_link(r, "Projects")
    r.get_by_role("link", name=project.number).click()
    r.get_by_label("Title").fill("Incomes by age: a register study")
    r.get_by_label("Journal, report series, DOI or URL").fill("Working paper 2027:1")
    r.get_by_role("button", name="Register the publication for scrutiny").click()
    expect(r.get_by_test_id("publication")).to_contain_text("Waiting for scrutiny")


def daily_job_reminds_and_closes(r: Any, project: Any) -> None:
    """Before the end the daily job reminds once, however often it runs; after the end date it
    closes the project and the researcher's access ends at once (R25)."""
    from django.core import mail

    from fivesafes.projects.tasks import run_daily_sweep

    soon = project.ends_on - timedelta(days=5)
    assert run_daily_sweep(on=soon) == {"closed": 0, "reminded": 1}
    assert run_daily_sweep(on=soon) == {"closed": 0, "reminded": 0}
    reminders = [m for m in mail.outbox if m.subject.startswith(f"Project {project.number}")]
    assert [m.subject for m in reminders] == [f"Project {project.number} ends on {project.ends_on}"]

    assert run_daily_sweep(on=project.ends_on + timedelta(days=1))["closed"] == 1
    r.reload()
    expect(r.get_by_test_id("project-state")).to_have_text("Closed")
    denied = r.goto(f"/people/projects/{project.pk}/")
    assert denied is not None and denied.status == 403
    expect(r.get_by_text("Researcher agreement")).to_be_visible()


def deletion_and_scrutiny_recorded(h: Any, project: Any) -> None:
    """Staff record the deletion of the data and the result of the scrutiny (R23, R25)."""
    from fivesafes.audit.presentation import in_words

    h.goto(f"/projects/{project.pk}/")
    h.get_by_role("button", name="Record that the data are deleted").click()
    said(h, "The deletion of the data is recorded")
    main_link(h, "Scrutiny")
    h.get_by_role("link", name=project.number).click()
    h.get_by_label("Result").select_option(label="No objection")
    h.get_by_role("button", name="Record the scrutiny").click()
    expect(h.get_by_test_id("publication")).to_contain_text("No objection")
    expect(h.get_by_text(in_words("project.closed"), exact=True).first).to_be_visible()


# --- journey 8: a breach -----------------------------------------------------------------------


def report_breach(checker: Any, username: str) -> None:
    """An output checker reports a breach; a program passed off as a PDF is refused by its
    content, a real text file is taken as evidence."""
    main_link(checker, "Report a breach")
    checker.get_by_label("Researcher (username or e-mail)").fill(username)
    checker.get_by_label("What happened").fill("Tried to take out individual records.")
    checker.get_by_role("textbox", name="Evidence").fill(
        "Output request 17, transfer log 2026-11-21."
    )
    checker.get_by_label("Evidence files").set_input_files(
        [{"name": "log.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 program"}]
    )
    checker.get_by_role("button", name="Report the breach").click()
    expect(checker.locator(".field.has-error .error")).to_contain_text(
        "The file is a Windows program, whatever its name says. "
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
    said(checker, "reported; an approver decides")


def exclusion_decided(a: Any) -> date:
    """The approver reads the evidence and decides: two years is refused, three years is
    accepted (R24); returns the day the exclusion ends."""
    from fivesafes.people.rules import add_years

    today = timezone.localdate()
    main_link(a, "Breaches")
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
        "Exclusion ends on: An exclusion lasts at least 3 years"
    )
    ends = add_years(today, 3)
    a.get_by_label("Exclusion ends on").fill(ends.isoformat())
    a.get_by_text("Decide the sanction", exact=True).click()
    a.get_by_role("button", name="Yes, decide the sanction").click()
    said(a, "the sanction is in force now")
    expect(a.get_by_test_id("breach-state")).to_have_text("Decided")
    return ends


def excluded_reaches_nothing(r: Any, username: str, ends: date, project_url: str) -> None:
    """At once the excluded researcher's session has ended, and signing in again is refused at
    the password step with the reason; no code is asked for."""
    r.goto(project_url)
    expect(r.get_by_label("Username or e-mail address")).to_be_visible()
    r.get_by_label("Username or e-mail address").fill(username)
    r.get_by_label("Password").fill(PASSWORD)
    r.get_by_role("button", name="Continue").click()
    expect(r.locator("main form")).to_contain_text(
        f"You cannot sign in: You are excluded from the research schemes until {ends}"
    )
    expect(r.get_by_label("Authenticator code")).to_have_count(0)
    r.goto(project_url)
    expect(r.get_by_label("Username or e-mail address")).to_be_visible()
