"""Change requests (R16) through the JSON API: start one on the approved scope, change it, see
the refusal of a widening change recorded without a decision, send it through the four-eyes
decision, and record a narrowing one without a decision; refusals name the rule, change nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from fivesafes.policy.permissions import Role
from fivesafes.projects.models import Application, Project
from fivesafes.projects.services import decisions
from tests.conftest import assert_refused_without_change, verified_client
from tests.projects.conftest import db_state


def _call(client, method, path, body=None):
    if method == "get":
        return client.get(f"/api/v1/projects{path}")
    return getattr(client, method)(
        f"/api/v1/projects{path}", data=json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def project(pw, recommended) -> Project:
    return decisions.take_step(actor=pw.approver, application=recommended, step="approve").project


def test_a_widening_change_goes_through_the_four_eyes_decision(pw, project) -> None:
    researcher = verified_client(pw.researcher)
    started = _call(
        researcher, "post", f"/{project.pk}/change-requests", {"text": "One more year."}
    )
    assert started.status_code == 201, started.content
    change = started.json()
    assert change["kind"] == "change" and change["state"] == "draft"
    assert change["reference"].startswith("C-")
    # A new case: no handler and no due date until it is submitted.
    assert change["case_handler"] is None and change["due_on"] is None
    assert {v["variable"] for v in change["variables"]} == set(project.approved_scope["variables"])
    assert change["population"]["criteria"] == project.approved_scope["population"]["criteria"]

    longer = (project.ends_on + timedelta(days=365)).isoformat()
    patched = _call(researcher, "patch", f"/applications/{change['id']}", {"ends_on": longer})
    assert patched.status_code == 200 and patched.json()["ends_on"] == longer

    # Widening: recording it without a decision is refused, nothing moves.
    before = db_state()
    refused = _call(researcher, "post", f"/applications/{change['id']}/record-change")
    assert refused.status_code == 400
    assert refused.json()["rule"] == "R16" and refused.json()["field"] == "change_summary"
    assert "need a decision" in refused.json()["detail"]
    assert db_state() == before

    # The same four-eyes path as an application.
    handler, approver = verified_client(pw.case_handler), verified_client(pw.approver)
    assert (
        _call(researcher, "post", f"/applications/{change['id']}/steps/submit").status_code == 200
    )
    assert (
        _call(handler, "post", f"/applications/{change['id']}/steps/start_review").status_code
        == 200
    )
    recommended = _call(
        handler,
        "post",
        f"/applications/{change['id']}/steps/recommend",
        {"note": "One year more is fine."},
    )
    assert recommended.status_code == 200
    own = _call(handler, "post", f"/applications/{change['id']}/steps/approve")
    assert own.status_code == 403
    approved = _call(approver, "post", f"/applications/{change['id']}/steps/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    got = _call(researcher, "get", f"/{project.pk}")
    assert got.json()["ends_on"] == longer
    assert got.json()["approved_scope"]["period"]["ends_on"] == longer


def test_a_narrowing_change_is_recorded_without_a_decision(pw, project) -> None:
    researcher = verified_client(pw.researcher)
    change = _call(
        researcher, "post", f"/{project.pk}/change-requests", {"text": "Fewer years of income."}
    ).json()
    line = next(v for v in change["variables"] if v["variable"] == "persons.income")
    narrowed = _call(
        researcher,
        "put",
        f"/applications/{change['id']}/variables/{line['id']}",
        {
            "first_year": line["first_year"] + 2,
            "last_year": line["last_year"],
            "justification": line["justification"],
        },
    )
    assert narrowed.status_code == 200
    recorded = _call(researcher, "post", f"/applications/{change['id']}/record-change")
    assert recorded.status_code == 200, recorded.content
    income = recorded.json()["approved_scope"]["variables"]["persons.income"]
    assert income["first_year"] == line["first_year"] + 2
    assert Application.objects.get(pk=change["id"]).state == "approved"


def test_change_requests_are_refused_with_the_rule_named(pw, project, client_as) -> None:
    researcher = verified_client(pw.researcher)
    before = db_state()
    empty = _call(researcher, "post", f"/{project.pk}/change-requests", {"text": " "})
    assert (
        empty.status_code == 400
        and empty.json()["rule"] == "R16"
        and empty.json()["field"] == "change_summary"
    )
    stranger = _call(
        client_as(Role.RESEARCHER), "post", f"/{project.pk}/change-requests", {"text": "x"}
    )
    assert stranger.status_code == 404
    # Nothing changed; the stranger's refusal itself is audited (one event).
    assert_refused_without_change(before, db_state)
    first = _call(researcher, "post", f"/{project.pk}/change-requests", {"text": "A"})
    assert first.status_code == 201
    second = _call(researcher, "post", f"/{project.pk}/change-requests", {"text": "B"})
    assert (
        second.status_code == 400
        and "already has an open change request" in second.json()["detail"]
    )
    # A change request that changes nothing cannot be recorded.
    nothing = _call(researcher, "post", f"/applications/{first.json()['id']}/record-change")
    assert nothing.status_code == 400 and "changes nothing" in nothing.json()["detail"]


def test_population_change_by_api_shows_in_the_difference(pw, project) -> None:
    researcher = verified_client(pw.researcher)
    change = _call(
        researcher, "post", f"/{project.pk}/change-requests", {"text": "Add 2011."}
    ).json()
    population = change["population"]
    population["criteria"][0]["on"] = date(2011, 1, 1).isoformat()
    put = _call(
        researcher,
        "put",
        f"/applications/{change['id']}/population",
        {"unit": population["unit"], "criteria": population["criteria"]},
    )
    assert put.status_code == 200, put.content
    refused = _call(researcher, "post", f"/applications/{change['id']}/record-change")
    assert refused.status_code == 400 and "population criterion" in refused.json()["detail"]
