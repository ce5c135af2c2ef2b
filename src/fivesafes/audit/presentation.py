"""How an event is shown: its action in words first, and one row per field that differs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from fivesafes.audit.actions import REGISTRY, meaning
from fivesafes.audit.models import AuditEvent
from fivesafes.shared.labels import translated

MISSING = object()


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def show(value: Any) -> str:
    if value is MISSING:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def in_words(action: str) -> str:
    """What the action means, as declared by the room that records it, in the reader's language
    (the rooms mark their meanings for the catalogues). An old event whose name is no longer
    declared reads as its name in words ('quote.issued' -> 'Quote issued')."""
    declared = meaning(action)
    if declared is None:
        return action.replace(".", " ").replace("_", " ").capitalize()
    step = REGISTRY.step_words(action)
    if step is not None:
        words, subject = step
        return _("%(step)s (a step of the %(subject)s)") % {
            "step": translated(words),
            "subject": translated(subject),
        }
    return translated(declared)


def details(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's extra data as (key, shown value) pairs, in key order."""
    data = event.data if isinstance(event.data, dict) else {}
    return [(key, show(data[key])) for key in sorted(data)]


def changes(event: AuditEvent) -> list[Change]:
    """Fields of before/after side by side; unchanged fields are left out."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    rows = []
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field, MISSING), after.get(field, MISSING)
        if old != new:
            rows.append(Change(field, show(old), show(new)))
    return rows


@dataclass(frozen=True)
class HistoryRow:
    """One line of an object's history: an action in words, who and when; repeated edits by the
    same person in a row are folded into one line with their count and time span."""

    words: str
    actor: str
    first: Any
    last: Any
    about: str
    count: int = 1


def history(events: Any) -> list[HistoryRow]:
    """Events (in the order shown) as history lines: consecutive events of the same action by
    the same person about the same object become one line."""
    rows: list[HistoryRow] = []
    for event in events:
        actor = event.actor_label or _("system")
        previous = rows[-1] if rows else None
        same = (
            previous is not None
            and previous.words == in_words(event.action)
            and previous.actor == actor
            and previous.about == event.object_label
        )
        if same and previous is not None:
            rows[-1] = HistoryRow(
                words=previous.words,
                actor=actor,
                first=previous.first,
                last=event.occurred_at,
                about=previous.about,
                count=previous.count + 1,
            )
        else:
            rows.append(
                HistoryRow(
                    words=in_words(event.action),
                    actor=actor,
                    first=event.occurred_at,
                    last=event.occurred_at,
                    about=event.object_label,
                )
            )
    return rows
