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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fivesafes.accounts.models import User
from fivesafes.policy import applications as policy
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Application, ApplicationQuestion
from fivesafes.projects.rules.engine import FastTrack, blocking, evaluate, fast_track
from fivesafes.projects.services import assignment, notify, projects
from fivesafes.projects.services.applications import compute_findings, refresh_findings
from fivesafes.projects.services.facts import application_facts
from fivesafes.projects.workflow import APPLICATION, TRANSITIONS, ApplicationState
from fivesafes.shared import workflow
from fivesafes.shared.refusals import RuleViolation, written
from fivesafes.shared.services import answer_once, ask, lock, require

FOUR_EYES = "R17"
# R25: unless the decision says otherwise, data are deleted within this many days of the end.
DEFAULT_DELETION_DAYS = 30


def _refuse_blocking(application: Application, step: str) -> None:
    """Refuse the submission (`step` "submit") or approval while a finding blocks."""
    stopping = blocking(compute_findings(application)[0])
    if stopping:
        first = stopping[0]
        if step == "submit":
            said = _("Submission is refused while findings block: %(finding)s")
        else:
            said = _("Approval is refused while findings block: %(finding)s")
        message = said % {"finding": first.message}
        others = len(stopping) - 1
        if others:
            message += ngettext(
                " (%(count)s more blocking finding(s))",
                " (%(count)s more blocking finding(s))",
                others,
            ) % {"count": others}
        raise RuleViolation(first.rule, first.field, message)


def _fast_track_verdict(application: Application) -> FastTrack:
    facts = application_facts(application)
    return fast_track(facts, evaluate(facts))


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
                _(
                    "The deletion deadline %(given)s is before the project's end date %(end)s; "
                    "the data are deleted after the project ends."
                )
                % {"given": given, "end": end},
            )
        return given
    if application.kind == Application.Kind.CHANGE and application.project is not None:
        kept = projects.deadline_after_change(application.project, application.ends_on)
        if kept is not None:
            return kept
    return end + timedelta(days=DEFAULT_DELETION_DAYS)


# The per-step hooks of the walker (`fivesafes.shared.workflow.take_step`).


def _submit(step: workflow.Step[ApplicationState]) -> None:
    application = step.obj
    _refuse_blocking(application, "submit")
    application.submitted_at = timezone.now()
    application.due_on = assignment.due_after_submission()
    step.fields += ["submitted_at", "due_on"]


def _start_review(step: workflow.Step[ApplicationState]) -> None:
    application = step.obj
    application.assigned_at = application.assigned_at or timezone.now()
    step.fields.append("assigned_at")


def _fast_track(step: workflow.Step[ApplicationState]) -> None:
    application = step.obj
    verdict = _fast_track_verdict(application)
    if not verdict.eligible:
        raise RuleViolation("R17", "fast_track", verdict.summary)
    application.case_handler = step.actor
    step.note = step.note or verdict.summary
    _start_review(step)
    step.fields.append("case_handler")


def _decide(step: workflow.Step[ApplicationState]) -> None:
    application = step.obj
    application.decided_at = timezone.now()
    application.decision_note = step.note
    step.fields += ["decided_at", "decision_note"]


def _approve(step: workflow.Step[ApplicationState]) -> None:
    application = step.obj
    _refuse_blocking(application, "approve")
    if application.kind == Application.Kind.CHANGE:
        projects.check_change_is_current(application)
    application.deletion_deadline = deletion_deadline_of(
        application, step.options.get("deletion_deadline")
    )
    step.fields.append("deletion_deadline")
    _decide(step)


def _apply_decision(step: workflow.Step[ApplicationState]) -> None:
    project = projects.apply_decision(actor=step.actor, application=step.obj, request=step.request)
    step.after["project"] = project.number


def _then_notify(hook: workflow.Hook | None = None) -> workflow.Hook:
    """After the state change: the step's own work, then the mail (sent once committed)."""

    def after(step: workflow.Step[ApplicationState]) -> None:
        if hook is not None:
            hook(step)
        notify.step_taken(step.obj, step.transition.name, step.note)

    return after


def _refresh_findings(step: workflow.Step[ApplicationState]) -> None:
    refresh_findings(step.obj)


_AFTER: dict[str, workflow.Hook] = {"submit": _refresh_findings, "approve": _apply_decision}

HOOKS = workflow.Hooks(
    lock=lock,
    # The policy's conditions besides the machine's: members, assignment, closed project.
    check=policy.STEPS.recheck,
    before={
        "submit": _submit,
        "start_review": _start_review,
        "recommend_fast_track": _fast_track,
        "approve": _approve,
        "refuse": _decide,
    },
    after={name: _then_notify(_AFTER.get(name)) for name in TRANSITIONS},
    earlier=policy.earlier_roles,
    describe=policy.describe,
)


def take_step(
    *,
    actor: User,
    application: Application,
    step: str,
    note: str = "",
    deletion_deadline: date | None = None,
    request: Any = None,
) -> Application:
    """Walk one step of the application's machine (see the module docstring). Whoever may
    not see the application is refused before anything is said about its state."""
    policy.check_see(actor, application)
    taken: Application = workflow.take_step(
        APPLICATION,
        HOOKS,
        obj=application,
        step=step,
        actor=actor,
        note=note,
        request=request,
        deletion_deadline=deletion_deadline,
    )
    return taken


def ask_question(
    *, actor: User, application: Application, text: str, request: Any = None
) -> ApplicationQuestion:
    """The case handler asks the applicant a clarifying question during the review."""
    require(actor, Permission.REVIEW_PROJECT_APPLICATIONS)
    text = written(text, "R17", "text", _("Write the question."))
    with transaction.atomic():
        locked = lock(application)
        policy.check_ask(actor, locked)
        question = ask(
            ApplicationQuestion(application=locked, text=text.strip(), asked_by=actor),
            audit_action="application.question_asked",
            request=request,
        )
        notify.question_asked(locked)
    return question


def answer_question(
    *, actor: User, question: ApplicationQuestion, text: str, request: Any = None
) -> ApplicationQuestion:
    """The applicant answers; an answer is given once."""
    require(actor, Permission.APPLY_FOR_PROJECTS)
    text = written(text, "R17", "answer", _("Write the answer."))
    with transaction.atomic():
        locked = lock(question)
        policy.check_answer(actor, locked.application)
        return answer_once(
            locked,
            text.strip(),
            actor,
            rule="R17",
            audit_action="application.question_answered",
            request=request,
        )
