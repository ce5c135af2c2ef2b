"""The API for external data (R15) and re-identification (R14): a one-time upload link made
over the API and used by the data owner's page, the uploads listed and read (members without
the staff's details), withdrawn; re-identification asked, decided by a second person and
shown once to the one who asked; each refusal in the one error format, nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client

from fivesafes.audit.models import AuditEvent
from fivesafes.delivery.models import ExternalUpload, Reidentification
from fivesafes.policy.permissions import Role
from tests.delivery.external_world import PNRS, REFERENCE, SOURCE, file_of, survey_csv, xw  # noqa: F401
from tests.delivery.test_api import api_as
from tests.delivery.test_reidentification import PERSON, REASON, pseudonym_of

pytestmark = pytest.mark.django_db
API = "/api/v1/deliveries"


def make_link(w, **body) -> dict:
    answer = api_as(w.handler).post(
        f"{API}/{w.delivery.pk}/external",
        {"source": SOURCE, "owner": "Survey institute"} | body,
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_link_made_over_the_api_takes_the_owners_file_once(xw) -> None:  # noqa: F811
    made = make_link(xw)
    assert made["state"] == "issued" and made["table_name"] == "SURVEY_OF_LIVING_CONDITIONS"
    assert made["link"].startswith("http://testserver/delivery/external/upload/")
    token = made["link"].rstrip("/").rsplit("/", 1)[1]
    assert token not in str(list(AuditEvent.objects.values_list("data", "after")))
    owner = Client()
    sent = owner.post(
        made["link"],
        {"agreement_reference": REFERENCE, "file": file_of(survey_csv(PNRS))},
    )
    assert sent.status_code == 200, sent.content
    staff = api_as(xw.handler).get(f"{API}/external/{made['id']}").json()
    assert (staff["state"], staff["owner"], staff["agreement_reference"]) == (
        "received",
        "Survey institute",
        REFERENCE,
    )
    assert staff["report"]["rows"] == 3 and staff["file_name"] == "survey.csv"
    assert "link" not in staff
    # The link is used up: the page refuses it, and the API never shows the token again.
    assert owner.get(made["link"]).status_code == 404
    member = api_as(xw.researcher)
    listed = member.get(f"{API}/{xw.delivery.pk}/external").json()
    assert listed["count"] == 1
    seen = listed["items"][0]
    assert (seen["source"], seen["state"]) == (SOURCE, "received")
    assert seen["owner"] is None and seen["report"] is None and seen["file_name"] is None


def test_refused_links_name_the_field_and_change_nothing(xw, make_user) -> None:  # noqa: F811
    staff = api_as(xw.handler)
    # The log's last sequence number, not its length: ids are not renumbered between tests.
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    other = staff.post(
        f"{API}/{xw.delivery.pk}/external",
        {"source": "Another survey", "owner": "X"},
        content_type="application/json",
    )
    assert other.status_code == 400
    assert other.json()["rule"] == "R15" and other.json()["field"] == "source"
    nobody = staff.post(
        f"{API}/{xw.delivery.pk}/external",
        {"source": SOURCE, "owner": " "},
        content_type="application/json",
    )
    assert nobody.status_code == 400 and nobody.json()["field"] == "owner"
    assert not ExternalUpload.objects.exists()
    assert (
        AuditEvent.objects.filter(sequence__gt=before, action__startswith="delivery.").count() == 0
    )
    member = api_as(xw.researcher).post(
        f"{API}/{xw.delivery.pk}/external",
        {"source": SOURCE, "owner": "X"},
        content_type="application/json",
    )
    assert member.status_code == 403
    outsider = api_as(make_user(Role.RESEARCHER))
    assert outsider.get(f"{API}/{xw.delivery.pk}/external").status_code == 404
    assert outsider.get(f"{API}/999999/external").status_code == 404


def test_staff_withdraw_a_link_and_it_stops_working(xw) -> None:  # noqa: F811
    made = make_link(xw)
    staff = api_as(xw.handler)
    withdrawn = staff.post(f"{API}/external/{made['id']}/cancel")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "cancelled"
    assert Client().get(made["link"]).status_code == 404
    again = staff.post(f"{API}/external/{made['id']}/cancel")
    assert again.status_code == 400 and again.json()["field"] == "state"
    assert api_as(xw.researcher).post(f"{API}/external/{made['id']}/cancel").status_code == 403


def test_two_people_then_the_number_once_over_the_api(dw, make_user) -> None:
    handler = api_as(dw.handler)
    asked = handler.post(
        f"{API}/projects/{dw.project.pk}/reidentifications",
        {"pseudonym": pseudonym_of(dw.project), "reason": REASON},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    item = asked.json()
    assert (item["state"], item["decided_by"]) == ("asked", None)
    assert item["asked_by"] == dw.handler.username
    own = handler.post(f"{API}/reidentifications/{item['id']}/approve", {}, "application/json")
    assert own.status_code == 400 and own.json()["field"] == "decided_by"
    early = handler.post(f"{API}/reidentifications/{item['id']}/reveal")
    assert early.status_code == 400 and early.json()["field"] == "state"
    approver = api_as(dw.pw.approver)
    approved = approver.post(
        f"{API}/reidentifications/{item['id']}/approve", {}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert approver.post(f"{API}/reidentifications/{item['id']}/reveal").status_code == 403
    shown = handler.post(f"{API}/reidentifications/{item['id']}/reveal")
    assert shown.status_code == 200
    assert shown.json()["person_number"] == PERSON
    assert handler.post(f"{API}/reidentifications/{item['id']}/reveal").status_code == 400
    listed = approver.get(f"{API}/projects/{dw.project.pk}/reidentifications").json()
    assert listed["count"] == 1 and listed["items"][0]["state"] == "shown"
    assert PERSON not in str(listed)
    assert PERSON not in handler.get(f"{API}/reidentifications/{item['id']}").content.decode()
    for event in AuditEvent.objects.filter(action__startswith="delivery.reidentification"):
        assert PERSON not in f"{event.data}{event.before}{event.after}"


def test_a_refusal_needs_a_note_and_outsiders_are_refused_alike(dw, make_user) -> None:
    handler = api_as(dw.handler)
    item = handler.post(
        f"{API}/projects/{dw.project.pk}/reidentifications",
        {"pseudonym": pseudonym_of(dw.project), "reason": REASON},
        content_type="application/json",
    ).json()
    approver = api_as(dw.pw.approver)
    bare = approver.post(
        f"{API}/reidentifications/{item['id']}/refuse", {}, content_type="application/json"
    )
    assert bare.status_code == 400 and bare.json()["field"] == "decision_note"
    refused = approver.post(
        f"{API}/reidentifications/{item['id']}/refuse",
        {"note": "No consent withdrawal on file."},
        content_type="application/json",
    )
    assert refused.json()["state"] == "refused"
    bad = handler.post(
        f"{API}/projects/{dw.project.pk}/reidentifications",
        {"pseudonym": -1, "reason": REASON},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "pseudonym" in bad.json()["detail"]
    member = api_as(dw.researcher)
    for path in (
        f"/projects/{dw.project.pk}/reidentifications",
        "/projects/999999/reidentifications",
        f"/reidentifications/{item['id']}",
        "/reidentifications/999999",
    ):
        assert member.get(API + path).status_code == 403, path
    assert Reidentification.objects.count() == 1
