"""Jobs test helpers: real worker processes against the test database, and waiting for them.

A worker runs in its own process, so it must reach the test database: on SQLite that means a
file, not the in-memory default, so this conftest names a file for it (the project settings
may take this over). Tests that use a worker commit their data (`transactional_db`); the flush
after them empties the audit table too (see fivesafes/audit/management/commands/flush.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

STALE_SECONDS = 2


def _sqlite_test_database_in_a_file() -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        test = database.setdefault("TEST", {})
        if not test.get("NAME"):
            # One file per test run, so two runs at once do not share (and clobber) it.
            test["NAME"] = str(Path(settings.DATA_DIR) / f"test-database-{os.getpid()}.sqlite3")


_sqlite_test_database_in_a_file()


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """A `fivesafes worker` subprocess on the test database, with its log kept for messages."""

    def __init__(self, log_dir: Path) -> None:
        self.worker_id = f"test-{uuid.uuid4().hex[:12]}"
        self.log_path = log_dir / f"{self.worker_id}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "FIVESAFES_ENV": "test",
            "FIVESAFES_DATA_DIR": str(settings.DATA_DIR),
            "FIVESAFES_SECRET_KEY": settings.SECRET_KEY,
            "FIVESAFES_AUDIT_KEY": settings.FIVESAFES_AUDIT_KEY,
            "FIVESAFES_AUDIT_ANCHOR": str(settings.FIVESAFES_AUDIT_ANCHOR),
            "FIVESAFES_WORKER_STALE_SECONDS": str(STALE_SECONDS),
        }
        command = [
            str(Path(sys.executable).parent / "fivesafes"),
            "worker",
            "--worker-id",
            self.worker_id,
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    @property
    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def start_worker(
    transactional_db: None, tmp_path: Path, settings: Any
) -> Iterator[Callable[[], WorkerProcess]]:
    """`start_worker()` -> a running worker process; all are stopped after the test."""
    settings.FIVESAFES_WORKER_STALE_AFTER = timedelta(seconds=STALE_SECONDS)
    workers: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(tmp_path)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_for(
    condition: Callable[[], Any],
    *,
    what: str,
    timeout: float = 90.0,
    every: float = 0.05,
    log: Callable[[], str] | None = None,
) -> Any:
    """Poll until `condition()` is truthy and return it; fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    detail = f"\n--- worker log ---\n{log()}" if log else ""
    pytest.fail(f"Waited {timeout:.0f} s, but {what} never happened.{detail}")
