"""Audit test helpers: tampering with the table as someone with direct database access.

Concurrent appends run in threads with their own connections, so on SQLite the test database
must be a file (as for the worker tests in tests/jobs), not the in-memory default.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection


def _sqlite_test_database_in_a_file() -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        test = database.setdefault("TEST", {})
        if not test.get("NAME"):
            # One file per test run, so two runs at once do not share (and clobber) it.
            test["NAME"] = str(Path(settings.DATA_DIR) / f"test-database-{os.getpid()}.sqlite3")


_sqlite_test_database_in_a_file()


def as_intruder(sql: str, params: list[Any] | None = None) -> None:
    """Run raw SQL the way someone with full rights over the database could, bypassing the
    append-only triggers.

    On PostgreSQL the triggers do not fire in `session_replication_role = replica`, which only a
    superuser may set; SET LOCAL limits it to the test's transaction, and we switch back at
    once. On SQLite the intruder drops the triggers, runs the SQL and creates them again (in the
    test's transaction, so the triggers are back however the test ends).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            try:
                cursor.execute(sql, params or [])
            finally:
                cursor.execute("SET LOCAL session_replication_role = origin")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["audit_auditevent"],
        )
        triggers = cursor.fetchall()
        for name, _definition in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            cursor.execute(sql, params or [])
        finally:
            for _name, definition in triggers:
                cursor.execute(definition)


# The made-up actions these tests write, declared for them only (record refuses any other).
TEST_ACTIONS = {
    **{f"test.event_{i}": "An event the chain tests write" for i in range(1, 21)},
    **{f"test.bulk_{i:02d}": "An event the paging test writes" for i in range(60)},
    **dict.fromkeys(
        [
            "test.a",
            "test.b",
            "test.c",
            "test.any_json",
            "test.before_leaving",
            "test.by_someone",
            "test.concurrent",
            "test.fixed",
            "test.kept",
            "test.next",
            "test.on_behalf",
            "test.one",
            "test.seen",
            "test.touched",
            "test.two",
            "test.undone",
            "test.values",
        ],
        "An event the audit tests write",
    ),
}


@pytest.fixture(autouse=True)
def declared_test_actions() -> Any:
    from fivesafes.audit.actions import REGISTRY

    REGISTRY.declare("tests.audit", TEST_ACTIONS)
    yield
    REGISTRY.forget("tests.audit")


@pytest.fixture
def tamper() -> Callable[..., None]:
    return as_intruder


@pytest.fixture
def record_events(db: Any) -> Callable[..., list[Any]]:
    """`record_events(n)` -> n recorded events with varied contents, oldest first."""
    from fivesafes.audit.services import record

    def make(count: int, **kwargs: Any) -> list[Any]:
        return [
            record(
                action=f"test.event_{i}",
                data={"n": i, "note": f"event {i}"},
                before={"state": "old"},
                after={"state": f"new {i}"},
                **kwargs,
            )
            for i in range(1, count + 1)
        ]

    return make
