"""On PostgreSQL, the database itself refuses UPDATE, DELETE and TRUNCATE of audit events.

The one update allowed is Django's SET_NULL of `actor` when an account is deleted, and only when
no other column changes (actor_pk and actor_label, which the hash covers, keep who it was).
Triggers do not fire for a superuser session in `session_replication_role = replica`, which only
a superuser can set (the test suite uses it to empty the database between tests).
Other databases: nothing here; the model refuses changes, and `audit verify` detects them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "audit_auditevent"

INSTALL = f"""
CREATE OR REPLACE FUNCTION fivesafes_audit_refuse_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
     AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit events are append-only: % of audit event #% refused', TG_OP, OLD.sequence
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION fivesafes_audit_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: TRUNCATE of % refused', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_append_only_rows
  BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION fivesafes_audit_refuse_row_change();

CREATE TRIGGER audit_event_append_only_truncate
  BEFORE TRUNCATE ON {TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION fivesafes_audit_refuse_truncate();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS audit_event_append_only_truncate ON {TABLE};
DROP TRIGGER IF EXISTS audit_event_append_only_rows ON {TABLE};
DROP FUNCTION IF EXISTS fivesafes_audit_refuse_truncate();
DROP FUNCTION IF EXISTS fivesafes_audit_refuse_row_change();
"""


def install(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
