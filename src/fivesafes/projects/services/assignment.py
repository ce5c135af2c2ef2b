"""Case handling of applications (R17): a case handler takes a case or assigns it to another,
with the date by which the office means to answer. Submission sets the due date; the staff
lists show and filter by handler and due date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.accounts.models import User
from fivesafes.policy.permissions import Permission, Role, permissions_of
from fivesafes.projects.models import Application
from fivesafes.projects.workflow import OPEN_STATES, ApplicationState
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import change, lock, require

# The office answers an application within this many days of its submission, unless a case
# handler sets another date.
CASE_DAYS = 30
ASSIGNABLE_STATES = OPEN_STATES | {ApplicationState.RETURNED}


def due_after_submission(day: date | None = None) -> date:
    return (day or timezone.localdate()) + timedelta(days=CASE_DAYS)


def may_handle(person: User) -> bool:
    return Permission.REVIEW_PROJECT_APPLICATIONS in permissions_of(person.roles)


def handlers() -> list[Any]:
    """People whose roles let them handle cases, for the assignment form."""
    from fivesafes.accounts.models import User

    roles = [
        role.value
        for role in Role
        if Permission.REVIEW_PROJECT_APPLICATIONS in permissions_of({role})
    ]
    return list(
        User.objects.filter(role_assignments__role__in=roles, is_active=True)
        .distinct()
        .order_by("username")
    )


def assign(
    *,
    actor: User,
    application: Application,
    handler: Any = None,
    due_on: date | None = None,
    request: Any = None,
) -> Application:
    """Give the case to `handler` (default: the actor takes it), optionally with a new due date."""
    require(actor, Permission.REVIEW_PROJECT_APPLICATIONS)
    handler = handler or actor
    if not may_handle(handler):
        raise RuleViolation(
            "R17",
            "case_handler",
            _("%(person)s does not handle cases; choose a case handler.")
            % {"person": handler.get_username()},
        )
    if due_on is not None and due_on < timezone.localdate():
        raise RuleViolation(
            "R17",
            "due_on",
            _("The due date %(day)s has passed; choose a later one.") % {"day": due_on},
        )
    with transaction.atomic():
        locked = lock(application)
        if locked.state_enum not in ASSIGNABLE_STATES:
            raise RuleViolation(
                "R17",
                "state",
                _(
                    "Application %(reference)s is %(state)s; only cases with the office are "
                    "assigned."
                )
                % {"reference": locked.reference, "state": locked.state_enum.label.lower()},
            )
        if handler.pk == locked.applicant_id or locked.members.filter(person=handler).exists():
            if handler.pk == locked.applicant_id:
                said = _("Four eyes: %(person)s applied for %(reference)s and cannot handle it.")
            else:
                said = _("Four eyes: %(person)s is a member of %(reference)s and cannot handle it.")
            raise RuleViolation(
                "R17",
                "case_handler",
                said % {"person": handler.get_username(), "reference": locked.reference},
            )
        locked.assigned_at = timezone.now()
        change(
            locked,
            {"case_handler": handler, "due_on": locked.due_on if due_on is None else due_on},
            audit_action="application.assigned",
            actor=actor,
            request=request,
            data={"handler": handler.get_username()},
            stamped=("assigned_at",),
        )
    return locked
