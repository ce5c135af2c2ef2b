"""What every service shares: the permission a step needs, and plain snapshots for the audit log.

The object-level questions ("may this person do this to this object now") are the policy's
`check_*` functions; `require` is only the role check under them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fivesafes.policy.permissions import Permission, permissions_of
from fivesafes.shared.refusals import AccessDenied

if TYPE_CHECKING:
    from django.db.models import Model


def require(actor: Any, permission: Permission) -> None:
    """The actor's roles must grant `permission` (the web/API layer has checked two factors)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise AccessDenied("Sign in first.", status=401, sign_in=True)
    if permission not in permissions_of(actor.roles):
        raise AccessDenied(
            f"Your roles do not include the permission '{permission.value}' this step needs."
        )


def snapshot(obj: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of `obj` as plain values (foreign keys by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return values
