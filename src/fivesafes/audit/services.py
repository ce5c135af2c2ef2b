"""Writing audit events, and reading the events of one object.

`record` is the one way to write an event. Call it inside the transaction of the change it
records: it opens a savepoint, so when the caller's transaction rolls back the event goes too.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fivesafes.audit import anchor
from fivesafes.audit.actions import require_declared
from fivesafes.audit.chain import clean_text, compute_hash, to_json_value
from fivesafes.audit.models import AuditChainHead, AuditEvent, RefusalWindow
from fivesafes.shared.pages import REFUSAL_RECORDED

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


# The longest text an audit entry keeps of one value (a purpose pasted a million times over is
# kept as its start and its length): the log records what happened, not bulk content.
MAX_TEXT = 4000


def bounded(value: Any) -> Any:
    """`value` with every text longer than MAX_TEXT cut, saying how long it was."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"{value[:MAX_TEXT]}… ({len(value):,} characters in all)"
    if isinstance(value, dict):
        return {key: bounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [bounded(item) for item in value]
    return value


def record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,  # below the rooms: Django's types
    obj: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the audit log, in the caller's transaction.

    `actor` defaults to the signed-in person of `request`; `obj` is the model instance the event
    is about; `before`/`after` hold the changed fields where it matters; `data` anything else.
    `action` must be declared (`fivesafes.audit.actions`): an undeclared one is a ValueError.
    `ip_address` defaults to the address of `request`.

    Once the outermost transaction commits, the new chain head is written to the anchor file
    (`fivesafes.audit.anchor`); a failure there is logged, never raised.
    """
    if not action or len(action) > 100:
        raise ValueError("An audit action is a dotted name of 1 to 100 characters.")
    require_declared(action)
    if request is not None and action.endswith(("denied", "refused")):
        setattr(request, REFUSAL_RECORDED, True)  # the policy's middleware records no second
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
            before=to_json_value(bounded(before)),
            after=to_json_value(bounded(after)),
            data=to_json_value(bounded(data or {})),
            ip_address=ip_address if ip_address is not None else client_ip(request),
            prev_hash=head.hash,
            **object_fields(obj),
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.sequence = event.sequence
        head.hash = event.hash
        fields = ["sequence", "hash"]
        if event.sequence == 1 or not head.genesis:
            head.genesis = (
                event.hash
                if event.sequence == 1
                else AuditEvent.objects.filter(sequence=1).values_list("hash", flat=True).first()
                or ""
            )
            fields.append("genesis")
        head.save(update_fields=fields)
        checkpoint = (event.sequence, event.hash, head.genesis)
        transaction.on_commit(lambda: anchor.write_checkpoint(*checkpoint), robust=True)
    return event


def event_stream_for(obj: Model) -> QuerySet[AuditEvent]:
    """The events about one object, oldest first (for an object's timeline)."""
    fields = object_fields(obj)
    return AuditEvent.objects.filter(
        object_type=fields["object_type"], object_id=fields["object_id"]
    ).order_by("sequence")


# --- refusals of anonymous requests, bounded ------------------------------------------------

REFUSAL_WINDOW = timedelta(seconds=60)
REFUSALS_PER_SOURCE = 10  # recorded one by one per source and window; the rest summarised
REFUSALS_ALL_SOURCES = 100  # recorded one by one per window from all sources together
MAX_PATH = 200
MAX_REASON = 200
MAX_REASONS = 10  # distinct reasons counted in a summary; the rest count as "other"
# The refusals that are bounded; each has a summary action `<name>_summarised`, declared with
# it in accounts/audit_actions.py (written out in `_summarise`, so the actions scan finds it).
REFUSALS = ("api.refused", "access.denied")


def bounded_path(path: str) -> dict[str, Any]:
    """The request path for an audit entry: at most MAX_PATH characters, with the full length
    when it was cut."""
    if len(path) <= MAX_PATH:
        return {"path": path}
    return {"path": path[:MAX_PATH], "path_length": len(path)}


def refusal_source(ip: str | None) -> str:
    """Whom refusals are counted for: the IPv4 address, or the IPv6 /64 network."""
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address.compressed


def now() -> datetime:
    """The time refusal windows are counted by (a function of its own, so tests can fix it)."""
    return timezone.now()


def window_start(moment: datetime) -> datetime:
    seconds = int(REFUSAL_WINDOW.total_seconds())
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=moment.tzinfo)


def _locked_window(key: str, start: datetime, action: str) -> RefusalWindow:
    """The window row of `key`, locked; a closed window is summarised and opened anew."""
    row = RefusalWindow.objects.select_for_update().filter(source=key).first()
    if row is None:
        try:
            with transaction.atomic():
                RefusalWindow.objects.create(source=key, window_start=start)
        except IntegrityError:
            pass  # another transaction created it first
        row = RefusalWindow.objects.select_for_update().get(source=key)
    if row.window_start != start:
        if row.suppressed:
            _summarise(row, action)
        row.window_start, row.recorded, row.suppressed, row.reasons = start, 0, 0, {}
        row.save()
    return row


def _summarise(row: RefusalWindow, action: str) -> AuditEvent:
    source = row.source.split(" ", 1)[1]
    summary = "api.refused_summarised" if action == "api.refused" else "access.denied_summarised"
    return record(
        action=summary,
        ip_address=row.last_ip if source != "*" else None,
        data={
            "source": "all sources together" if source == "*" else source,
            "window_start": row.window_start.isoformat(),
            "window_seconds": int(REFUSAL_WINDOW.total_seconds()),
            "refused": row.recorded + row.suppressed,
            "recorded_one_by_one": row.recorded,
            "summarised": row.suppressed,
            "reasons": row.reasons,
        },
    )


def _summarise_closed(action: str, start: datetime, limit: int = 100) -> int:
    """Summarise the closed windows of `action` that counted refusals not yet recorded."""
    rows = list(
        RefusalWindow.objects.select_for_update()
        .filter(source__startswith=f"{action} ", window_start__lt=start, suppressed__gt=0)
        .order_by("pk")[:limit]
    )
    for row in rows:
        _summarise(row, action)
        row.suppressed, row.reasons = 0, {}
        row.save(update_fields=["suppressed", "reasons"])
    return len(rows)


def summarise_closed_windows(at: datetime | None = None) -> int:
    """Record the summary of every closed window that has one pending (a periodic command runs
    this, so a burst that stopped is summarised even when no refusal follows). Also forgets
    windows closed for more than an hour. Returns how many summaries were recorded."""
    start = window_start(at or now())
    pending = RefusalWindow.objects.filter(window_start__lt=start, suppressed__gt=0)
    actions = {key.split(" ", 1)[0] for key in pending.values_list("source", flat=True)}
    actions &= set(REFUSALS)
    count = 0
    for action in sorted(actions):
        with transaction.atomic():
            _locked_window(f"{action} *", start, action)  # everyone's row first: no deadlock
            count += _summarise_closed(action, start, limit=10_000)
    RefusalWindow.objects.filter(window_start__lt=start - timedelta(hours=1), suppressed=0).delete()
    return count


def record_refusal(
    *,
    audit_action: str,
    request: HttpRequest,
    reason: str,
    data: dict[str, Any] | None = None,
    actor: AbstractBaseUser | AnonymousUser | None = None,
) -> AuditEvent | None:
    """Record a refused request with a bounded path and reason.

    A signed-in person's refusals are always recorded. Refusals of anonymous requests are
    recorded one by one up to REFUSALS_PER_SOURCE per source (and REFUSALS_ALL_SOURCES from all
    sources) per REFUSAL_WINDOW; the rest are counted, and when the window has closed one
    `<audit_action>_summarised` event records the count (at the next refusal of any anonymous
    request, at the worker's sweep, or when `fivesafes audit checkpoint` runs). The counting
    is in the database, locked, so several server processes count together. Returns the event,
    or None when the refusal was only counted.
    """
    if audit_action not in REFUSALS:
        raise ValueError(f"'{audit_action}' is not a refusal: one of {', '.join(REFUSALS)}.")
    setattr(request, REFUSAL_RECORDED, True)
    action = audit_action
    payload = {
        **bounded_path(clean_text(request.path)),
        "reason": clean_text(reason)[:MAX_REASON],
        **(data or {}),
    }
    if _actor(actor, request) is not None:
        return record(action=audit_action, actor=actor, request=request, data=payload)
    start = window_start(now())
    ip = client_ip(request)
    with transaction.atomic():
        everyone = _locked_window(f"{action} *", start, action)  # always first: no deadlock
        _summarise_closed(action, start)
        mine = _locked_window(f"{action} {refusal_source(ip)}", start, action)
        mine.last_ip = ip
        event = None
        if mine.recorded < REFUSALS_PER_SOURCE and everyone.recorded < REFUSALS_ALL_SOURCES:
            event = record(action=audit_action, request=request, data=payload)
            mine.recorded += 1
            everyone.recorded += 1
        else:
            counter = mine if mine.recorded >= REFUSALS_PER_SOURCE else everyone
            counter.suppressed += 1
            key = payload["reason"][:100]
            if key not in counter.reasons and len(counter.reasons) >= MAX_REASONS:
                key = "other"
            counter.reasons[key] = counter.reasons.get(key, 0) + 1
        everyone.save()
        mine.save()
    return event
