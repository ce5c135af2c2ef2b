"""The whole mission in one browser test, on a fresh database: journeys 1 to 8 of
`../shared/MISSION.md` one after the other, each person in their own browser, each step the
same as in the journey's own test (`journey_steps.py`).

An institution is authorised; a researcher joins it, sets up two factors and is certified;
she applies for a project, which is reviewed, approved and quoted; her agreement is signed;
the data are extracted from the generated registers by the real extraction core and
delivered; she counts them in a batch run in the workspace; she asks to release a table and a
figure, the automatic checks flag one cell, she fixes it, two checkers approve, the batch
releases and mails the files and she downloads one; the project ends, its data and its
unreleased outputs are deleted, the publication is scrutinised; a breach excludes her for
three years. (The worker is not running: where it would run a job, the test runs the job's
body.) Every tab is kept as a screenshot in test-artifacts/ when it fails.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fivesafes.policy.permissions import Role
from tests.browser import journey_steps as steps
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures
from tests.release.conftest import OK_TABLE, SMALL_CELL, write_output

pytestmark = pytest.mark.browser

INSTITUTION = "Aarhus Institute of Health Research"
TITLE = "Sex differences in life courses"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
SCRIPT = """import duckdb
con = duckdb.connect(config={"memory_limit": "300MB", "threads": 1})
con.execute(
    "COPY (SELECT count(*) AS persons FROM '/project/data/1/POPULATION.parquet') "
    "TO '/project/outputs/persons.csv' (HEADER)"
)
rows = con.execute("SELECT count(*) FROM '/project/outputs/persons.csv'").fetchall()[0][0]
print("persons counted:", rows, "row")
"""


@pytest.fixture
def office(catalogue, register_base, settings) -> Any:  # noqa: F811
    """The service's questions and folders: the certification test, a data folder the sandbox's user can traverse, holding the
    generated registers the catalogue describes; the file store; sampling of passing
    requests off, so the only way to the checkers is a flagged file; mail kept in memory."""
    from fivesafes.people.demo import ensure_questions
    from tests.conftest import use_file_store
    from tests.workspace.conftest import FAST

    ensure_questions()  # the certification test's questions

    root = Path(tempfile.mkdtemp(prefix="fivesafes-mission-"))
    root.chmod(0o755)
    settings.DATA_DIR = root
    (root / "registers").symlink_to(register_base, target_is_directory=True)
    use_file_store(settings, root / "files")
    settings.FIVESAFES_WORKSPACE_LIMITS = FAST
    settings.FIVESAFES_RELEASE_SAMPLE_RATE = 0.0
    settings.FIVESAFES_RELEASE_RISK_SAMPLE_RATE = 0.0
    settings.FIVESAFES_RELEASE_AFTER_REVIEW_RATE = 0.0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_the_whole_mission_from_authorisation_to_exclusion(
    office,
    person_page,  # noqa: F811
    page,
    make_user,
    mailoutbox,
    request,
    tmp_path,
) -> None:
    tabs: dict[str, Any] = {"researcher": page}
    try:
        mission(office, person_page, make_user, mailoutbox, tabs, tmp_path)
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        for who, tab in tabs.items():
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{who}.png"), full_page=True)
        raise


def mission(office, person_page, make_user, mailoutbox, tabs, folder) -> None:  # noqa: F811
    from fivesafes.delivery import folders
    from fivesafes.delivery.services.closure import delete_project_data
    from fivesafes.projects.models import Project
    from fivesafes.release.services.closure import clear_frozen_copies

    # Journey 1: the institution is authorised.
    for who, role, username in (
        ("manager", Role.INSTITUTION_MANAGER, "head"),
        ("handler", Role.CASE_HANDLER, "handler"),
        ("approver", Role.APPROVER, "chief"),
        ("secretary", Role.SECRETARY, "clerk"),
    ):
        tabs[who] = person_page(make_user(role, username=username))
    m, h, a, s, r = (tabs[k] for k in ("manager", "handler", "approver", "secretary", "researcher"))
    steps.authorise_institution(tabs, INSTITUTION)

    # Journey 2: a researcher joins, sets up two factors and is certified.
    researcher = make_user(Role.RESEARCHER, username="ida", with_device=False)
    institution_url = steps.attach_researcher(m, INSTITUTION, "ida")
    steps.first_sign_in_with_two_factors(r, "ida")
    steps.pass_certification(r)

    # Journey 3: her application, its review, approval and quote; then her agreement.
    application_url = steps.apply_for_a_project(
        r, folder, title=TITLE, starts_on=timezone.localdate(), sample_size=50
    )
    steps.review_and_approve(h, a, r, application_url, "handler")
    steps.quote_accepted_and_invoiced(h, m, s, r, application_url)
    project = Project.objects.get()
    steps.sign_researcher_agreement(
        m, r, institution_url=institution_url, username="ida", project=project.number, title=TITLE
    )

    # Journey 4: extracted from the registers, pseudonymised for the project, delivered.
    steps.deliver(h, r, project, plan_shows="POPULATION", file="POPULATION.parquet")
    data = folders.project_data_dir(project.number)
    assert (data / "1" / "POPULATION.parquet").is_file()

    # Journey 5: a batch run in the workspace counts the delivered persons.
    steps.run_a_script(
        r, project, SCRIPT, prints="persons counted: 1 row", writes="persons.csv", header="persons"
    )

    # Journey 6: a table with a small cell and a figure; fixed, reviewed, released, mailed.
    write_output(project, "tables/income.csv", SMALL_CELL)
    write_output(project, "figures/trend.png", PNG)
    release = steps.ask_to_release(
        r,
        project,
        [
            (
                "tables/income.csv",
                "People by region and sex",
                "region=label, sex=label, n=frequency",
            ),
            ("figures/trend.png", "Trend of the mean income", ""),
        ],
    )
    steps.flagged_cell_is_fixed(
        r,
        project,
        release,
        path="tables/income.csv",
        cell="region=South, sex=F",
        reason="only 3 contributors",
        fixed=OK_TABLE,
    )
    tabs["checker"] = person_page(make_user(Role.OUTPUT_CHECKER, username="olga"))
    tabs["second checker"] = person_page(make_user(Role.OUTPUT_CHECKER, username="oskar"))
    steps.two_checkers_approve(
        tabs["checker"], tabs["second checker"], release, ["tables/income.csv", "figures/trend.png"]
    )
    steps.released_mailed_and_downloaded(
        r, mailoutbox, researcher, {"income.csv": OK_TABLE.encode(), "trend.png": PNG}
    )

    # Journey 7: the publication for scrutiny; the project ends; its data and its unreleased
    # outputs are deleted (the jobs the closure queues, run here); staff record it.
    steps.register_publication(r, project)
    steps.daily_job_reminds_and_closes(r, project)
    project.refresh_from_db()
    assert delete_project_data(project=project).verified and not data.exists()
    cleared = clear_frozen_copies(project=project)
    # The first submission's copies of both files (the table was updated, so both were
    # frozen again) go; the two released files stay for the release log.
    assert cleared.verified and (cleared.files, cleared.kept_released) == (2, 2)
    steps.deletion_and_scrutiny_recorded(h, project)

    # Journey 8: a breach; she is excluded for three years and reaches nothing.
    steps.report_breach(tabs["checker"], "ida")
    ends = steps.exclusion_decided(a)
    steps.excluded_reaches_nothing(r, "ida", ends, f"/people/projects/{project.pk}/")
