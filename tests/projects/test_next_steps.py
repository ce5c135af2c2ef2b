"""One answer to "what may this person do next with this application": the policy's
`next_steps` depends on who asks, and the page's buttons, the API's `next_steps` and the
service agree with it."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from fivesafes.people.services import researchers
from fivesafes.policy import applications as policy
from fivesafes.policy.permissions import Role
from fivesafes.projects.models import ApplicationMember
from fivesafes.projects.services import decisions
from fivesafes.projects.workflow import APPLICATION, WIZARD_STEPS
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.conftest import verified_client
from tests.people.conftest import certify
from tests.projects.conftest import complete


def _names(application, person) -> set[str]:
    application.refresh_from_db()
    return {t.name for t in policy.next_steps(application, person)}


def test_the_recommender_sees_no_decision_and_another_approver_does(pw, submitted, make_user):
    dual = make_user(Role.CASE_HANDLER, Role.APPROVER, username="dual")
    decisions.take_step(actor=dual, application=submitted, step="start_review")
    decisions.take_step(actor=dual, application=submitted, step="recommend", note="Fine.")
    assert not {"approve", "refuse"} & _names(submitted, dual)
    assert {"approve", "refuse"} <= _names(submitted, pw.approver)


def test_a_member_of_the_application_sees_no_review_steps(pw, submitted, make_user):
    colleague = make_user(Role.CASE_HANDLER, Role.RESEARCHER, username="colleague")
    ApplicationMember.objects.create(application=submitted, person=colleague)
    assert "start_review" not in _names(submitted, colleague)
    assert "start_review" in _names(submitted, pw.case_handler)


def test_the_applicant_sees_withdraw_and_the_office_does_not(pw, submitted):
    assert _names(submitted, pw.researcher) == {"withdraw"}
    assert "withdraw" not in _names(submitted, pw.case_handler)


class _Undo(Exception):
    pass


def _accepted(person, application, step: str) -> bool:
    """Does the service take the step? (Taken in a savepoint and undone.)"""
    try:
        with transaction.atomic():
            decisions.take_step(actor=person, application=application, step=step, note="Because.")
            raise _Undo
    except _Undo:
        return True
    except (RuleViolation, AccessDenied):
        return False


def _page_buttons(person, application) -> set[str]:
    page = verified_client(person).get(f"/projects/applications/{application.pk}/")
    assert page.status_code == 200
    return set(re.findall(rf"/applications/{application.pk}/steps/(\w+)/", page.content.decode()))


def _api_steps(person, application) -> set[str]:
    answer = verified_client(person).get(f"/api/v1/projects/applications/{application.pk}")
    assert answer.status_code == 200
    return set(answer.json()["next_steps"])


@pytest.mark.parametrize("stage", ["draft", "submitted", "under_review", "recommended"])
def test_page_api_and_service_agree_for_each_person(pw, draft, make_user, stage):
    dual = make_user(Role.CASE_HANDLER, Role.APPROVER, username="dual")
    member = make_user(Role.CASE_HANDLER, Role.RESEARCHER, username="colleague")
    # A member in good standing, so that no finding blocks a step for the content's sake.
    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=member)
    certify(member)
    ApplicationMember.objects.create(application=draft, person=member)
    complete(draft, pw.researcher)
    if stage != "draft":
        decisions.take_step(actor=pw.researcher, application=draft, step="submit")
    if stage in ("under_review", "recommended"):
        decisions.take_step(actor=dual, application=draft, step="start_review")
    if stage == "recommended":
        decisions.take_step(actor=dual, application=draft, step="recommend", note="Fine.")
    draft.refresh_from_db()
    assert draft.state == stage
    people = [pw.researcher, pw.manager, pw.case_handler, pw.approver, dual, member]
    offered = set()
    for person in people:
        listed = _api_steps(person, draft)
        assert listed == _names(draft, person), person
        assert _page_buttons(person, draft) == listed - WIZARD_STEPS, person
        for step in APPLICATION.transitions:
            assert _accepted(person, draft, step) == (step in listed), (person, step)
        offered |= listed
    assert offered, "somebody may act in every open state"


def test_each_step_operation_declares_the_permission_its_step_needs(pw, submitted, client_as):
    """The OpenAPI document no longer understates a step: an auditor, who may read but not
    act, is refused by the operation's own declaration, which names the step's permission."""
    auditor = client_as(Role.AUDITOR)
    document = auditor.get("/api/v1/openapi.json").json()["paths"]
    for name, transition in APPLICATION.transitions.items():
        path = f"/api/v1/projects/applications/{{application_id}}/steps/{name}"
        assert "post" in document[path], name
        answer = auditor.post(
            f"/api/v1/projects/applications/{submitted.pk}/steps/{name}",
            data="{}",
            content_type="application/json",
        )
        assert answer.status_code == 403 and transition.permission.value in answer.json()["detail"]
    unknown = auditor.post(
        f"/api/v1/projects/applications/{submitted.pk}/steps/fly", content_type="application/json"
    )
    assert unknown.status_code == 404
