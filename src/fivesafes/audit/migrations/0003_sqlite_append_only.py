"""On SQLite, too, the database itself refuses UPDATE and DELETE of audit events (triggers).

As on PostgreSQL (migration 0002), the one update allowed is Django's SET_NULL of `actor` when
an account is deleted, and only when no other column changes. The condition names every column
the table has when this migration runs; a later migration that rebuilds the table on SQLite
(which drops its triggers) must install them again: tests/audit/test_tampering.py checks they
are there. SQLite has no TRUNCATE (a DELETE without WHERE fires the row trigger), and no role
that skips triggers: the test suite's flush drops and restores them (management/commands/flush.py).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "audit_auditevent"
UPDATE_TRIGGER = "audit_event_append_only_update"
DELETE_TRIGGER = "audit_event_append_only_delete"


def install(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        columns = [row[1] for row in cursor.execute(f"PRAGMA table_info({TABLE})").fetchall()]
    unchanged = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns if c != "actor_id")
    schema_editor.execute(
        f"CREATE TRIGGER {UPDATE_TRIGGER} BEFORE UPDATE ON {TABLE} "
        f"WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {unchanged}) "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE of an audit event "
        "refused'); END",
        params=None,
    )
    schema_editor.execute(
        f"CREATE TRIGGER {DELETE_TRIGGER} BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE of an audit event "
        "refused'); END",
        params=None,
    )


def remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {UPDATE_TRIGGER}", params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {DELETE_TRIGGER}", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_postgresql_append_only")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
