"""A person of another institution reaches nothing of this one: every people API operation and
every page on this institution's case, researcher or agreement refuses them (404 where the
object may not be seen, as for a missing one; 403 otherwise) and changes nothing, whatever roles
they hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.people.models import Attachment, ClarifyingQuestion, Institution
from fivesafes.people.workflow import CASE
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.people.conftest import db_state
from tests.people.test_api import api_client

# Every role an institution's people may hold, so each refusal is the object's, not the role's.
OUTSIDER_ROLES = (Role.INSTITUTION_MANAGER, Role.RESEARCHER)


@pytest.fixture
def outsider(world, make_user):
    person = make_user(*OUTSIDER_ROLES, username="olga")
    Institution.objects.create(name="Aalborg University", kind="university", manager=person)
    return person


@pytest.fixture
def targets(world):
    question = ClarifyingQuestion.objects.create(
        authorisation=world.authorisation, question="Who?", asked_by=world.case_handler
    )
    return {
        "case": world.authorisation.pk,
        "institution": world.institution.pk,
        "attachment": Attachment.objects.get(researcher=world.researcher).pk,
        "agreement": world.agreement.pk,
        "question": question.pk,
    }


def changed_since(before: dict) -> list[str]:
    """What moved, besides the audit log (which records each refusal)."""
    now = db_state()
    return [key for key in before if key != "audit" and now[key] != before[key]]


def api_operations(t: dict[str, int]) -> list[tuple[str, str, dict]]:
    case, inst, agreement = t["case"], t["institution"], t["agreement"]
    attachment, question = t["attachment"], t["question"]
    steps = [("post", f"/cases/{case}/steps/{name}", {}) for name in CASE.transitions]
    return [
        ("get", f"/cases/{case}", {}),
        *steps,
        ("post", f"/cases/{case}/credibility", {"text": "x"}),
        ("post", f"/cases/{case}/questions", {"text": "x"}),
        ("post", f"/questions/{question}/answer", {"text": "x"}),
        ("get", f"/cases/{case}/exemption/guarantee", {}),
        ("get", f"/cases/{case}/agreement", {}),
        (
            "post",
            f"/institutions/{inst}/cases",
            {"application_text": "x", "research_group": "A\nB"},
        ),
        ("get", f"/institutions/{inst}/attachments", {}),
        ("post", f"/institutions/{inst}/attachments", {"researcher": "olga"}),
        ("post", f"/attachments/{attachment}/end", {}),
        ("post", f"/attachments/{attachment}/working-abroad", {"working_abroad": True}),
        ("get", f"/agreements/{agreement}/document", {}),
        ("post", f"/agreements/{agreement}/sign", {}),
        ("post", f"/agreements/{agreement}/countersign", {}),
        ("post", f"/agreements/{agreement}/notice", {}),
    ]


def test_every_api_operation_on_another_institution_is_refused(outsider, targets) -> None:
    client = api_client(outsider)
    before = db_state()
    for method, path, body in api_operations(targets):
        call = getattr(client, method)
        url = f"/api/v1/people{path}"
        response = (
            call(url, body, content_type="application/json") if method == "post" else call(url)
        )
        assert response.status_code in (403, 404), (method, path, response.content)
    assert changed_since(before) == []
    # and lists show them nothing of it
    assert client.get("/api/v1/people/agreements").json() == {"items": [], "count": 0}
    mine = client.get("/api/v1/people/institutions/mine").json()["items"]
    assert [i["name"] for i in mine] == ["Aalborg University"]


def pages(t: dict[str, int]) -> list[tuple[str, str, dict]]:
    case, inst, agreement = t["case"], t["institution"], t["agreement"]
    steps = [("post", "people:step", {"pk": case, "step": name}) for name in CASE.transitions]
    return [
        ("get", "people:case", {"pk": case}),
        *steps,
        ("post", "people:credibility", {"pk": case}),
        ("post", "people:ask", {"pk": case}),
        ("post", "people:exemption", {"pk": case}),
        ("get", "people:agreement_pdf", {"pk": case}),
        ("get", "people:guarantee", {"pk": case}),
        ("post", "people:answer", {"pk": t["question"]}),
        ("get", "people:institution", {"pk": inst}),
        ("post", "people:apply_again", {"pk": inst}),
        ("post", "people:attach", {"pk": inst}),
        ("post", "people:new_agreement", {"pk": inst}),
        ("post", "people:end_attachment", {"pk": t["attachment"]}),
        ("post", "people:working_abroad", {"pk": t["attachment"]}),
        ("post", "people:countersign", {"pk": agreement}),
        ("post", "people:sign_agreement", {"pk": agreement}),
        ("post", "people:agreement_notice", {"pk": agreement}),
        ("get", "people:researcher_agreement_pdf", {"pk": agreement}),
    ]


def test_every_page_on_another_institution_is_refused(outsider, targets) -> None:
    client = verified_client(outsider)
    before = db_state()
    for method, name, kwargs in pages(targets):
        response = getattr(client, method)(reverse(name, kwargs=kwargs))
        assert response.status_code in (403, 404), (method, name, response.status_code)
    assert changed_since(before) == []
