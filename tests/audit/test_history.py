"""Histories on case, application and project pages read in words, with repeated edits folded
(issue #16 item 5): 'A requested variable's years ... changed (3 times)', never the raw name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from fivesafes.audit.presentation import history, in_words


def _event(action: str, actor: str, minute: int, about: str = "A-1") -> SimpleNamespace:
    return SimpleNamespace(
        action=action,
        actor_label=actor,
        occurred_at=datetime(2026, 12, 5, 9, 0, tzinfo=UTC) + timedelta(minutes=minute),
        object_label=about,
    )


def test_consecutive_same_edits_by_one_person_fold_into_one_line() -> None:
    events = [
        _event("application.created", "rikke", 0),
        *(_event("application.variable_updated", "rikke", m) for m in range(1, 25)),
        _event("application.variable_updated", "camilla", 30),
        _event("application.variable_updated", "rikke", 31),
    ]
    rows = history(events)
    assert [(r.words, r.actor, r.count) for r in rows] == [
        (in_words("application.created"), "rikke", 1),
        (in_words("application.variable_updated"), "rikke", 24),
        (in_words("application.variable_updated"), "camilla", 1),
        (in_words("application.variable_updated"), "rikke", 1),
    ]
    assert rows[1].first == events[1].occurred_at and rows[1].last == events[24].occurred_at
