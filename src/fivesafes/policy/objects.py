"""What the object rules of the policy (`applications.py`, `projects.py`, `quotes.py`) share:
whether a person's roles grant a permission, and a `can_x` answer made from a `check_x`.

The request-level rule (signed in, two factors, not excluded) is `policy.checks`; the object
rules ask only about roles and facts of the object, so services can use them for any actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fivesafes.policy.permissions import Permission, permissions_of
from fivesafes.shared.refusals import AccessDenied, RuleViolation


def holds(person: Any, permission: Permission) -> bool:
    """Do the person's roles grant `permission`? (Nobody signed in holds none.)"""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return permission in permissions_of(person.roles)


def pk_of(person: Any) -> Any:
    return getattr(person, "pk", None)


def answer(check: Callable[..., None], *args: Any) -> bool:
    """`can_x` from `check_x`: True when the check passes, False on any refusal."""
    try:
        check(*args)
    except (AccessDenied, RuleViolation):
        return False
    return True
