"""API lists page with `limit`/`offset`, report the total, and cost the same number of SQL
queries for 1 row as for 50."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivesafes.projects.models import Application, ApplicationMember, Project, ProjectMembership
from tests.conftest import verified_client


def _applications(pw, count: int) -> None:
    for n in range(count):
        application = Application.objects.create(
            applicant=pw.researcher,
            institution=pw.institution,
            title=f"Study {n}",
            state="submitted",
            due_on=timezone.localdate() + timedelta(days=n),
            case_handler=pw.case_handler if n % 2 else None,
        )
        ApplicationMember.objects.create(application=application, person=pw.researcher)


def _projects(pw, count: int) -> None:
    today = timezone.localdate()
    first = Project.objects.count()
    for n in range(first, first + count):
        project = Project.objects.create(
            number=f"P-2099-{n:03d}",
            title=f"Project {n}",
            institution=pw.institution,
            starts_on=today,
            ends_on=today + timedelta(days=365),
            responsible=pw.researcher,
        )
        ProjectMembership.objects.create(project=project, person=pw.researcher)


def _queries(client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/projects{path}", {"limit": 500})
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def test_the_application_list_costs_the_same_queries_for_1_and_50_rows(pw) -> None:
    staff, researcher = verified_client(pw.case_handler), verified_client(pw.researcher)
    _applications(pw, 1)
    one_staff, body = _queries(staff, "/applications")
    one_own, _ = _queries(researcher, "/applications")
    assert body["count"] == 1
    _applications(pw, 49)
    fifty_staff, body = _queries(staff, "/applications")
    fifty_own, own = _queries(researcher, "/applications")
    assert body["count"] == 50 and len(body["items"]) == 50 and own["count"] == 50
    assert (fifty_staff, fifty_own) == (one_staff, one_own)


def test_the_project_list_costs_the_same_queries_for_1_and_50_rows(pw) -> None:
    researcher = verified_client(pw.researcher)
    _projects(pw, 1)
    one, body = _queries(researcher, "")
    assert body["count"] == 1 and body["items"][0]["members"] == ["rikke"]
    _projects(pw, 49)
    fifty, body = _queries(researcher, "")
    assert body["count"] == 50 and len(body["items"]) == 50
    assert fifty == one


def test_lists_page_without_a_silent_cut(pw) -> None:
    _applications(pw, 7)
    client = verified_client(pw.case_handler)
    first = client.get("/api/v1/projects/applications", {"limit": 3}).json()
    rest = client.get("/api/v1/projects/applications", {"limit": 3, "offset": 6}).json()
    assert first["count"] == rest["count"] == 7
    assert len(first["items"]) == 3 and len(rest["items"]) == 1
    # The earliest due first, the same order as the review page.
    dues = [a["due_on"] for a in first["items"]]
    assert dues == sorted(dues)
    too_many = client.get("/api/v1/projects/applications", {"limit": 501})
    assert too_many.status_code == 422 and "limit" in too_many.json()["detail"]
