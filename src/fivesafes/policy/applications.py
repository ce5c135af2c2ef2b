"""Who may see, edit and move an application (R16, R17, R18): `check_x` raises, `can_x` answers.

The one answer to "what may this person do next with this application" is `next_steps`: the
state machine's own conditions (state, permission, applicant-only steps, four eyes over every
round) from `fivesafes.shared.workflow`, plus the room's: nobody who is a member of the
application reviews or decides it, the fast track only when the application is eligible, a
case assigned to someone else is taken over before its review starts, and a change request
to a closed project goes no further. The page draws its buttons from it, the API lists it as
`next_steps`, and the service refuses any step `check_step` refuses.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.services import event_stream_for
from fivesafes.policy.permissions import Permission, holds, pk_of
from fivesafes.projects.models import Application, Project
from fivesafes.projects.workflow import (
    APPLICATION,
    CHANGING_STEPS,
    EDITABLE_STATES,
    TRANSITIONS,
    ApplicationState,
)
from fivesafes.shared.refusals import AccessDenied, RuleViolation, passes, unseen
from fivesafes.shared.workflow import Earlier, StepPolicy, Transition

FOUR_EYES = "R17"


def _is_member(person: Any, application: Application) -> bool:
    return application.members.filter(person_id=pk_of(person)).exists()


def can_see(person: Any, application: Application) -> bool:
    """Applicant, members, the institution's manager, and staff who read applications."""
    if holds(person, Permission.VIEW_PROJECT_APPLICATIONS):
        return True
    if pk_of(person) in (
        application.applicant_id,
        application.institution.manager_id,
    ):
        return True
    return _is_member(person, application)


def check_see(person: Any, application: Application) -> None:
    if not can_see(person, application):
        raise unseen(_("application"))


def check_edit(person: Any, application: Application) -> None:
    """Only the applicant edits, and only a draft or an application returned for changes
    (the service checks the role besides)."""
    if application.applicant_id != pk_of(person):
        raise AccessDenied(
            _("Only the applicant edits application %(application)s.")
            % {"application": application.reference}
        )
    if application.state_enum not in EDITABLE_STATES:
        raise RuleViolation(
            "R16",
            "state",
            _(
                "Application %(application)s is %(state)s; it can be changed only as a draft "
                "or when returned for changes (after approval: a change request)."
            )
            % {"application": application.reference, "state": application.state_enum.label.lower()},
        )


def can_edit(person: Any, application: Application) -> bool:
    return passes(lambda: check_edit(person, application))


def earlier_roles(application: Application, person: Any) -> Earlier:
    """Four eyes over every round: did `person` once fill the role kept in a field (e.g.
    recommended it before it was returned and recommended again by someone else)? The audit
    trail remembers what the fields forget."""
    taken: set[str] | None = None

    def earlier(field: str) -> bool:
        nonlocal taken
        if application.pk is None or person is None:
            return False
        if taken is None:
            taken = set(
                event_stream_for(application)
                .filter(actor_pk=person.pk)
                .values_list("action", flat=True)
            )
        return any(t.audit_action in taken for t in TRANSITIONS.values() if t.actor_field == field)

    return earlier


def describe(application: Application) -> str:
    return f"Application {application.reference}"


def room_refusal(
    application: Application, person: Any, transition: Transition[ApplicationState]
) -> Exception | None:
    """The room's conditions on top of the state machine's (see the module docstring)."""
    if transition.not_by and _is_member(person, application):
        # A member would review or decide on their own project (R17: nobody alone).
        return RuleViolation(
            FOUR_EYES,
            "decided_by",
            _(
                "Four eyes: you are a member of application %(application)s, so a different "
                "person must %(transition)s."
            )
            % {"application": application.reference, "transition": transition.label.lower()},
        )
    if transition.name in ("start_review", "recommend_fast_track") and (
        application.case_handler_id and application.case_handler_id != person.pk
    ):
        # A case assigned to someone else is taken over first, so the history says who handles it.
        return RuleViolation(
            "R17",
            "case_handler",
            _(
                "Application %(application)s is assigned to %(case_handler)s; take the case "
                "over first."
            )
            % {
                "application": application.reference,
                "case_handler": application.case_handler.get_username(),
            },
        )
    if transition.name in CHANGING_STEPS:
        closed = _closed_project(application)
        if closed is not None:
            return closed
    return None


def _closed_project(application: Application) -> RuleViolation | None:
    """R16/R25: a change request to a closed project can no longer change it."""
    if application.kind != Application.Kind.CHANGE or not application.project_id:
        return None
    project = Project.objects.get(pk=application.project_id)
    if not project.is_closed:
        return None
    when = f" on {timezone.localdate(project.closed_at)}" if project.closed_at else ""
    return RuleViolation(
        "R16",
        "project",
        _(
            "Project %(project)s was closed%(when)s; a change request can no longer change it. "
            "Apply for a new project instead."
        )
        % {"project": project.number, "when": when},
    )


def _fast_track_offered(application: Application, transition: Transition[Any]) -> bool:
    """The fast track is offered only to an eligible application."""
    return transition.name != "recommend_fast_track" or application.fast_track


# What `person` may do next with an application: the buttons, the API's `next_steps` and the
# service's guard answer alike.
STEPS = StepPolicy(
    APPLICATION, room_refusal, describe, earlier=earlier_roles, offered=_fast_track_offered
)
step_refusal = STEPS.refusal
check_step = STEPS.check
can_step = STEPS.can
next_steps = STEPS.next_steps


def can_answer(person: Any, application: Application) -> bool:
    return application.applicant_id == pk_of(person)


def check_answer(person: Any, application: Application) -> None:
    if not can_answer(person, application):
        raise AccessDenied(_("Only the applicant answers the office's questions."))


def check_ask(person: Any, application: Application) -> None:
    """A case handler outside the application asks questions while it is under review."""
    if application.state_enum != ApplicationState.UNDER_REVIEW:
        raise RuleViolation(
            "R17", "text", _("Questions are asked while the application is under review.")
        )
    if application.applicant_id == pk_of(person) or _is_member(person, application):
        raise RuleViolation(
            FOUR_EYES,
            "text",
            _(
                "Four eyes: you are in application %(application)s; a case handler outside it "
                "asks the questions."
            )
            % {"application": application.reference},
        )


def can_ask(person: Any, application: Application) -> bool:
    return holds(person, Permission.REVIEW_PROJECT_APPLICATIONS) and passes(
        lambda: check_ask(person, application)
    )
