"""`check_*` raise AccessDenied with a reason a person can act on; `can_*` answer yes or no.

The rule for a signed-in person: an active account, a two-factor session, no current
exclusion (R24), and the permission the route needs. Work in a project adds the conditions of
safe people (`fivesafes.policy.project_access`): authorised institution and owner, a current
researcher agreement, certification, an allowed address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from fivesafes.policy.permissions import Permission, permissions_of
from fivesafes.shared.refusals import AccessDenied

if TYPE_CHECKING:
    from django.http import HttpRequest


# Who says whether a person is excluded (R24): safe people registers its answer when the app
# is ready (`people/apps.py`), so this module needs nothing from the rooms above it.
_exclusion_checks: list[Callable[[Any], str | None]] = []


def register_exclusion_check(check: Callable[[Any], str | None]) -> None:
    """Add a function answering why a person is excluded from everything today, or None."""
    if check not in _exclusion_checks:
        _exclusion_checks.append(check)


def is_two_factor(user: Any) -> bool:
    """Whether this person's session passed the second factor (django-otp marks it)."""
    verified = getattr(user, "is_verified", None)
    if callable(verified):
        return bool(verified())
    return getattr(user, "otp_device", None) is not None


def check_signed_in(user: Any) -> None:
    if user is None or not user.is_authenticated:
        raise AccessDenied(_("Sign in to see this page."), status=401, sign_in=True)
    if not user.is_active:
        raise AccessDenied(_("This account is disabled. Contact the research service."), status=403)
    if not is_two_factor(user):
        raise AccessDenied(
            _("This page needs a two-factor session: sign in again with your authenticator code."),
            status=401,
            sign_in=True,
        )
    excluded = exclusion_reason(user)
    if excluded:
        raise AccessDenied(excluded, status=403)


def exclusion_reason(user: Any) -> str | None:
    """R24: why this person is excluded from everything today, or None. Fails closed: with no
    exclusion check registered nobody gets in, since nobody can say who is excluded."""
    if not _exclusion_checks:
        return "The exclusion register cannot be read, so access is refused (R24)."
    for check in _exclusion_checks:
        reason = check(user)
        if reason:
            return reason
    return None


def check_permission(user: Any, permission: Permission) -> None:
    check_signed_in(user)
    if permission not in permissions_of(user.roles):
        raise AccessDenied(
            _("Your roles do not include the permission '%(permission)s' this page needs.")
            % {"permission": permission.value}
        )


def can(user: Any, permission: Permission) -> bool:
    try:
        check_permission(user, permission)
    except AccessDenied:
        return False
    return True


def check_request(request: HttpRequest, permissions: tuple[Permission, ...]) -> None:
    """The whole rule for one request; raises AccessDenied naming the first failed condition."""
    user = getattr(request, "user", None)
    check_signed_in(user)
    for permission in permissions:
        check_permission(user, permission)
