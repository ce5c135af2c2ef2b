"""A person of another institution reaches nothing of this institution's applications,
projects, quotes and invoices: every projects API operation and every projects page on
such an object is refused (not only the role table: the objects themselves): 404, as for an
object that does not exist, where the refusal is that it may not be seen, or 403 (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import get_resolver, reverse

from fivesafes.people.models import Institution
from fivesafes.policy.permissions import Role
from fivesafes.projects.models import ApplicationQuestion
from fivesafes.projects.services import closure, decisions, pricing
from tests.conftest import verified_client
from tests.projects.conftest import PDF


@dataclass
class Objects:
    application: Any
    project: Any
    quote: Any
    invoice: Any
    question: Any
    publication: Any


@pytest.fixture
def objects(pw, recommended) -> Objects:
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=2)
    pricing.accept_quote(actor=pw.manager, quote=quote)
    invoice = pricing.issue_invoice(actor=pw.secretary, quote=quote)
    question = ApplicationQuestion.objects.create(
        application=approved, text="Why?", asked_by=pw.case_handler
    )
    publication = closure.register_publication(
        actor=pw.researcher, project=approved.project, title="Incomes over life"
    )
    return Objects(approved, approved.project, quote, invoice, question, publication)


@pytest.fixture
def stranger(make_user):
    """A researcher who manages another institution: every role a customer has."""
    person = make_user(Role.RESEARCHER, Role.INSTITUTION_MANAGER, username="stranger")
    Institution.objects.create(name="Another University", manager=person)
    return person


BODY = {
    "text": "x",
    "reason": "x",
    "title": "x",
    "username": "rikke",
    "source": "x",
    "first_year": 2010,
    "last_year": 2011,
    "coordination_hours": 1,
    "unit_price": "1",
    "result": "no_objection",
    "criteria": [],
    "note": "x",
}


def _fill(path: str, o: Objects) -> str:
    values = {
        "application_id": o.application.pk,
        "project_id": o.project.pk,
        "quote_id": o.quote.pk,
        "invoice_id": o.invoice.pk,
        "question_id": o.question.pk,
        "publication_id": o.publication.pk,
        "line_id": o.application.variables.first().pk,
        "item_id": 1,
        "username": "rikke",
        "kind": "protocol",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def test_every_projects_api_operation_on_another_institutions_object_is_refused(
    pw, objects, stranger
) -> None:
    import json

    client = verified_client(stranger)
    document = client.get("/api/v1/openapi.json").json()
    tried = 0
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1/projects/") or "{" not in path:
            continue
        if path.startswith("/api/v1/projects/prices/"):
            continue  # the price list belongs to no institution
        url = _fill(path, objects)
        for method in operations:
            if method == "get":
                response = client.get(url)
            elif path.endswith("/documents/{kind}"):
                response = client.post(url, {"file": _pdf()})
            else:
                response = getattr(client, method)(
                    url, data=json.dumps(BODY), content_type="application/json"
                )
            assert response.status_code in (403, 404), (method, path, response.content[:200])
            tried += 1
    assert tried >= 30


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("protocol.pdf", PDF, content_type="application/pdf")


PAGE_OBJECTS = {
    "applications/<int:pk>/": "application",
    "variables/<int:pk>/": "line",
    "members/<int:pk>/": "member",
    "external/<int:pk>/": "external",
    "questions/<int:pk>/": "question",
    "quotes/<int:pk>/": "quote",
    "invoices/<int:pk>/": "invoice",
    "changes/<int:pk>/": "application",
    "publications/<int:pk>/": "publication",
    "<int:pk>/": "project",
}


def _projects_pages() -> list[tuple[str, str]]:
    resolver = get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            if (
                getattr(inner, "name", None)
                and str(getattr(pattern, "namespace", "")) == "projects"
            ):
                names.append((inner.name, str(inner.pattern)))
    return names


def test_every_projects_page_on_another_institutions_object_is_refused(pw, objects, stranger):
    from fivesafes.projects.models import ApplicationMember

    member = ApplicationMember.objects.filter(application=objects.application).first()
    ids = {
        "application": objects.application.pk,
        "line": objects.application.variables.first().pk,
        "member": member.pk,
        "external": 1,
        "question": objects.question.pk,
        "quote": objects.quote.pk,
        "invoice": objects.invoice.pk,
        "publication": objects.publication.pk,
        "project": objects.project.pk,
    }
    client = verified_client(stranger)
    tried = 0
    for name, pattern in _projects_pages():
        if "<int:pk>" not in pattern or pattern.startswith("external/"):
            continue  # no external data in this application
        kind = next(k for prefix, k in PAGE_OBJECTS.items() if pattern.startswith(prefix))
        kwargs: dict[str, Any] = {"pk": ids[kind]}
        if "<slug:step>" in pattern:
            kwargs["step"] = "project" if name == "wizard" else "withdraw"
        if "<slug:kind>" in pattern:
            kwargs["kind"] = "protocol"
        if "<int:number>" in pattern:
            kwargs["number"] = 1
        url = reverse(f"projects:{name}", kwargs=kwargs)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {**BODY, "summary": "x", "unit_price": "1"})
        assert response.status_code in (403, 404), (name, url, response.status_code)
        tried += 1
    assert tried >= 25
