"""The keyed hash chain: canonical form of an event, its HMAC, and verification of the whole chain.

Each event's hash is HMAC-SHA256, keyed with settings.FIVESAFES_AUDIT_KEY, over a canonical JSON
of its fields and the previous event's hash. Without the key nobody can forge a hash, so changing,
inserting or removing an event breaks the chain at that event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from fivesafes.audit.models import AuditChainHead, AuditEvent

HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_pk",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "before",
    "after",
    "data",
    "ip_address",
    "prev_hash",
)


def clean_text(value: str) -> str:
    """Text as every database stores it: no NUL characters, no lone surrogates."""
    return value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _normalise(value: Any) -> Any:
    """JSON values as every database gives them back.

    PostgreSQL's jsonb keeps numbers as exact decimals, so the float 1e20 comes back as the
    integer 100000000000000000000: integral floats become the integer their decimal form names.
    """
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return value


def to_json_value(value: Any) -> Any:
    """Turn dates, decimals, UUIDs and the like into plain JSON values before storing them."""
    if value is None:
        return None
    return _normalise(json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)))


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(event: AuditEvent) -> bytes:
    fields: dict[str, Any] = {name: getattr(event, name) for name in HASHED_FIELDS}
    fields["occurred_at"] = timestamp(event.occurred_at)
    for name in ("before", "after", "data"):
        fields[name] = _normalise(fields[name])
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def compute_hash(event: AuditEvent) -> str:
    key = str(settings.FIVESAFES_AUDIT_KEY).encode()
    return hmac.new(key, canonical(event), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """The outcome of verifying the chain: intact, or the first bad event and what is wrong."""

    ok: bool
    count: int
    message: str
    bad_sequence: int | None = None


def describe(event: AuditEvent) -> str:
    return (
        f"event #{event.sequence} ({event.action} at {timestamp(event.occurred_at)}, id {event.pk})"
    )


def verify_events(events: Iterable[AuditEvent], head: AuditChainHead | None) -> Verdict:
    """Walk the events in sequence order; stop at the first one that breaks the chain."""
    expected_sequence = 1
    prev_hash = ""
    count = 0
    for event in events:
        if event.sequence != expected_sequence:
            if event.sequence > expected_sequence:
                missing = (
                    f"#{expected_sequence}"
                    if event.sequence == expected_sequence + 1
                    else f"#{expected_sequence} to #{event.sequence - 1}"
                )
                return Verdict(
                    False,
                    count,
                    f"Chain broken at {describe(event)}: event {missing} is missing (removed).",
                    event.sequence,
                )
            return Verdict(
                False,
                count,
                f"Chain broken at {describe(event)}: sequence number "
                f"out of order (expected #{expected_sequence}).",
                event.sequence,
            )
        if event.prev_hash != prev_hash:
            return Verdict(
                False,
                count,
                f"Chain broken at {describe(event)}: its link to the "
                "previous event does not match (an event before it was removed, "
                "inserted or rewritten).",
                event.sequence,
            )
        if not hmac.compare_digest(compute_hash(event), event.hash):
            return Verdict(
                False,
                count,
                f"Chain broken at {describe(event)}: its contents do "
                "not match its hash (the row was changed or inserted).",
                event.sequence,
            )
        if event.actor_id is not None and event.actor_id != event.actor_pk:
            return Verdict(
                False,
                count,
                f"Chain broken at {describe(event)}: its actor was changed.",
                event.sequence,
            )
        prev_hash = event.hash
        expected_sequence += 1
        count += 1
    last = expected_sequence - 1
    head_sequence = head.sequence if head else 0
    head_hash = head.hash if head else ""
    if head_sequence != last or head_hash != prev_hash:
        if head_sequence > last:
            return Verdict(
                False,
                count,
                f"Chain broken after event #{last}: the chain head "
                f"records #{head_sequence}, so the last {head_sequence - last} "
                "event(s) were removed.",
                last + 1,
            )
        return Verdict(
            False,
            count,
            f"Chain broken: the chain head (#{head_sequence}) does not "
            f"match the last event #{last}.",
            last,
        )
    return Verdict(
        True, count, f"Audit chain intact: {count} event(s), last hash {prev_hash or '(none)'}."
    )


def verify() -> Verdict:
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    return verify_events(events, AuditChainHead.objects.filter(pk=1).first())
