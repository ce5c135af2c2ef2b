"""R25 and R23: closing at the end date (the daily job) or on request ends access at once,
keeps the deletion deadline, archives the documentation; reminders before the end;
publications registered and scrutinised."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from fivesafes.audit.presentation import in_words
from fivesafes.policy.permissions import Role
from fivesafes.policy.project_access import project_access
from fivesafes.projects.models import Project
from fivesafes.projects.services import closure, decisions
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.conftest import verified_client
from tests.projects.conftest import db_state


@pytest.fixture
def project(pw, recommended) -> Project:
    from fivesafes.people.services import agreements

    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    project = approved.project
    agreement = agreements.create(
        actor=pw.manager,
        researcher=pw.researcher,
        project=project,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        allowed_networks="127.0.0.1",
    )
    agreements.sign(actor=pw.researcher, agreement=agreement)
    agreements.countersign(actor=pw.manager, agreement=agreement)
    return project


def test_closing_on_request_ends_access_and_archives(pw, project, upload_dir) -> None:
    day = project.starts_on
    assert project_access(pw.researcher, project, on=day).allowed
    closed = closure.close(actor=pw.case_handler, project=project, reason="Finished early.")
    answer = project_access(pw.researcher, project, on=day)
    assert not answer.allowed and "Researcher agreement" in answer.reason
    assert closed.deletion_deadline == project.deletion_deadline
    assert closed.transfer_area_emptied_by > timezone.localdate()
    archive = json.loads((upload_dir / "archive" / closed.archive_name).read_text())
    assert archive["project"] == project.number and archive["applications"]


def test_the_archive_holds_what_the_decision_rested_on(pw, project, upload_dir) -> None:
    """R25: after the data are deleted, the archive still shows what was asked for and why
    (justifications, documents by hash, questions), who decided, the quote, the publications."""
    from fivesafes.projects.services import pricing

    approved = project.applications.get(kind="new")
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=1)
    pricing.accept_quote(actor=pw.manager, quote=quote)
    closure.register_publication(actor=pw.researcher, project=project, title="Incomes and age")
    closed = closure.close(actor=pw.case_handler, project=project, reason="Finished.")
    archive = json.loads((upload_dir / "archive" / closed.archive_name).read_text())
    [record] = archive["applications"]
    income = next(v for v in record["variables"] if v["variable"] == "persons.income")
    assert income["justification"] == "income is the study's outcome."
    birth = next(v for v in record["variables"] if v["variable"] == "persons.birth_date")
    assert birth["identifying_justification"] and birth["coarsening"] == "month"
    assert record["protocol"]["sha256"] == approved.protocol.sha256
    assert record["decided_by"] == str(pw.approver) and record["recommendation"]
    assert (
        record["quotes"][0]["contract_sha256"]
        == quote.__class__.objects.get(pk=quote.pk).contract_sha256
    )
    assert "application.approve" in [e["action"] for e in record["events"]]
    assert archive["publications"][0]["title"] == "Incomes and age"
    assert archive["closure_reason"] == "Finished."


def test_the_daily_job_closes_projects_past_their_end_date(pw, project) -> None:
    assert closure.close_ended(on=project.ends_on) == 0
    assert closure.close_ended(on=project.ends_on + timedelta(days=1)) == 1
    project.refresh_from_db()
    assert project.is_closed and project.closed_by is None
    assert closure.close_ended(on=project.ends_on + timedelta(days=2)) == 0


def test_reminder_once_before_the_end(pw, project) -> None:
    day = project.ends_on - timedelta(days=10)
    assert closure.send_end_reminders(on=day) == 1
    assert closure.send_end_reminders(on=day) == 0
    assert project.number in mail.outbox[-1].subject
    assert pw.researcher.email in mail.outbox[-1].to


def test_sweep_command_runs(pw, project) -> None:
    call_command("projects_sweep")


def test_closing_is_refused_without_reason_twice_or_by_others(pw, project, make_user) -> None:
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        closure.close(actor=pw.case_handler, project=project, reason=" ")
    assert caught.value.rule == "R25"
    with pytest.raises(AccessDenied):
        closure.close(actor=make_user(Role.RESEARCHER), project=project, reason="x")
    assert db_state() == before
    closure.close(actor=pw.researcher, project=project, reason="We are done.")
    with pytest.raises(RuleViolation):
        closure.close(actor=pw.case_handler, project=project, reason="again")


def test_deletion_is_recorded_after_closure(pw, project) -> None:
    with pytest.raises(RuleViolation):
        closure.confirm_deletion(actor=pw.case_handler, project=project)
    closure.close(actor=pw.case_handler, project=project, reason="Done.")
    done = closure.confirm_deletion(actor=pw.case_handler, project=project)
    assert done.data_deleted_on == timezone.localdate()


def test_publication_registered_and_scrutinised(pw, project, make_user) -> None:
    publication = closure.register_publication(
        actor=pw.researcher, project=project, title="Incomes by age", reference="doi:10/x"
    )
    with pytest.raises(AccessDenied):
        closure.register_publication(actor=make_user(Role.RESEARCHER), project=project, title="T")
    with pytest.raises(RuleViolation) as caught:
        closure.record_scrutiny(actor=pw.case_handler, publication=publication, result="objection")
    assert caught.value.rule == "R23"
    done = closure.record_scrutiny(
        actor=pw.case_handler, publication=publication, result="no_objection"
    )
    assert done.scrutiny == "no_objection" and done.scrutinised_by == pw.case_handler


def test_closure_and_publication_pages(pw, project) -> None:
    researcher = verified_client(pw.researcher)
    researcher.post(
        reverse("projects:register_publication", args=[project.pk]),
        {"title": "Incomes by age", "authors": "Rikke", "reference": "WP 1"},
    )
    handler = verified_client(pw.case_handler)
    assert b"Incomes by age" in handler.get(reverse("projects:scrutiny_queue")).content
    publication = project.publications.get()
    handler.post(
        reverse("projects:scrutiny", args=[publication.pk]), {"result": "no_objection", "note": ""}
    )
    researcher.post(reverse("projects:close", args=[project.pk]), {"reason": "Done."})
    page = researcher.get(reverse("projects:project", args=[project.pk]))
    assert escape(in_words("project.closed")) in page.content.decode()
    assert b"No objection" in page.content
    project.refresh_from_db()
    assert project.is_closed
