"""A small demonstration task: counts through steps, reporting progress as it goes.

The demo and the tests use it to show that the worker runs jobs and that progress reaches 100 %.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection
from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe

MAX_STEPS = 1000


@retry_safe
@task()
def self_check(steps: int = 5, pause: float = 0.2) -> dict[str, Any]:
    """Count to `steps`, pausing `pause` seconds per step; check the database answers."""
    steps = max(1, min(int(steps), MAX_STEPS))
    pause = max(0.0, min(float(pause), 10.0))
    report(0.0, f"Starting: {steps} steps")
    for step in range(1, steps + 1):
        time.sleep(pause)
        report(step / steps, f"Checked {step} of {steps} steps")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database_ok = cursor.fetchone() == (1,)
    return {"steps": steps, "database": "ok" if database_ok else "unexpected answer"}
