"""Issue 16, continued: journeys 4, 5, 7 and 8 with the keyboard alone (WCAG 2.1.1, 2.1.2,
2.4.7).

The worlds are built through the services and each person signs in as the other browser tests
do (the keyboard sign-in is walked in `test_keyboard.py`); from the first page of the journey
on, nobody clicks or fills a field picked by the test: they Tab to a control
(`keyboard.tab_to`, which checks that the focus shows on every stop), type into it and press
Enter or Space. Journeys: the delivery room plans and starts a delivery and opens its page;
a member saves a script in the workspace, runs it and reads its output; the responsible
researcher closes a project early through its confirmation and staff record the deletion; a
breach is reported with evidence and the sanction decided through its confirmation.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser import journey_steps as steps
from tests.browser import keyboard as kb
from tests.browser.test_people_journeys import authorised_world, person_page  # noqa: F401
from tests.browser.test_project_journeys import people, running_project  # noqa: F401
from tests.delivery.conftest import core, dw  # noqa: F401 - fixtures
from tests.projects.conftest import pw, upload_dir  # noqa: F401 - fixtures
from tests.workspace.conftest import data_dir, write_data, ww  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def follow(page: Any, target: Any) -> None:
    """Tab to a link (or a form's button) and press Enter; wait for the page it opens."""
    kb.tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_journey_4_the_delivery_room_plans_and_starts_a_delivery(
    dw,  # noqa: F811
    person_page,  # noqa: F811
) -> None:
    from fivesafes.delivery.models import Delivery
    from tests.delivery.conftest import run_queued

    h = person_page(dw.handler)
    h.goto(f"/projects/{dw.project.pk}/")  # the project's link in the case list
    kb.press_on(h, "Plan a delivery from the approved scope")
    expect(h.get_by_test_id("readiness")).to_contain_text("Ready")
    kb.press_on(h, "Stata (.dta)", "Space")  # a copy in Stata's format besides Parquet
    expect(h.get_by_label("Stata (.dta)")).to_be_checked()
    kb.press_on(h, "Compile the plan")
    expect(h.locator("#delivery-state")).to_have_text("Planned")
    expect(h.get_by_test_id("plan")).to_contain_text("persons.birth_date 2010-2010")
    kb.press_on(h, "Start the delivery")
    steps.said(h, "Delivery 1 is running.")

    delivered = run_queued(Delivery.objects.get(project=dw.project))  # what the worker does
    assert delivered.state == "delivered", delivered.error
    expect(h.locator("#delivery-state")).to_have_text("Delivered", timeout=10_000)

    # Its page from the project's list of deliveries, and the codebook from there.
    h.goto(f"/projects/{dw.project.pk}/")
    kb.press_on(h, "Delivery 1")
    expect(h.locator("#delivery-state")).to_have_text("Delivered")
    expect(h.get_by_test_id("delivery-file").filter(has_text="PERSONS.parquet")).to_have_count(1)

    r = person_page(dw.researcher)
    r.goto(f"/projects/{dw.project.pk}/")
    kb.press_on(r, "Codebook")
    expect(r.get_by_role("heading", name="Codebook")).to_be_visible()


SCRIPT = """import duckdb
con = duckdb.connect(config={"memory_limit": "300MB", "threads": 1})
con.execute(
    "COPY (SELECT kommune, count(*) AS n FROM '/project/data/1/persons.parquet' "
    "GROUP BY kommune ORDER BY kommune) TO '/project/outputs/counts.csv' (HEADER)"
)
print("wrote", con.execute("SELECT count(*) FROM '/project/outputs/counts.csv'").fetchone()[0])
"""


def test_journey_5_a_member_saves_a_script_runs_it_and_reads_its_output(
    ww,  # noqa: F811
    person_page,  # noqa: F811
) -> None:
    import duckdb

    from fivesafes.workspace.models import Run
    from fivesafes.workspace.services.execution import read_log
    from tests.workspace.conftest import run_queued

    parquet = write_data(ww.project, "persons.parquet", "")
    duckdb.sql("SELECT range AS id, range % 3 AS kommune FROM range(300)").write_parquet(
        str(parquet)
    )
    parquet.chmod(0o644)

    t = person_page(ww.member)
    t.goto(f"/workspace/{ww.project.pk}/")  # "Enter P-2026-013" on the access page
    expect(t.get_by_text("You may work in this project now.")).to_be_visible()
    rooms = t.get_by_role("navigation", name="Workspace")
    follow(t, rooms.get_by_role("link", name="Shared files"))
    follow(t, "New text file")
    kb.enter_text(t, re.compile("^File name"), "counts.py")
    kb.tab_to(t, t.locator("textarea[name=text]"))
    t.keyboard.type(SCRIPT)  # Enter in the text makes new lines, it does not send the form
    follow(t, "Save")
    expect(t.locator("#file-text")).to_contain_text("import duckdb")

    follow(t, "Run it")
    expect(t.get_by_label("Script")).to_have_value("/project/files/counts.py")
    kb.press_on(t, "Start the run")
    expect(t.locator("#run-state")).to_have_text("Queued")

    ran = run_queued(Run.objects.get(project=ww.project))  # what the workspace worker does
    assert ran.state == "finished", (ran.words, read_log(ran)[0])
    expect(t.locator("#run-state")).to_have_text("Finished", timeout=15_000)
    expect(t.locator("#run-log")).to_contain_text("wrote 3")

    follow(t, rooms.get_by_role("link", name="Outputs"))
    follow(t, "counts.csv")
    expect(t.locator("#file-text")).to_contain_text("kommune,n")


def test_journey_7_the_responsible_researcher_closes_the_project_early(
    person_page,  # noqa: F811
    people,  # noqa: F811
    running_project,  # noqa: F811
    tmp_path,
    settings,
) -> None:
    settings.DATA_DIR = tmp_path
    project = running_project
    r = person_page(people["researcher"])
    r.goto(f"/projects/{project.pk}/")
    expect(r.get_by_test_id("project-state")).to_have_text("Active")
    kb.enter_text(r, "Why the project closes", "The analyses are done; the paper is out.")
    kb.press_on(r, "Close the project now")
    confirm = r.get_by_role("group", name="Confirm: Close the project now")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("every member's access ends at once")
    expect(r.get_by_test_id("project-state")).to_have_text("Active")  # asked, not done yet
    kb.press_on(r, "Yes, close the project")
    steps.said(r, f"Project {project.number} closed.")
    expect(r.get_by_test_id("project-state")).to_have_text("Closed")

    # The case handler records the deletion of the data.
    h = person_page(people["case_handler"])
    h.goto(f"/projects/{project.pk}/")
    kb.press_on(h, "Record that the data are deleted")
    steps.said(h, "The deletion of the data is recorded")
    expect(h.locator("#closure .badge.ok")).to_have_text("Data deleted")


def test_journey_8_a_breach_is_reported_and_the_sanction_decided(
    person_page,  # noqa: F811
    make_user,
    tmp_path,
) -> None:
    from fivesafes.people.rules import add_years
    from fivesafes.people.services import researchers
    from tests.people.conftest import add_member, certify

    world = authorised_world(make_user)
    researcher = make_user(Role.RESEARCHER, username="breacher")
    researchers.attach(
        actor=world["manager"], institution=world["institution"], researcher=researcher
    )
    certify(researcher)
    add_member(world["project"], researcher)

    # An output checker reports it with a text file as evidence, chosen in the file dialog.
    c = person_page(make_user(Role.OUTPUT_CHECKER))
    kb.open_page(c, "Report a breach")
    kb.enter_text(c, "Researcher (username or e-mail)", "breacher")
    kb.enter_text(c, "What happened", "Tried to take out individual records.")
    kb.enter_text(c, c.get_by_role("textbox", name="Evidence"), "Transfer log 2026-11-21.")
    log = tmp_path / "transfer log.txt"
    log.write_text("17:02 request 17 refused: 3 individual records\n")
    kb.tab_to(c, "Evidence files")
    with c.expect_file_chooser() as chooser:
        c.keyboard.press("Space")
    chooser.value.set_files(str(log))
    kb.press_on(c, "Report the breach")
    steps.said(c, "reported; an approver decides")

    # The approver decides three years' exclusion through the confirmation.
    a = person_page(world["approver"])
    kb.open_page(a, "Breaches")
    kb.press_on(a, re.compile("^B-"))
    expect(a.get_by_role("link", name="transfer_log.txt")).to_be_visible()
    kb.enter_text(a, "Decision and reasons", "Individual records: excluded for three years.")
    kb.enter_date(a, "Exclusion ends on", add_years(timezone.localdate(), 3))
    kb.press_on(a, "Decide the sanction")
    confirm = a.get_by_role("group", name="Confirm: Decide the sanction")
    expect(confirm).to_be_visible()
    expect(a.locator("details.confirm > summary")).to_be_focused()
    kb.press_on(a, "Yes, decide the sanction")
    steps.said(a, "the sanction is in force now")
    expect(a.get_by_test_id("breach-state")).to_have_text("Decided")
