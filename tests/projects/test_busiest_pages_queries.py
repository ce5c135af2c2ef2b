"""The ten busiest pages cost the same number of SQL queries for 1 row as for 20 (issue 15).

The researcher's and the case handler's dashboards and the lists they open all day (the pages
`fivesafes bench web` visits): each is rendered with one row of what it lists and again with
twenty; a page whose query count grows with its rows (a query per row) fails, naming the page
and both counts. Each list is also checked to show its twenty rows, so a page that stopped
listing them cannot pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import verified_client

ROWS = 20


def projects(pw: Any, numbers: range) -> None:
    """Active projects of the researcher's institution, the researcher a member of each."""
    from fivesafes.projects.models import Project, ProjectMembership

    today = timezone.localdate()
    for n in numbers:
        project = Project.objects.create(
            number=f"P-2099-{n:03d}",
            title=f"Row {n} project",
            institution=pw.institution,
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=365),
            responsible=pw.manager,
        )
        ProjectMembership.objects.create(project=project, person=pw.researcher)


def applications(pw: Any, numbers: range) -> None:
    """Submitted applications of the researcher, every other one assigned to the handler."""
    from fivesafes.projects.models import Application, ApplicationMember

    for n in numbers:
        application = Application.objects.create(
            applicant=pw.researcher,
            institution=pw.institution,
            title=f"Row {n} study",
            state="submitted",
            due_on=timezone.localdate() + timedelta(days=n),
            case_handler=pw.case_handler if n % 2 else None,
        )
        ApplicationMember.objects.create(application=application, person=pw.researcher)


def release_requests(pw: Any, numbers: range) -> None:
    """Release requests by the researcher in one of their projects, a file in each."""
    from fivesafes.projects.models import Project
    from fivesafes.release.models import ReleaseRequest, RequestFile

    if not Project.objects.filter(number="P-2099-900").exists():
        projects(pw, range(900, 901))
    project = Project.objects.get(number="P-2099-900")
    for n in numbers:
        request = ReleaseRequest.objects.create(project=project, author=pw.researcher)
        RequestFile.objects.create(
            request=request, path=f"Row {n} table.csv", context="counts", added_by=pw.researcher
        )


def cases(pw: Any, numbers: range) -> None:
    """Institutions applying for authorisation, each with its own manager."""
    from fivesafes.people.services import authorisation
    from fivesafes.policy.permissions import Role

    for n in numbers:
        manager = pw.make_user(Role.INSTITUTION_MANAGER)
        authorisation.apply(
            actor=manager,
            name=f"Row {n} Institute",
            kind="university",
            country="DK",
            recognition="Research council",
            address="Street 1",
            application_text="Register research.",
            research_group="Ann\nBo",
        )


def breaches(pw: Any, numbers: range) -> None:
    from fivesafes.people.models import Breach

    for n in numbers:
        Breach.objects.create(
            researcher=pw.researcher,
            institution=pw.institution,
            what_happened=f"Row {n} breach: a table left the secure area",
            evidence="Log",
            reported_by=pw.case_handler,
        )


NAMED = r"Row (\d+)\b"  # the rows' names
# (page, who opens it, what grows its rows, how a row shows on the page: a pattern, or None
# for a dashboard, which shows counts)
PAGES: list[tuple[str, str, Callable[[Any, range], None], str | None]] = [
    ("web:dashboard", "researcher", applications, None),
    ("projects:projects", "researcher", projects, NAMED),
    ("projects:my_applications", "researcher", applications, NAMED),
    ("people:my_access", "researcher", projects, NAMED),
    ("release:my_requests", "researcher", release_requests, r"\bR-(\d+)\b"),
    ("web:dashboard", "case_handler", applications, None),
    ("people:cases", "case_handler", cases, NAMED),
    ("projects:review", "case_handler", applications, NAMED),
    ("people:breaches", "case_handler", breaches, r"\bB-(\d+)\b"),
    ("delivery:queue", "case_handler", projects, NAMED),
]


def _open(client: Any, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), response.content.decode()


@pytest.mark.parametrize(
    ("page", "who", "grow", "row"), PAGES, ids=[f"{p}-{w}" for p, w, _g, _r in PAGES]
)
def test_a_busy_page_costs_the_same_queries_for_1_and_20_rows(
    pw, make_user, page: str, who: str, grow: Callable[[Any, range], None], row: str | None
) -> None:
    pw.make_user = make_user
    client = verified_client(getattr(pw, who))
    url = reverse(page)
    grow(pw, range(1, 2))
    client.get(url)  # the first answer fills per-process caches; count from the second
    one, _ = _open(client, url)
    grow(pw, range(2, ROWS + 1))
    many, html = _open(client, url)
    if row is not None:
        shown = set(re.findall(row, html))
        assert len(shown) >= ROWS, f"{page} shows {len(shown)} of its {ROWS} rows"
    assert many == one, f"{page} ({who}): {one} queries with 1 row, {many} with {ROWS}"
