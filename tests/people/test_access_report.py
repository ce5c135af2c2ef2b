"""Who has access to what: by person, project, institution and register, today and why."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from fivesafes.policy.access_report import access_report
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.page_text import shown
from tests.people.test_api import api_client


def catalogue(*names: str) -> None:
    from fivesafes.data.models import CatalogueRegister

    for name in names:
        CatalogueRegister.objects.create(
            short_name=name, subject_area="population", unit_type="person"
        )


def second_project(world, number="P-2026-002"):
    from fivesafes.people.services import agreements
    from fivesafes.projects.models import Project, ProjectMembership

    today = timezone.localdate()
    project = Project.objects.create(
        number=number,
        title="Firm dynamics",
        institution=world.institution,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=300),
        responsible=world.manager,
        approved_scope={"variables": {"FIRM.turnover": {"first_year": 2010, "last_year": 2020}}},
    )
    ProjectMembership.objects.create(project=project, person=world.researcher)
    agreement = agreements.create(
        actor=world.manager,
        researcher=world.researcher,
        project=project,
        starts_on=today,
        ends_on=today + timedelta(days=30),
        allowed_networks="192.0.2.0/24",
    )
    agreements.sign(actor=world.researcher, agreement=agreement)  # not countersigned
    return project


def with_scope(world) -> None:
    world.project.approved_scope = {
        "variables": {
            "BEF.income": {"first_year": 2010, "last_year": 2020},
            "BEF.birth_date": {"first_year": 2010, "last_year": 2020},
            "FIRM.size": {"first_year": 2015, "last_year": 2020},
        }
    }
    world.project.save()


def test_by_register_names_the_project_and_its_variables(world) -> None:
    catalogue("BEF", "FIRM", "UDDA")
    with_scope(world)
    second_project(world)
    [row] = access_report(register="bef")
    assert (row.person, row.project) == (world.researcher, world.project)
    assert row.answer.allowed
    assert row.variables == ["BEF.birth_date", "BEF.income"]
    firm = access_report(register="FIRM")
    assert [(r.project.number, r.answer.allowed) for r in firm] == [
        ("P-2026-001", True),
        ("P-2026-002", False),
    ]
    assert "has not countersigned" in firm[1].answer.reason
    assert [r.project.number for r in access_report(register="FIRM", only_with_access=True)] == [
        "P-2026-001"
    ]
    assert access_report(register="UDDA") == []


def test_the_register_report_page_and_api(world, make_user) -> None:
    catalogue("BEF", "FIRM")
    with_scope(world)
    second_project(world)
    auditor = make_user(Role.AUDITOR)
    page = verified_client(auditor).get(reverse("people:access_report"), {"register": "FIRM"})
    assert page.status_code == 200
    assert "P-2026-002 Firm dynamics" in page.text and "FIRM.turnover" in page.text
    assert "P-2026-001 Labour market careers" in page.text and "FIRM.size" in page.text
    unknown = verified_client(auditor).get(reverse("people:access_report"), {"register": "NOPE"})
    assert unknown.status_code == 400
    assert "Register: The catalogue has no register named 'NOPE' (R26)." in shown(unknown)

    api = api_client(auditor)
    rows = api.get("/api/v1/people/access-report", {"register": "FIRM"}).json()["items"]
    assert [(r["project"], r["allowed"], r["variables"]) for r in rows] == [
        ("P-2026-001", True, ["FIRM.size"]),
        ("P-2026-002", False, ["FIRM.turnover"]),
    ]
    rows = api.get(
        "/api/v1/people/access-report", {"register": "FIRM", "only_with_access": "true"}
    ).json()["items"]
    assert [r["project"] for r in rows] == ["P-2026-001"]
    refused = api.get("/api/v1/people/access-report", {"register": "NOPE"})
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "The catalogue has no register named 'NOPE' (R26, field: register).",
        "rule": "R26",
        "field": "register",
    }


def test_a_closed_project_shows_no_access_in_the_report(world) -> None:
    world.project.state = "closed"
    world.project.save()
    [row] = access_report(person="rikke")
    assert not row.answer.allowed
    assert row.answer.reason == "Project active: project P-2026-001 was closed (R25)"
