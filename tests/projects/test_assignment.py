"""Case handling (R17): a case handler takes a case or assigns it to another, with a due date;
the staff list shows and filters by handler and due date; refusals name the rule."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fivesafes.policy.permissions import Role
from fivesafes.projects.models import Application
from fivesafes.projects.services import assignment, decisions
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.conftest import verified_client
from tests.projects.conftest import db_state


def test_submission_sets_the_due_date(pw, submitted) -> None:
    assert submitted.due_on == timezone.localdate() + timedelta(days=assignment.CASE_DAYS)
    assert submitted.case_handler is None


def test_take_and_assign_with_a_due_date(pw, submitted, make_user) -> None:
    other = make_user(Role.CASE_HANDLER, username="bo")
    taken = assignment.assign(actor=pw.case_handler, application=submitted)
    assert taken.case_handler == pw.case_handler and taken.assigned_at is not None
    due = timezone.localdate() + timedelta(days=5)
    moved = assignment.assign(
        actor=pw.case_handler, application=submitted, handler=other, due_on=due
    )
    assert moved.case_handler == other and moved.due_on == due
    # Assigned to bo: camilla cannot start the review until she takes the case back.
    with pytest.raises(RuleViolation) as caught:
        decisions.take_step(actor=pw.case_handler, application=submitted, step="start_review")
    assert caught.value.rule == "R17" and "assigned to bo" in str(caught.value)
    started = decisions.take_step(actor=other, application=submitted, step="start_review")
    assert started.case_handler == other


def test_bad_assignments_are_refused_and_change_nothing(pw, submitted, draft, make_user) -> None:
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        assignment.assign(actor=pw.case_handler, application=submitted, handler=pw.researcher)
    assert caught.value.field == "case_handler" and "does not handle cases" in str(caught.value)
    with pytest.raises(RuleViolation) as caught:
        assignment.assign(
            actor=pw.case_handler,
            application=submitted,
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert caught.value.field == "due_on"
    with pytest.raises(AccessDenied):
        assignment.assign(actor=pw.approver, application=submitted)
    assert db_state() == before
    # A case handler who applied cannot handle their own application (four eyes).
    applicant_handler = make_user(Role.CASE_HANDLER, Role.RESEARCHER, username="dual")
    own = Application.objects.create(
        applicant=applicant_handler, institution=pw.institution, title="Own", state="submitted"
    )
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        assignment.assign(actor=applicant_handler, application=own)
    assert "Four eyes" in str(caught.value)
    assert db_state() == before


def test_the_review_list_shows_and_filters_by_handler_and_due_date(
    pw, submitted, make_user
) -> None:
    other = make_user(Role.CASE_HANDLER, username="bo")
    second = Application.objects.create(
        applicant=pw.researcher,
        institution=pw.institution,
        title="Overdue study",
        state="under_review",
        case_handler=other,
        due_on=timezone.localdate() - timedelta(days=2),
    )
    client = verified_client(pw.case_handler)
    url = reverse("projects:review")
    page = client.get(url).content.decode()
    assert submitted.reference in page and second.reference in page
    assert "overdue" in page and "Take the case" in page
    assert submitted.due_on.isoformat() in page
    overdue = client.get(url, {"due": "overdue"}).content.decode()
    assert second.reference in overdue and submitted.reference not in overdue
    unassigned = client.get(url, {"handler": "none"}).content.decode()
    assert submitted.reference in unassigned and second.reference not in unassigned
    by_bo = client.get(url, {"handler": "bo"}).content.decode()
    assert second.reference in by_bo and submitted.reference not in by_bo
    # Taking the case from the list.
    client.post(reverse("projects:assign", args=[submitted.pk]), {"next": "review"})
    mine = client.get(url, {"handler": "mine"}).content.decode()
    assert submitted.reference in mine and second.reference not in mine


def test_assigning_on_the_application_page(pw, submitted, make_user) -> None:
    make_user(Role.CASE_HANDLER, username="bo")
    client = verified_client(pw.case_handler)
    due = (timezone.localdate() + timedelta(days=9)).isoformat()
    page = client.post(
        reverse("projects:assign", args=[submitted.pk]),
        {"handler": "bo", "due_on": due},
        follow=True,
    )
    text = page.content.decode()
    assert f"{submitted.reference} is handled by bo, due {due}" in text
    assert f"Case handler: bo · due {due}" in text
    researcher = verified_client(pw.researcher)
    assert researcher.post(reverse("projects:assign", args=[submitted.pk])).status_code == 403


def test_assignment_and_filters_by_api(pw, submitted, make_user) -> None:
    make_user(Role.CASE_HANDLER, username="bo")
    client = verified_client(pw.case_handler)
    response = client.post(
        f"/api/v1/projects/applications/{submitted.pk}/assign",
        data=json.dumps({"handler": "bo"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["case_handler"] == "bo"
    listed = client.get("/api/v1/projects/applications", {"handler": "bo"}).json()["items"]
    assert [a["reference"] for a in listed] == [submitted.reference]
    assert client.get("/api/v1/projects/applications", {"handler": "mine"}).json()["count"] == 0
    refused = client.post(
        f"/api/v1/projects/applications/{submitted.pk}/assign",
        data=json.dumps({"handler": "rikke"}),
        content_type="application/json",
    )
    assert (
        refused.status_code == 400
        and refused.json()["rule"] == "R17"
        and refused.json()["field"] == "case_handler"
    )


def test_a_bad_assignment_form_names_the_fields_and_changes_nothing(pw, submitted) -> None:
    client = verified_client(pw.case_handler)
    before = db_state()
    page = client.post(
        reverse("projects:assign", args=[submitted.pk]),
        {"handler": "nobody", "due_on": "soon"},
        follow=True,
    )
    assert page.status_code == 200
    assert "Case handler: choose a case handler; due date: YYYY-MM-DD." in page.content.decode()
    assert page.redirect_chain[-1][0] == reverse("projects:application", args=[submitted.pk])
    assert db_state() == before
