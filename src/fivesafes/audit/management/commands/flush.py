"""`flush` that can empty the audit table in test mode, and only there.

The append-only triggers (migrations 0002 on PostgreSQL, 0003 on SQLite) refuse TRUNCATE and
DELETE of audit events, which is what Django's flush does between transactional tests (and
live-server browser tests). In test mode (FIVESAFES_ENV=test) this command lets the flush
through: on PostgreSQL with `session_replication_role = replica`, under which the triggers do
not fire (only a superuser may set it, as the test database user is); on SQLite, which has no
such role, by dropping the triggers, flushing, and creating them again from their own SQL, all
in one transaction. In every other mode it is Django's flush unchanged, so the database keeps
refusing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

AUDIT_TABLE = "audit_auditevent"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if getattr(settings, "ENV", "") != "test" or connection.vendor not in (
            "postgresql",
            "sqlite",
        ):
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    super().handle(**options)
                    return
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [AUDIT_TABLE],
                )
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)
