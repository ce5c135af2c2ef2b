"""Applications through the services: draft from the basket, findings on every save, submission,
review with questions, four-eyes decision, the project an approval creates."""

from __future__ import annotations

import pytest

from fivesafes.audit.models import AuditEvent
from fivesafes.projects.models import Project
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import decisions
from fivesafes.shared.refusals import RuleViolation
from tests.projects.conftest import complete, db_state


def test_draft_starts_from_the_basket_with_findings(pw, draft) -> None:
    assert sorted(v.label for v in draft.variables.all()) == [
        "persons.birth_date",
        "persons.income",
    ]
    assert [m.person for m in draft.members.all()] == [pw.researcher]
    rules = {(f["rule"], f["field"]) for f in draft.findings if f["severity"] == "blocking"}
    assert ("R11", "variable:persons.income") in rules
    assert ("R12", "protocol") in rules
    assert AuditEvent.objects.filter(action="application.created").count() == 1


def test_findings_are_recomputed_on_every_save(pw, draft) -> None:
    line = draft.variables.get(name="income")
    service.update_variable(
        actor=pw.researcher, line=line, first_year=2010, last_year=2020, justification="Outcome."
    )
    draft.refresh_from_db()
    assert ("R11", "variable:persons.income") not in {
        (f["rule"], f["field"]) for f in draft.findings
    }


def test_a_complete_application_is_submitted_reviewed_and_approved_by_a_second_person(
    pw, recommended
) -> None:
    approved = decisions.take_step(
        actor=pw.approver, application=recommended, step="approve", note=""
    )
    assert approved.state == "approved"
    project = Project.objects.get(pk=approved.project_id)
    assert project.institution == pw.institution and project.responsible == pw.researcher
    assert list(project.members.all()) == [pw.researcher]
    assert project.approved_scope["variables"]["persons.income"]["first_year"] == 2010
    assert project.deletion_deadline > project.ends_on
    actions = list(
        AuditEvent.objects.filter(object_type="projects.application").values_list(
            "action", flat=True
        )
    )
    for action in (
        "application.submit",
        "application.start_review",
        "application.recommend",
        "application.approve",
    ):
        assert action in actions


def test_questions_and_answers_during_review(pw, submitted) -> None:
    decisions.take_step(actor=pw.case_handler, application=submitted, step="start_review")
    question = decisions.ask_question(
        actor=pw.case_handler, application=submitted, text="Why the exact birth date?"
    )
    decisions.answer_question(actor=pw.researcher, question=question, text="Age in months.")
    question.refresh_from_db()
    assert question.answer == "Age in months." and question.answered_by == pw.researcher


def test_returned_application_can_be_edited_and_submitted_again(pw, submitted) -> None:
    decisions.take_step(actor=pw.case_handler, application=submitted, step="start_review")
    decisions.take_step(
        actor=pw.case_handler, application=submitted, step="return_for_changes", note="Narrow it."
    )
    service.update(actor=pw.researcher, application=submitted, changes={"sample_size": 3000})
    again = decisions.take_step(actor=pw.researcher, application=submitted, step="submit")
    assert again.state == "submitted" and again.sample_size == 3000


def test_withdrawn_by_the_applicant(pw, draft) -> None:
    assert decisions.take_step(actor=pw.researcher, application=draft, step="withdraw").state == (
        "withdrawn"
    )


def test_fast_track_flag_is_set_for_a_simple_application(pw, draft) -> None:
    line = draft.variables.get(name="birth_date")
    service.remove_variable(actor=pw.researcher, line=line)
    complete(draft, pw.researcher)
    assert draft.fast_track, draft.findings


def test_refused_decision_creates_no_project(pw, recommended) -> None:
    refused = decisions.take_step(
        actor=pw.approver, application=recommended, step="refuse", note="Data quality (R19)."
    )
    assert refused.state == "refused" and refused.project_id is None
    assert Project.objects.count() == 0


@pytest.mark.parametrize("step", ["approve", "refuse"])
def test_unknown_or_impossible_steps_are_refused(pw, draft, step) -> None:
    before = db_state()
    with pytest.raises(RuleViolation):
        decisions.take_step(actor=pw.approver, application=draft, step=step, note="x")
    assert db_state() == before


def test_fast_track_skips_the_review_but_a_second_person_still_decides(
    pw, draft, make_user
) -> None:
    from fivesafes.policy.permissions import Role

    dual = make_user(Role.CASE_HANDLER, Role.APPROVER)
    service.remove_variable(actor=pw.researcher, line=draft.variables.get(name="birth_date"))
    complete(draft, pw.researcher)
    decisions.take_step(actor=pw.researcher, application=draft, step="submit")
    recommended = decisions.take_step(actor=dual, application=draft, step="recommend_fast_track")
    assert recommended.state == "recommended" and recommended.recommendation.startswith("Fast")
    with pytest.raises(RuleViolation) as caught:
        decisions.take_step(actor=dual, application=draft, step="approve")
    assert caught.value.rule == "R17"
    assert decisions.take_step(actor=pw.approver, application=draft, step="approve").project_id


def test_fast_track_refused_when_a_finding_needs_justification(pw, submitted) -> None:
    from tests.projects.conftest import db_state

    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        decisions.take_step(
            actor=pw.case_handler, application=submitted, step="recommend_fast_track"
        )
    assert caught.value.rule == "R17" and "Ordinary review" in str(caught.value)
    assert db_state() == before
