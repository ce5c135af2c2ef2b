"""How a people service changes a record: the text a step must have, and the fields it sets
with the audit event that shows them before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fivesafes.audit.services import record
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import snapshot

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from fivesafes.accounts.models import User


def written(text: str, rule: str, field: str, message: str) -> str:
    """`text` without its surrounding blanks; a refusal under `rule` on `field` if none is left."""
    if not text.strip():
        raise RuleViolation(rule, field, message)
    return text.strip()


def change(
    obj: Model,
    values: dict[str, Any],
    *,
    audit_action: str,
    actor: User | None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    stamped: tuple[str, ...] = (),
) -> None:
    """Set `values` on `obj`, save those fields (and the `stamped` ones the caller set, which
    the event leaves out), and record `audit_action` with the fields before and after.
    Call it inside the service's transaction, with `obj` locked."""
    fields = tuple(values)
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, *stamped])
    record(
        action=audit_action,
        actor=actor,
        obj=obj,
        before=before,
        after=snapshot(obj, fields),
        data=data,
        request=request,
    )
