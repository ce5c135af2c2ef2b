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
    assert response.json()["detail"].startswith(("R11", "R12"))
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

    assert _json(client_as(Role.RESEARCHER), "get", f"/applications/{draft.pk}").status_code == 403
    assert _json(client_as(Role.RESEARCHER), "get", "/applications/999").status_code == 404


def test_staff_list_shows_submitted_applications(pw, draft) -> None:
    complete(draft, pw.researcher)
    _json(verified_client(pw.researcher), "post", f"/applications/{draft.pk}/steps/submit")
    listing = _json(verified_client(pw.case_handler), "get", "/applications")
    assert [a["reference"] for a in listing.json()] == [draft.reference]
