"""The keyed hash chain: canonical form of an event, its HMAC, and verification of the whole chain.

Each event's hash is HMAC-SHA256, keyed with settings.FIVESAFES_AUDIT_KEY, over a canonical JSON
of its fields and the previous event's hash. Without the key nobody can forge a hash, so changing,
inserting or removing an event breaks the chain at that event. Removing the newest events (and
resetting the head) leaves a shorter chain that is intact in itself: the latest checkpoint of the
anchor file (`fivesafes.audit.anchor`), outside the database, shows that (see `verify`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Max

from fivesafes.audit import anchor
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
    warnings: tuple[str, ...] = ()


def describe(event: AuditEvent) -> str:
    return (
        f"event #{event.sequence} ({event.action} at {timestamp(event.occurred_at)}, id {event.pk})"
    )


def verify_events(
    events: Iterable[AuditEvent],
    head: AuditChainHead | None,
    existing_accounts: Container[int] = (),
) -> Verdict:
    """Walk the events in sequence order; stop at the first one that breaks the chain.

    `existing_accounts` holds the ids of the accounts that exist: an event whose actor link is
    empty while its actor's account exists had the link emptied by hand (Django empties it
    only when the account is deleted).
    """
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
        if (
            event.actor_id is None
            and event.actor_pk is not None
            and event.actor_pk in existing_accounts
        ):
            return Verdict(
                False,
                count,
                f"Chain broken at {describe(event)}: its link to its actor (account "
                f"#{event.actor_pk}, {event.actor_label or 'no name'}) was emptied while the "
                "account still exists.",
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


MAX_SHOWN = 20


def check_anchor() -> tuple[list[str], list[str], str, AuditChainHead | None]:
    """Compare the database with every valid checkpoint of the anchor file.

    Each checkpoint names an event and its hash, and the hash of event #1: the event must be
    there with that hash (which, through the chain, vouches for every event before it), and
    the log must not end before the latest checkpoint. Returns the problems (tampering), the
    warnings (gaps in anchoring), a note on the latest checkpoint that held, and the chain
    head as read after the file.

    The file is read before the database is asked: a line is written only after its event was
    committed, so while the application keeps appending, every line read names an event the
    database already has (no false alarm from a checkpoint newer than the log)."""
    path = anchor.anchor_path()
    first = AuditEvent.objects.filter(sequence=1).values_list("hash", flat=True).first()
    differing: list[anchor.Checkpoint] = []
    missing: list[anchor.Checkpoint] = []
    foreign: list[anchor.Checkpoint] = []

    def check(chunk: list[anchor.Checkpoint]) -> None:
        wanted = {c.sequence for c in chunk}
        stored = dict(
            AuditEvent.objects.filter(sequence__in=wanted).values_list("sequence", "hash")
        )
        for checkpoint in chunk:
            if first is not None and not hmac.compare_digest(first, checkpoint.genesis):
                foreign.append(checkpoint)
            if checkpoint.sequence not in stored:
                missing.append(checkpoint)
            elif not hmac.compare_digest(stored[checkpoint.sequence], checkpoint.hash):
                differing.append(checkpoint)

    reading = anchor.read(path, check)
    head = AuditChainHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0
    missing = [c for c in missing if c.sequence <= last]  # the rest: "newest removed", below
    problems: list[str] = []
    warnings: list[str] = []
    for number, why in reading.bad_lines[:MAX_SHOWN]:
        problems.append(f"Anchor line {number} of {path}: {why}.")
    if len(reading.bad_lines) > MAX_SHOWN:
        more = len(reading.bad_lines) - MAX_SHOWN
        problems.append(f"Anchor: {more} more line(s) of {path} are not valid checkpoints.")
    checkpoint = reading.latest
    if checkpoint is None:
        if last:
            where = "is empty" if reading.exists else "does not exist"
            warnings.append(
                f"No valid checkpoint: the anchor file {path} {where}, so removing the newest "
                "events would go unseen; `fivesafes audit checkpoint` writes one."
            )
        return problems, warnings, "", head
    if last < checkpoint.sequence:
        problems.append(
            f"The newest events were removed: the anchor's {checkpoint.describe()} names event "
            f"#{checkpoint.sequence}, but the log ends at #{last}"
            + (" (it is empty)" if last == 0 else "")
            + f": at least {checkpoint.sequence - last} event(s) are missing."
        )
    for found in differing[:MAX_SHOWN]:
        problems.append(
            f"Event #{found.sequence} differs from the anchor's {found.describe()}: the log was "
            "rewritten or replaced up to that event (or the checkpoint forged with the key)."
        )
    for found in missing[:MAX_SHOWN]:
        problems.append(
            f"Event #{found.sequence}, named by the anchor's {found.describe()}, is missing."
        )
    if foreign:
        problems.append(
            f"Event #1 is not the one {len(foreign)} checkpoint(s) name, first the anchor's "
            f"{foreign[0].describe()} (the chain's identity differs): the log was replaced."
        )
    for kind, found_list in (("differ", differing), ("are missing", missing)):
        if len(found_list) > MAX_SHOWN:
            problems.append(f"... and {len(found_list) - MAX_SHOWN} more checkpoint(s) {kind}.")
    head_sequence = head.sequence if head else 0
    if head_sequence < checkpoint.sequence:
        problems.append(
            f"The chain head (#{head_sequence}) is behind the anchor's {checkpoint.describe()}."
        )
    if last > checkpoint.sequence:
        warnings.append(
            f"{last - checkpoint.sequence} event(s) after #{checkpoint.sequence} are not yet "
            "covered by a checkpoint (an anchor write failed, or none was written yet); "
            "`fivesafes audit checkpoint` writes one."
        )
    return problems, warnings, f"anchored by the {checkpoint.describe()}", head


def append_only_guard_warnings() -> list[str]:
    """A warning when the database's append-only triggers are missing or disabled."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
            expected = 2
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
            expected = 2
        else:
            return []
        found = cursor.fetchone()[0]
    if found < expected:
        return [
            f"The database's append-only triggers on {table} are missing or disabled "
            f"({found} of {expected}): someone with rights over the schema removed them."
        ]
    return []


def beyond_the_head(chain: Verdict) -> Verdict:
    """An event past the chain head (an append moves the head in the same transaction, so
    none is there legitimately): inserted past it, or the head was moved back."""
    # The last event first, then the head: the head only grows, and moves with each append,
    # so for an untouched log the head read afterwards is never behind it.
    event = AuditEvent.objects.order_by("-sequence").first()
    now = AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0
    if event is None or event.sequence <= now:
        return chain
    return Verdict(
        False,
        chain.count,
        f"Chain broken at {describe(event)}: it lies beyond the chain head (#{now}): events "
        "were inserted past it, or the head was moved back.",
        event.sequence,
    )


def verify() -> Verdict:
    """The chain walked from #1, its actors' links, and the anchor's latest checkpoint."""
    problems, warnings, anchored, head = check_anchor()
    accounts = set(get_user_model().objects.values_list("pk", flat=True))
    # The events up to the head as read: what is appended meanwhile is for the next run.
    head_sequence = head.sequence if head else 0
    events = (
        AuditEvent.objects.filter(sequence__lte=head_sequence)
        .order_by("sequence")
        .iterator(chunk_size=2000)
    )
    chain = verify_events(events, head, accounts)
    if chain.ok:
        chain = beyond_the_head(chain)
    warnings += append_only_guard_warnings()
    if not problems:
        message = chain.message
        if chain.ok and anchored:
            message = message.rstrip(".") + f"; {anchored}."
        return Verdict(chain.ok, chain.count, message, chain.bad_sequence, tuple(warnings))
    if chain.ok:
        lead = f"Audit chain intact in itself ({chain.count} event(s)), but it does not match "
        lead += "its anchor:"
        return Verdict(False, chain.count, " ".join([lead, *problems]), None, tuple(warnings))
    message = " ".join([chain.message, "Anchor:", *problems])
    return Verdict(False, chain.count, message, chain.bad_sequence, tuple(warnings))
