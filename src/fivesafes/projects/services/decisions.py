"""Walking the application's state machine (`projects/workflow.py`), questions and answers.

Submission re-runs the rule engine and is refused while a finding is blocking (R17). Approval
and refusal are taken by a different person from the applicant, the case handler and the
recommender (four eyes, R17); no member of the application reviews, recommends or decides
it. Approval creates the project with its approved scope, or, for a change request, changes
the project (R16). Each step is one transaction with its audit event.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from fivesafes.audit.services import event_stream_for, record
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Application, ApplicationQuestion
from fivesafes.projects.rules.engine import FastTrack, blocking, evaluate, fast_track
from fivesafes.projects.services import assignment, notify, projects
from fivesafes.projects.services.applications import compute_findings, refresh_findings
from fivesafes.projects.services.facts import application_facts
from fivesafes.projects.workflow import TRANSITIONS, ApplicationState, Transition
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from fivesafes.shared.services import require

FOUR_EYES = "R17"
# R25: unless the decision says otherwise, data are deleted within this many days of the end.
DEFAULT_DELETION_DAYS = 30
ROLE_WORDS = {
    "applicant": "applied",
    "case_handler": "handled the review",
    "recommended_by": "recommended it",
}


def _refuse_blocking(application: Application, when: str) -> None:
    findings, _ = compute_findings(application)
    stopping = blocking(findings)
    if stopping:
        first = stopping[0]
        more = f" ({len(stopping) - 1} more blocking finding(s))" if len(stopping) > 1 else ""
        raise RuleViolation(
            first.rule,
            first.field,
            f"{when} is refused while findings block: {first.message}{more}",
        )


def _fast_track_verdict(application: Application) -> FastTrack:
    facts = application_facts(application)
    return fast_track(facts, evaluate(facts))


# Steps that move a change request towards changing its project: refused once it is closed.
CHANGING_STEPS = frozenset(
    {"submit", "start_review", "recommend", "recommend_fast_track", "approve"}
)


def deletion_deadline_of(application: Application, given: date | None) -> date:
    """R25: the date by which the data are deleted after the project ends. One given by the
    approver may not fall before the end date; without one, a change request keeps the
    project's deadline (moved with its end date) and a new project gets the default."""
    end = application.ends_on or timezone.localdate()
    if given is not None:
        if given < end:
            raise RuleViolation(
                "R25",
                "deletion_deadline",
                f"The deletion deadline {given} is before the project's end date {end}; the "
                "data are deleted after the project ends.",
            )
        return given
    if application.kind == Application.Kind.CHANGE and application.project is not None:
        kept = projects.deadline_after_change(application.project, application.ends_on)
        if kept is not None:
            return kept
    return end + timedelta(days=DEFAULT_DELETION_DAYS)


def _check_actor(actor: Any, application: Application, transition: Transition) -> None:
    require(actor, transition.permission)
    if transition.applicant_only and application.applicant_id != actor.pk:
        raise AccessDenied(f"Only the applicant can {transition.label.lower()}.")
    if transition.not_by and application.members.filter(person=actor).exists():
        # A member would review or decide on their own project (R17: nobody alone).
        raise RuleViolation(
            FOUR_EYES,
            "decided_by",
            f"Four eyes: you are a member of application {application.reference}, so a "
            f"different person must {transition.label.lower()}.",
        )
    for field in transition.not_by:
        if getattr(application, f"{field}_id") == actor.pk or _took_earlier(
            actor, application, field
        ):
            raise RuleViolation(
                FOUR_EYES,
                "decided_by",
                f"Four eyes: you {ROLE_WORDS.get(field, field)} on application "
                f"{application.reference}, so a different person must "
                f"{transition.label.lower()}.",
            )


def _took_earlier(actor: Any, application: Application, field: str) -> bool:
    """Did `actor` once take a step recorded in `field` (e.g. recommended it before it was
    returned and recommended again by someone else)? The audit trail remembers every round."""
    actions = [t.audit_action for t in TRANSITIONS.values() if t.actor_field == field]
    if not actions or application.pk is None:
        return False
    return event_stream_for(application).filter(action__in=actions, actor_pk=actor.pk).exists()


def take_step(
    *,
    actor: Any,
    application: Application,
    step: str,
    note: str = "",
    deletion_deadline: date | None = None,
    request: Any = None,
) -> Application:
    transition = TRANSITIONS.get(step)
    if transition is None:
        raise RuleViolation(FOUR_EYES, "step", f"'{step}' is not a step of an application.")
    require(actor, transition.permission)
    note = note.strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        state = locked.state_enum
        if state not in transition.sources:
            raise RuleViolation(
                FOUR_EYES,
                "state",
                f"Application {locked.reference} is {state.label.lower()}; "
                f"'{transition.label}' is not possible now.",
            )
        _check_actor(actor, locked, transition)
        if transition.needs_note and not note:
            raise RuleViolation(FOUR_EYES, "note", f"'{transition.label}' needs a note.")
        if step in CHANGING_STEPS:
            projects.check_project_open(locked)
        if step == "submit":
            _refuse_blocking(locked, "Submission")
        if step in ("start_review", "recommend_fast_track"):
            assignment.check_may_start_review(actor, locked)
        if step == "recommend_fast_track":
            verdict = _fast_track_verdict(locked)
            if not verdict.eligible:
                raise RuleViolation("R17", "fast_track", verdict.summary)
            locked.case_handler = actor
            note = note or verdict.summary
        if step == "approve":
            _refuse_blocking(locked, "Approval")
            if locked.kind == Application.Kind.CHANGE:
                projects.check_change_is_current(locked)
            deadline = deletion_deadline_of(locked, deletion_deadline)
        before = {"state": locked.state}
        locked.state = transition.target.value
        now = timezone.now()
        fields = ["state", "changed_at"]
        if transition.actor_field:
            setattr(locked, transition.actor_field, actor)
            fields.append(transition.actor_field)
        if step == "submit":
            locked.submitted_at = now
            locked.due_on = assignment.due_after_submission()
            fields += ["submitted_at", "due_on"]
        if transition.actor_field == "case_handler" or step == "recommend_fast_track":
            locked.assigned_at = locked.assigned_at or now
            fields.append("assigned_at")
        if step in ("recommend", "recommend_fast_track"):
            locked.recommendation = note
            fields.append("recommendation")
        if step == "recommend_fast_track":
            fields.append("case_handler")
        if step in ("approve", "refuse"):
            locked.decided_at = now
            locked.decision_note = note
            fields += ["decided_at", "decision_note"]
        if step == "approve":
            locked.deletion_deadline = deadline
            fields.append("deletion_deadline")
        locked.changed_at = now
        locked.save(update_fields=fields)
        after: dict[str, Any] = {"state": locked.state}
        if step == "approve":
            project = projects.apply_decision(actor=actor, application=locked, request=request)
            after["project"] = project.number
        record(
            action=transition.audit_action,
            actor=actor,
            obj=locked,
            before=before,
            after=after,
            data={"note": note} if note else None,
            request=request,
        )
        if step == "submit":
            refresh_findings(locked)
        notify.step_taken(locked, step, note)
    return locked


def ask_question(
    *, actor: Any, application: Application, text: str, request: Any = None
) -> ApplicationQuestion:
    """The case handler asks the applicant a clarifying question during the review."""
    require(actor, Permission.REVIEW_PROJECT_APPLICATIONS)
    if not text.strip():
        raise RuleViolation("R17", "text", "Write the question.")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state_enum != ApplicationState.UNDER_REVIEW:
            raise RuleViolation(
                "R17", "text", "Questions are asked while the application is under review."
            )
        if locked.applicant_id == actor.pk or locked.members.filter(person=actor).exists():
            raise RuleViolation(
                FOUR_EYES,
                "text",
                f"Four eyes: you are in application {locked.reference}; a case handler outside "
                "it asks the questions.",
            )
        question = ApplicationQuestion.objects.create(
            application=locked, text=text.strip(), asked_by=actor
        )
        record(
            action="application.question_asked",
            actor=actor,
            obj=locked,
            data={"question": question.pk, "text": question.text},
            request=request,
        )
        notify.question_asked(locked)
    return question


def answer_question(
    *, actor: Any, question: ApplicationQuestion, text: str, request: Any = None
) -> ApplicationQuestion:
    """The applicant answers; an answer is given once."""
    require(actor, Permission.APPLY_FOR_PROJECTS)
    if not text.strip():
        raise RuleViolation("R17", "answer", "Write the answer.")
    with transaction.atomic():
        locked = ApplicationQuestion.objects.select_for_update().get(pk=question.pk)
        application = locked.application
        if application.applicant_id != actor.pk:
            raise AccessDenied("Only the applicant answers the office's questions.")
        if locked.answered_at is not None:
            raise RuleViolation("R17", "answer", "This question has been answered already.")
        locked.answer = text.strip()
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        record(
            action="application.question_answered",
            actor=actor,
            obj=application,
            data={"question": locked.pk, "answer": locked.answer},
            request=request,
        )
    return locked
