"""Lists of the people API page with `limit`/`offset`, report the whole `count`, cut nothing
silently, and cost the same number of queries for one row as for fifty."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivesafes.accounts.models import User
from fivesafes.people.models import (
    AgreementSignature,
    Attachment,
    Authorisation,
    Institution,
    ResearcherAgreement,
)
from fivesafes.policy.permissions import Role
from tests.people.test_api import api_client


def queries_for(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def add_cases(count: int) -> None:
    for _ in range(count):
        n = Institution.objects.count() + 1
        institution = Institution.objects.create(name=f"Institute {n}", kind="university")
        Authorisation.objects.create(
            institution=institution,
            application_text="x",
            research_group="A\nB",
            due_on=timezone.localdate() + timedelta(days=n),
        )


def test_cases_page_with_limit_and_offset_and_report_the_count(make_user) -> None:
    add_cases(7)
    client = api_client(make_user(Role.CASE_HANDLER))
    first = client.get("/api/v1/people/cases", {"limit": 5}).json()
    rest = client.get("/api/v1/people/cases", {"limit": 5, "offset": 5}).json()
    assert (first["count"], len(first["items"]), len(rest["items"])) == (7, 5, 2)
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert sorted(ids) == sorted(Authorisation.objects.values_list("pk", flat=True))
    assert first["items"][0]["next_steps"] == ["start_evaluation"]
    too_many = client.get("/api/v1/people/cases", {"limit": 501})
    assert too_many.status_code == 422 and too_many.json()["detail"].startswith("limit:")


def test_the_case_list_costs_the_same_for_one_and_fifty_cases(make_user) -> None:
    client = api_client(make_user(Role.CASE_HANDLER))
    add_cases(1)
    one, answer = queries_for(client, "/api/v1/people/cases?limit=500")
    assert answer["count"] == 1
    add_cases(49)
    fifty, answer = queries_for(client, "/api/v1/people/cases?limit=500")
    assert answer["count"] == 50 and len(answer["items"]) == 50
    assert fifty == one


def add_researchers(world, count: int) -> None:
    for _ in range(count):
        name = f"r{User.objects.count() + 1}"
        person = User.objects.create(username=name, email=f"{name}@example.org")
        Attachment.objects.create(
            researcher=person,
            institution=world.institution,
            kind=Attachment.Kind.AFFILIATED,
            contact_person=world.manager,
            accepted_by=world.manager,
            accepted_at=timezone.now(),
        )


def test_the_researcher_list_costs_the_same_for_one_and_fifty(world) -> None:
    client = api_client(world.manager)
    url = f"/api/v1/people/institutions/{world.institution.pk}/attachments?limit=500"
    one, answer = queries_for(client, url)
    assert answer["count"] == 1
    add_researchers(world, 49)
    fifty, answer = queries_for(client, url)
    assert answer["count"] == 50
    affiliated = [row for row in answer["items"] if row["kind"] == "affiliated"]
    assert len(affiliated) == 49
    assert all(row["current"] and row["contact_person"] == "mads" for row in affiliated)
    assert fifty == one


def add_agreements(world, count: int) -> None:
    today = timezone.localdate()
    for _ in range(count):
        agreement = ResearcherAgreement.objects.create(
            researcher=world.researcher,
            project=world.project,
            authorisation=world.authorisation,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            allowed_networks="127.0.0.1",
            created_by=world.manager,
            researcher_signed_at=timezone.now(),
        )
        AgreementSignature.objects.create(
            agreement=agreement,
            party=AgreementSignature.Party.RESEARCHER,
            signer=world.researcher,
            document_sha256="0" * 64,
        )


def test_the_agreement_list_costs_the_same_for_one_and_fifty(world) -> None:
    client = api_client(world.manager)
    one, answer = queries_for(client, "/api/v1/people/agreements?limit=500")
    assert answer["count"] == 1 and answer["items"][0]["current"] is True
    add_agreements(world, 49)
    fifty, answer = queries_for(client, "/api/v1/people/agreements?limit=500")
    assert answer["count"] == 50
    statuses = {row["status"] for row in answer["items"]}
    assert "the institution's manager has not countersigned the agreement" in statuses
    assert fifty == one
