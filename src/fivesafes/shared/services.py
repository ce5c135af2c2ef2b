"""What every service shares: the permission a step needs, and plain snapshots for the audit log.

The object-level questions ("may this person do this to this object now") are the policy's
`check_*` functions; `require` is only the role check under them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from fivesafes.policy.permissions import Permission, permissions_of
from fivesafes.shared.refusals import AccessDenied

if TYPE_CHECKING:
    from django.db.models import Model

M = TypeVar("M", bound="Model")


def require(actor: Any, permission: Permission) -> None:
    """The actor's roles must grant `permission` (the web/API layer has checked two factors)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise AccessDenied("Sign in first.", status=401, sign_in=True)
    if permission not in permissions_of(actor.roles):
        raise AccessDenied(
            f"Your roles do not include the permission '{permission.value}' this step needs."
        )


def lock(obj: M, *related: str) -> M:
    """`obj`'s row read afresh and locked until the transaction ends (with the `related`
    links read in the same query); call it inside `transaction.atomic()`."""
    rows = type(obj)._default_manager.select_for_update()
    if related:
        rows = rows.select_related(*related)
    return rows.get(pk=obj.pk)


def next_free_number(model: type[Model], prefix: str, digits: int) -> str:
    """The next `<prefix><n>` (n zero-padded to `digits`) no `model` row has as its `number`."""
    taken = set(
        model._default_manager.filter(number__startswith=prefix).values_list("number", flat=True)
    )
    n = len(taken) + 1
    while f"{prefix}{n:0{digits}d}" in taken:
        n += 1
    return f"{prefix}{n:0{digits}d}"


def snapshot(obj: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of `obj` as plain values (foreign keys by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return values
