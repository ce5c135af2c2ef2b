"""Breaches and sanctions (R24): who decides a breach, and while it may take more evidence.

`check_*` raise naming the rule and the failed condition; `can_*` answer yes or no for the
breach page's forms. The services ask the same checks on the locked breach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from fivesafes.people.models import Breach
from fivesafes.policy.checks import can
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import AccessDenied, RuleViolation, passes

if TYPE_CHECKING:
    from fivesafes.accounts.models import User


def check_decide_breach(user: User | None, breach: Breach) -> None:
    """A breach is decided (or dismissed) once, and not by the person who reported it."""
    if breach.state != Breach.State.REPORTED:
        raise RuleViolation("R24", "state", _("This breach has been decided already."))
    if user is not None and breach.reported_by_id == getattr(user, "pk", None):
        raise RuleViolation(
            "R24",
            "decided_by",
            _("Four eyes: the person who reported a breach does not decide it."),
        )


def can_decide_breach(user: User | None, breach: Breach) -> bool:
    return can(user, Permission.DECIDE_SANCTIONS) and passes(
        lambda: check_decide_breach(user, breach)
    )


def check_add_evidence(user: User | None, breach: Breach) -> None:
    """Evidence is added while the breach waits for its decision, by the person who reported it
    or by the office's staff who read the people cases."""
    reporter = user is not None and breach.reported_by_id == getattr(user, "pk", None)
    if not reporter and not can(user, Permission.VIEW_PEOPLE_CASES):
        raise AccessDenied(
            _(
                "Evidence is added by the person who reported the breach or by the office's "
                "staff who handle people cases."
            )
        )
    if breach.state != Breach.State.REPORTED:
        raise RuleViolation(
            "R24", "files", _("The breach has been decided; its evidence is closed.")
        )


def can_add_evidence(user: User | None, breach: Breach) -> bool:
    return can(user, Permission.REPORT_BREACHES) and passes(
        lambda: check_add_evidence(user, breach)
    )
