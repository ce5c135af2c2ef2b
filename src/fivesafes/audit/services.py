"""Writing audit events, and reading the events of one object.

`record` is the one way to write an event. Call it inside the transaction of the change it
records: it opens a savepoint, so when the caller's transaction rolls back the event goes too.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fivesafes.audit.actions import require_declared
from fivesafes.audit.chain import clean_text, compute_hash, to_json_value
from fivesafes.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the caller's transaction ends (appends are serialised)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1)
        except IntegrityError:
            pass  # another transaction created it first
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _actor(actor: AbstractBaseUser | AnonymousUser | None, request: HttpRequest | None) -> Any:
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk is None:
        return None
    return actor


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from (REMOTE_ADDR; a proxy must set it, not a header)."""
    if request is None:
        return None
    value = request.META.get("REMOTE_ADDR") or ""
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return None


def object_fields(obj: Model | None) -> dict[str, str]:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_label": ""}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": "" if obj.pk is None else clean_text(str(obj.pk))[:64],
        "object_label": clean_text(str(obj))[:200],
    }


def record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,  # below the rooms: Django's types
    obj: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the audit log, in the caller's transaction.

    `actor` defaults to the signed-in person of `request`; `obj` is the model instance the event
    is about; `before`/`after` hold the changed fields where it matters; `data` anything else.
    `action` must be declared (`fivesafes.audit.actions`): an undeclared one is a ValueError.
    """
    if not action or len(action) > 100:
        raise ValueError("An audit action is a dotted name of 1 to 100 characters.")
    require_declared(action)
    person = _actor(actor, request)
    with transaction.atomic():
        head = _locked_head()
        event = AuditEvent(
            sequence=head.sequence + 1,
            occurred_at=timezone.now(),
            actor=person,
            actor_pk=person.pk if person is not None else None,
            actor_label=clean_text(person.get_username() if person is not None else "")[:150],
            action=action,
            before=to_json_value(before),
            after=to_json_value(after),
            data=to_json_value(data or {}),
            ip_address=client_ip(request),
            prev_hash=head.hash,
            **object_fields(obj),
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.sequence = event.sequence
        head.hash = event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def event_stream_for(obj: Model) -> QuerySet[AuditEvent]:
    """The events about one object, oldest first (for an object's timeline)."""
    fields = object_fields(obj)
    return AuditEvent.objects.filter(
        object_type=fields["object_type"], object_id=fields["object_id"]
    ).order_by("sequence")
