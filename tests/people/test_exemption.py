"""R3: the approver's exemption for a consultancy firm, with the client's written guarantee,
on the case page and over the API; the guarantee is checked by its content."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.people.conftest import db_state
from tests.people.test_api import api_client
from tests.people.test_institutions_and_researchers import consultancy_case

GUARANTEE = b"%PDF-1.4 The Ministry of Labour guarantees correct use."


def without_sessions(state: dict) -> dict:
    """The state apart from the audit count, which also counts token-client session events."""
    return {k: v for k, v in state.items() if k != "audit"}


def exempt(client, case_id, **fields):
    return client.post(f"/api/v1/people/cases/{case_id}/exemption", fields)


def test_the_exemption_over_the_api_is_the_approvers_decision(make_user, staff) -> None:
    case = consultancy_case(make_user, staff)
    approver = api_client(staff["approver"])
    before = db_state()
    refused = exempt(
        approver,
        case.pk,
        reason="Ministry of Labour evaluation",
        client_is_public_or_eligible_ngo="true",
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "The exemption needs the client's written guarantee of correct use, "
        "attached (R3, field: guarantee)."
    )
    refused = exempt(
        approver,
        case.pk,
        reason="Ministry of Labour evaluation",
        client_is_public_or_eligible_ngo="true",
        guarantee=SimpleUploadedFile("guarantee.pdf", b"\x00\x01\x02 not a document"),
    )
    assert refused.status_code == 400
    assert (
        refused.json()["rule"] == "R3"
        and refused.json()["field"] == "guarantee"
        and refused.json()["detail"].startswith("Only PDF, plain text, PNG and JPEG")
    )
    refused = exempt(
        approver,
        case.pk,
        reason="A private client",
        guarantee=SimpleUploadedFile("guarantee.pdf", GUARANTEE),
    )
    assert refused.status_code == 400
    assert (
        refused.json()["rule"] == "R3"
        and refused.json()["field"] == "client_is_public_or_eligible_ngo"
    )
    assert without_sessions(db_state()) == without_sessions(before)
    assert not AuditEvent.objects.filter(action__startswith="authorisation.exemption").exists()
    # a case handler may not decide it
    handler = api_client(staff["case_handler"])
    assert exempt(handler, case.pk, reason="x").status_code == 403

    granted = exempt(
        approver,
        case.pk,
        reason="Ministry of Labour evaluation",
        client_is_public_or_eligible_ngo="true",
        guarantee=SimpleUploadedFile("Guarantee (signed).pdf", GUARANTEE),
    )
    assert granted.status_code == 200, granted.content
    body = granted.json()
    assert body["business_data_exemption"] is True
    assert body["exemption_decided_by"] == "anna"
    assert body["exemption_reason"] == "Ministry of Labour evaluation"
    event = AuditEvent.objects.get(action="authorisation.exemption_granted")
    assert event.actor_id == staff["approver"].pk
    assert event.after["guarantee_sha256"] == body["exemption_guarantee_sha256"]
    # granted once only
    again = exempt(
        approver,
        case.pk,
        reason="again",
        client_is_public_or_eligible_ngo="true",
        guarantee=SimpleUploadedFile("g.pdf", GUARANTEE),
    )
    assert (
        again.status_code == 400
        and again.json()["rule"] == "R3"
        and again.json()["field"] == "state"
    )


def test_the_guarantee_is_attached_to_the_case(make_user, staff) -> None:
    case = consultancy_case(make_user, staff)
    exempt(
        api_client(staff["approver"]),
        case.pk,
        reason="Agency for Digital Government",
        client_is_public_or_eligible_ngo="true",
        guarantee=SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0 a scanned letter"),
    )
    page = verified_client(staff["secretary"]).get(reverse("people:case", kwargs={"pk": case.pk}))
    assert "Business-data exemption (R3)" in page.text
    assert "decided by Anna" in page.text
    link = reverse("people:guarantee", kwargs={"pk": case.pk})
    assert link in page.text
    for reader in (staff["secretary"], case.institution.manager):
        response = verified_client(reader).get(link)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
    stranger = verified_client(make_user(Role.INSTITUTION_MANAGER))
    assert stranger.get(link).status_code == 404
    api = api_client(case.institution.manager)
    response = api.get(f"/api/v1/people/cases/{case.pk}/exemption/guarantee")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_the_exemption_form_refuses_a_guarantee_that_is_no_document(make_user, staff) -> None:
    case = consultancy_case(make_user, staff)
    before = db_state()
    response = verified_client(staff["approver"]).post(
        reverse("people:exemption", kwargs={"pk": case.pk}),
        {
            "reason": "Ministry of Labour evaluation",
            "client_is_public_or_eligible_ngo": "on",
            "guarantee": SimpleUploadedFile("guarantee.pdf", b"MZ\x90\x00 program"),
        },
    )
    assert response.status_code == 400
    assert "The file is a Windows program, whatever its name says." in response.text
    assert "Only PDF, plain text, PNG and JPEG files are accepted" in response.text
    assert db_state() == before
