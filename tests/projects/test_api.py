"""The JSON API of safe projects: the same services, refusals with the rule named."""

from __future__ import annotations

import json

from fivesafes.projects.models import Application
from tests.conftest import verified_client
from tests.projects.conftest import complete, db_state


def _json(client, method, path, body=None):
    if method == "get":
        return client.get(f"/api/v1/projects{path}")
    return getattr(client, method)(
        f"/api/v1/projects{path}", data=json.dumps(body or {}), content_type="application/json"
    )


def test_draft_update_and_findings_by_api(pw) -> None:
    client = verified_client(pw.researcher)
    created = _json(
        client, "post", "/applications", {"institution_id": pw.institution.pk, "title": "T"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {v["variable"] for v in body["variables"]} == {"persons.income", "persons.birth_date"}
    assert any(f["rule"] == "R11" for f in body["findings"])
    updated = _json(client, "patch", f"/applications/{body['id']}", {"total_population": True})
    assert any(f["field"] == "total_population_reason" for f in updated.json()["findings"])
    line = body["variables"][0]["id"]
    put = _json(
        client,
        "put",
        f"/applications/{body['id']}/variables/{line}",
        {"first_year": 2011, "last_year": 2012, "justification": "Needed."},
    )
    assert put.status_code == 200


def test_submit_with_blocking_findings_is_400_naming_the_rule(pw, draft) -> None:
    before = db_state()
    response = _json(
        verified_client(pw.researcher), "post", f"/applications/{draft.pk}/steps/submit"
    )
    assert response.status_code == 400
    assert response.json()["rule"] in ("R11", "R12")
    assert db_state() == before


def test_four_eyes_by_api(pw, recommended) -> None:
    handler = verified_client(pw.case_handler)
    assert (
        _json(handler, "post", f"/applications/{recommended.pk}/steps/approve").status_code == 403
    )
    approver = verified_client(pw.approver)
    response = _json(approver, "post", f"/applications/{recommended.pk}/steps/approve")
    assert response.status_code == 200 and response.json()["project"].startswith("P-")
    project = Application.objects.get(pk=recommended.pk).project
    got = _json(verified_client(pw.researcher), "get", f"/{project.pk}")
    assert got.status_code == 200 and "persons.income" in got.json()["approved_scope"]["variables"]


def test_others_cannot_read_an_application(pw, draft, client_as) -> None:
    from fivesafes.policy.permissions import Role

    assert _json(client_as(Role.RESEARCHER), "get", f"/applications/{draft.pk}").status_code == 404
    assert _json(client_as(Role.RESEARCHER), "get", "/applications/999").status_code == 404


def test_staff_list_shows_submitted_applications(pw, draft) -> None:
    complete(draft, pw.researcher)
    _json(verified_client(pw.researcher), "post", f"/applications/{draft.pk}/steps/submit")
    listing = _json(verified_client(pw.case_handler), "get", "/applications")
    assert [a["reference"] for a in listing.json()["items"]] == [draft.reference]


def test_price_change_by_api_staff_only(pw) -> None:
    from decimal import Decimal

    from fivesafes.projects.models import PriceItem

    changed = _json(
        verified_client(pw.secretary), "put", "/prices/population", {"unit_price": "5000"}
    )
    assert changed.status_code == 200 and Decimal(changed.json()["unit_price"]) == Decimal("5000")
    before = list(PriceItem.objects.values_list("code", "unit_price"))
    negative = _json(
        verified_client(pw.secretary), "put", "/prices/population", {"unit_price": "-1"}
    )
    assert (
        negative.status_code == 400
        and negative.json()["rule"] == "R18"
        and negative.json()["field"] == "unit_price"
    )
    refused = _json(
        verified_client(pw.researcher), "put", "/prices/population", {"unit_price": "1"}
    )
    assert refused.status_code == 403
    assert list(PriceItem.objects.values_list("code", "unit_price")) == before


def test_members_external_data_and_documents_by_api(pw, draft, make_user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fivesafes.people.services import researchers
    from fivesafes.policy.permissions import Role
    from tests.projects.conftest import PDF

    bo = make_user(Role.RESEARCHER, username="bo")
    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=bo)
    client = verified_client(pw.researcher)
    added = _json(client, "post", f"/applications/{draft.pk}/members", {"username": "bo"})
    assert added.status_code == 200 and added.json()["members"] == ["rikke", "bo"]
    unknown = _json(client, "post", f"/applications/{draft.pk}/members", {"username": "zed"})
    assert (
        unknown.status_code == 400
        and unknown.json()["rule"] == "R12"
        and unknown.json()["field"] == "member"
    )
    survey = _json(
        client, "post", f"/applications/{draft.pk}/external-data", {"source": "Our survey"}
    )
    assert survey.json()["external_data"] == [{"source": "Our survey", "approval_reference": ""}]
    assert any(f["rule"] == "R15" for f in survey.json()["findings"])
    item = draft.external_data.get()
    gone = _json(client, "delete", f"/applications/{draft.pk}/external-data/{item.pk}")
    assert gone.status_code == 200 and gone.json()["external_data"] == []
    uploaded = client.post(
        f"/api/v1/projects/applications/{draft.pk}/documents/protocol",
        {"file": SimpleUploadedFile("Protokol.pdf", PDF)},
    )
    assert uploaded.status_code == 200 and uploaded.json()["has_protocol"]
    bad = client.post(
        f"/api/v1/projects/applications/{draft.pk}/documents/dpia",
        {"file": SimpleUploadedFile("dpia.pdf", b"\x7fELF\x02\x01")},
    )
    assert bad.status_code == 400 and bad.json()["rule"] == "R12" and bad.json()["field"] == "dpia"
    assert not _json(client, "get", f"/applications/{draft.pk}").json()["has_dpia"]


def test_deletion_recorded_by_api_after_closure(pw, recommended) -> None:
    from fivesafes.projects.services import closure, decisions

    project = decisions.take_step(
        actor=pw.approver, application=recommended, step="approve"
    ).project
    handler = verified_client(pw.case_handler)
    early = _json(handler, "post", f"/{project.pk}/data-deleted", {})
    assert early.status_code == 400 and early.json()["rule"] == "R25"
    closure.close(actor=pw.case_handler, project=project, reason="Done.")
    done = _json(handler, "post", f"/{project.pk}/data-deleted", {})
    assert done.status_code == 200 and done.json()["data_deleted_on"]
    assert (
        _json(verified_client(pw.researcher), "post", f"/{project.pk}/data-deleted", {}).status_code
        == 403
    )


def test_what_the_pages_show_is_in_the_api_too(pw, submitted, make_user) -> None:
    """An API client can follow the whole case: the applicant reads the office's question to
    answer it, the manager finds the quote to accept it, the researcher lists their projects
    and reads the timeline, and a change request shows its difference to the approved scope."""
    from fivesafes.policy.permissions import Role

    handler, approver = verified_client(pw.case_handler), verified_client(pw.approver)
    researcher, manager = verified_client(pw.researcher), verified_client(pw.manager)
    app = f"/applications/{submitted.pk}"
    assert _json(handler, "post", f"{app}/steps/start_review").status_code == 200
    asked = _json(handler, "post", f"{app}/questions", {"text": "Why 2010?"})
    assert asked.status_code == 201

    seen = _json(researcher, "get", app).json()
    [question] = seen["questions"]
    assert question["text"] == "Why 2010?" and question["asked_by"] == "camilla"
    assert question["answer"] == "" and question["answered_at"] is None
    answered = _json(
        researcher, "post", f"/questions/{question['id']}/answer", {"text": "Reform year."}
    )
    assert answered.status_code == 200
    assert _json(handler, "get", app).json()["questions"][0]["answer"] == "Reform year."

    assert _json(handler, "post", f"{app}/steps/recommend", {"note": "Fine."}).status_code == 200
    approved = _json(approver, "post", f"{app}/steps/approve")
    assert approved.status_code == 200
    history = [e["action"] for e in approved.json()["history"]]
    assert history.index("application.submit") < history.index("application.approve")
    assert _json(handler, "post", f"{app}/quotes", {"coordination_hours": 2}).status_code == 201

    listed = _json(manager, "get", "/applications?state=approved").json()["items"]
    assert [a["id"] for a in listed] == [submitted.pk]
    [quote] = listed[0]["quotes"]
    assert quote["state"] == "offered" and quote["invoice_to"] == pw.institution.name
    accepted = _json(manager, "post", f"/quotes/{quote['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"

    listed = _json(researcher, "get", "")
    assert listed.status_code == 200
    [project] = listed.json()["items"]
    assert project["number"] == approved.json()["project"] and project["state"] == "active"
    stranger = verified_client(make_user(Role.RESEARCHER, username="stranger"))
    assert _json(stranger, "get", "").json() == {"items": [], "count": 0}
    detail = _json(researcher, "get", f"/{project['id']}").json()
    assert "project.created" in [e["action"] for e in detail["timeline"]]
    assert "quote.accepted" in [e["action"] for e in detail["timeline"]]

    change = _json(researcher, "post", f"/{project['id']}/change-requests", {"text": "Longer."})
    later = "2099-12-31"
    changed = _json(researcher, "patch", f"/applications/{change.json()['id']}", {"ends_on": later})
    [difference] = changed.json()["changes"]
    assert difference["part"] == "period" and difference["widens"] is True
    assert later in difference["description"]


def test_absurd_numbers_are_refused_naming_the_field(pw, draft) -> None:
    """Years and sample sizes beyond any register are refused (400, rule and field named), not
    a crash of the database, and nothing changes."""
    client = verified_client(pw.researcher)
    line = draft.variables.first()
    before = db_state()
    for path, method, body, field in (
        (
            f"/applications/{draft.pk}/variables/{line.pk}",
            "put",
            {"first_year": 10**20, "last_year": 10**20, "justification": "x"},
            "variable:",
        ),
        (
            f"/applications/{draft.pk}/variables/{line.pk}",
            "put",
            {"first_year": -5, "last_year": 2010, "justification": "x"},
            "variable:",
        ),
        (f"/applications/{draft.pk}", "patch", {"sample_size": 10**20}, "sample_size"),
    ):
        response = _json(client, method, path, body)
        assert response.status_code == 400, (path, response.status_code)
        answer = response.json()
        assert answer["rule"] == "R11" and field in answer["field"], answer
    assert db_state() == before


def test_an_open_application_shows_the_findings_as_of_now(pw, submitted) -> None:
    """The same findings as the page: a member whose certification has lapsed since the last
    save shows up (R9) without anyone saving the application again."""
    from fivesafes.people.models import CertificationAttempt

    CertificationAttempt.objects.filter(person=pw.researcher).delete()
    page = verified_client(pw.case_handler).get(f"/projects/applications/{submitted.pk}/")
    assert b"has not passed the certification test" in page.content
    body = _json(verified_client(pw.case_handler), "get", f"/applications/{submitted.pk}").json()
    assert any(f["rule"] == "R9" and f["field"] == "member:rikke" for f in body["findings"])
