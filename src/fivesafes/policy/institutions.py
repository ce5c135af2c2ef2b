"""Who may see an institution and act for it: its responsible manager, and the office's staff.

`check_*` raise (an `AccessDenied` to see, a `RuleViolation` naming the signatory rule to act)
and `can_*` answer yes or no; pages, the API and the services of safe people ask these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from fivesafes.policy.checks import can
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation, passes, unseen

if TYPE_CHECKING:
    from fivesafes.accounts.models import User
    from fivesafes.people.models import Institution

# The rule that names the institution's responsible manager as the one who signs for it.
SIGNATORY = "Appendix 2"


def is_people_staff(user: User | None) -> bool:
    """The office's staff who read every case of safe people."""
    return can(user, Permission.VIEW_PEOPLE_CASES)


def is_manager_of(user: User | None, institution: Institution) -> bool:
    """Whether `user` is the institution's responsible manager."""
    return user is not None and institution.manager_id == getattr(user, "pk", None)


def check_see_institution(user: User | None, institution: Institution, what: str = "") -> None:
    """The institution's manager and the office's staff see it, its cases and researchers."""
    if not (is_people_staff(user) or is_manager_of(user, institution)):
        raise unseen(what or _("institution"))


def can_see_institution(user: User | None, institution: Institution) -> bool:
    return passes(lambda: check_see_institution(user, institution))


def check_act_for(user: User | None, institution: Institution, doing: str) -> None:
    """Only the responsible manager acts for the institution (`doing`: "signs for it")."""
    if not is_manager_of(user, institution):
        raise RuleViolation(
            SIGNATORY,
            "institution",
            _("Only the responsible manager of %(institution)s %(doing)s.")
            % {"institution": institution, "doing": doing},
        )


def can_act_for(user: User | None, institution: Institution) -> bool:
    return is_manager_of(user, institution)


def check_manage_researchers(user: User | None, institution: Institution) -> None:
    """The manager attaches, affiliates, marks and ends its researchers (R1, R7)."""
    check_act_for(user, institution, _("manages its researchers"))


def can_manage_researchers(user: User | None, institution: Institution) -> bool:
    return is_manager_of(user, institution) and can(user, Permission.MANAGE_INSTITUTION_RESEARCHERS)


def check_apply_again(user: User | None, institution: Institution) -> None:
    """The manager of a known institution applies anew for it."""
    check_act_for(user, institution, _("applies for it"))


def can_apply_again(user: User | None, institution: Institution) -> bool:
    return is_manager_of(user, institution) and can(user, Permission.APPLY_FOR_AUTHORISATION)
