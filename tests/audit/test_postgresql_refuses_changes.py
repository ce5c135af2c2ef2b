"""On PostgreSQL the database itself refuses to change, delete or truncate audit events."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from fivesafes.audit.chain import verify
from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import record

# Collected only in the PostgreSQL run (tests/conftest.py deselects it on SQLite).
pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def refused(sql: str, params: list | None = None) -> str:
    with pytest.raises(DatabaseError) as failure, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params or [])
    return str(failure.value)


def test_update_delete_and_truncate_are_refused_by_the_database(make_user, settings) -> None:
    person = make_user()
    record(action="test.one", actor=person, data={"n": 1})
    record(action="test.two")
    assert "append-only: UPDATE of audit event #1 refused" in refused(
        "UPDATE audit_auditevent SET action = 'test.other' WHERE sequence = 1"
    )
    assert "append-only: DELETE of audit event #2 refused" in refused(
        "DELETE FROM audit_auditevent WHERE sequence = 2"
    )
    with connection.cursor() as cursor:  # run the deferred foreign-key checks first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert "TRUNCATE of audit_auditevent refused" in refused("TRUNCATE audit_auditevent CASCADE")
    # Clearing the actor is allowed only on its own, as when an account is deleted.
    assert "refused" in refused(
        "UPDATE audit_auditevent SET actor_id = NULL, actor_label = 'x' WHERE sequence = 1"
    )
    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
        "test.one",
        "test.two",
    ]
    assert verify().ok

    # `flush` empties the database: refused outside test mode, allowed in it (between tests).
    settings.ENV = "demo"
    with pytest.raises(CommandError) as failure, transaction.atomic():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert "TRUNCATE of audit_auditevent refused" in str(failure.value.__cause__)
    assert AuditEvent.objects.count() == 2
    settings.ENV = "test"
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert AuditEvent.objects.count() == 0
