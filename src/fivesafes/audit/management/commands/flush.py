"""`flush` that can empty the audit table in test mode on PostgreSQL, and only there.

The append-only triggers (migration 0002) refuse TRUNCATE of audit events, which is what
Django's flush does between transactional tests (and live-server browser tests). In test mode
(FIVESAFES_ENV=test) this command runs the flush with `session_replication_role = replica`,
under which the triggers do not fire; only a superuser may set it, as the test database user is.
In every other mode it is Django's flush unchanged, so the database keeps refusing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if getattr(settings, "ENV", "") != "test" or connection.vendor != "postgresql":
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            super().handle(**options)
