"""The JSON API under /api/v1/people: the same services, the same refusals."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from fivesafes.accounts.models import ApiToken
from fivesafes.policy.permissions import Role


def api_client(user) -> Client:
    _token, plain = ApiToken.issue(user=user, name="test", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_my_access_lists_conditions(world) -> None:
    response = api_client(world.researcher).get("/api/v1/people/my-access")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    [row] = response.json()["items"]
    assert row["project"] == "P-2026-001"
    names = [c["name"] for c in row["conditions"]]
    assert "Allowed address" in names and "Certification" in names


def test_apply_and_walk_a_case_through_the_api(make_user, staff) -> None:
    manager = make_user(Role.INSTITUTION_MANAGER)
    response = api_client(manager).post(
        "/api/v1/people/cases",
        {
            "name": "API Institute",
            "kind": "university",
            "application_text": "x",
            "research_group": "A\nB",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    handler = api_client(staff["case_handler"])
    assert (
        handler.post(
            f"/api/v1/people/cases/{case_id}/steps/start_evaluation",
            {},
            content_type="application/json",
        ).status_code
        == 200
    )
    asked = handler.post(
        f"/api/v1/people/cases/{case_id}/questions",
        {"text": "Who owns you?"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    answer = api_client(manager).post(
        f"/api/v1/people/questions/{asked.json()['id']}/answer",
        {"text": "The state."},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["answer"] == "The state."
    # preparing before the credibility assessment is refused with the rule
    refused = handler.post(
        f"/api/v1/people/cases/{case_id}/steps/prepare_agreement",
        {},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["rule"] == "R6" and refused.json()["field"] == "credibility_assessment"
    # a manager cannot approve
    response = api_client(manager).post(
        f"/api/v1/people/cases/{case_id}/steps/approve", {}, content_type="application/json"
    )
    assert response.status_code == 403


def test_short_sanction_refused_over_the_api(world, make_user) -> None:
    checker = api_client(make_user(Role.OUTPUT_CHECKER))
    breach = checker.post(
        "/api/v1/people/breaches",
        {"researcher": "rikke", "what_happened": "a", "evidence": "b"},
        content_type="application/json",
    )
    assert breach.status_code == 201
    response = api_client(world.approver).post(
        f"/api/v1/people/breaches/{breach.json()['id']}/decision",
        {"decision": "d", "exclusion_ends_on": str(timezone.localdate() + timedelta(days=365))},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "R24" and response.json()["field"] == "exclusion_ends_on"


def test_access_report_over_the_api(world, make_user) -> None:
    response = api_client(make_user(Role.APPROVER)).get(
        "/api/v1/people/access-report", {"person": "rikke"}
    )
    assert response.status_code == 200
    assert response.json()["items"][0]["person"] == "rikke"


def test_question_bank_over_the_api(make_user) -> None:
    staff = api_client(make_user(Role.CASE_HANDLER))
    refused = staff.post(
        "/api/v1/people/certification/bank",
        {"text": "Q?", "choices": ["only one"], "correct_choice": 0},
        content_type="application/json",
    )
    assert (
        refused.status_code == 400
        and refused.json()["rule"] == "R9"
        and refused.json()["field"] == "choices"
    )
    added = staff.post(
        "/api/v1/people/certification/bank",
        {"text": "Q?", "choices": ["yes", "no"], "correct_choice": 1},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert [q["text"] for q in staff.get("/api/v1/people/certification/bank").json()["items"]] == [
        "Q?"
    ]
    researcher = api_client(make_user(Role.RESEARCHER))
    assert researcher.get("/api/v1/people/certification/bank").status_code == 403
    questions = researcher.get("/api/v1/people/certification/questions").json()
    assert "correct_choice" not in questions[0]


def test_staff_change_and_retire_a_question_over_the_api(make_user) -> None:
    staff = api_client(make_user(Role.CASE_HANDLER))
    added = staff.post(
        "/api/v1/people/certification/bank",
        {"text": "May you download microdata?", "choices": ["yes", "no"], "correct_choice": 1},
        content_type="application/json",
    ).json()
    url = f"/api/v1/people/certification/bank/{added['id']}"
    refused = staff.put(
        url,
        {"text": "x", "choices": ["a", "b"], "correct_choice": 5},
        content_type="application/json",
    )
    assert (
        refused.status_code == 400
        and refused.json()["rule"] == "R9"
        and refused.json()["field"] == "correct_choice"
    )
    changed = staff.put(
        url,
        {
            "text": "May you download microdata, directly or indirectly?",
            "choices": ["yes", "no", "only aggregates"],
            "correct_choice": 1,
            "active": False,
        },
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["active"] is False and len(changed.json()["choices"]) == 3
    researcher = api_client(make_user(Role.RESEARCHER))
    assert researcher.get("/api/v1/people/certification/questions").json() == []
    assert researcher.put(url, added, content_type="application/json").status_code == 403


def test_the_manager_lists_the_researchers_over_the_api(world, make_user) -> None:
    from fivesafes.people.services import researchers

    attachment = world.researcher.attachments.get()
    researchers.end_attachment(actor=world.manager, attachment=attachment)
    url = f"/api/v1/people/institutions/{world.institution.pk}/attachments"
    response = api_client(world.manager).get(url)
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert row["researcher"] == "rikke" and row["current"] is False
    assert row["ends_on"] == str(timezone.localdate() - timedelta(days=1))
    assert api_client(world.case_handler).get(url).status_code == 200
    other_manager = api_client(make_user(Role.INSTITUTION_MANAGER))
    assert other_manager.get(url).status_code == 404


def test_each_step_of_the_case_declares_the_permission_it_needs(world) -> None:
    """The API says what a step takes: each step is an operation declaring its transition's
    permission; a step the case does not have is not found."""
    from fivesafes.people.api import cases
    from fivesafes.people.workflow import CASE
    from fivesafes.policy.decorators import rule_of

    for name, transition in CASE.transitions.items():
        [operation] = cases.router.path_operations[f"/cases/{{case_id}}/steps/{name}"].operations
        assert rule_of(operation.view_func).permissions == (transition.permission,), name
    response = api_client(world.approver).post(
        f"/api/v1/people/cases/{world.authorisation.pk}/steps/fly", {}, "application/json"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "'fly' is not a step of the authorisation case."
