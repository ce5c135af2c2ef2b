"""Scheduled work of safe projects, as a background job (run daily, R25).

`daily_sweep` closes projects past their end date (their agreements lapse, so access ends) and
reminds researchers 30 days before the end. Safe to run again: each step skips what is done.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe


def run_daily_sweep() -> dict[str, Any]:
    from fivesafes.projects.services.closure import close_ended, send_end_reminders

    today = timezone.localdate()
    report(0.1, "Closing projects past their end date")
    closed = close_ended(on=today)
    report(0.6, "Reminding researchers of projects that end soon")
    reminded = send_end_reminders(on=today)
    report(1.0, f"{closed} closed, {reminded} reminded")
    return {"closed": closed, "reminded": reminded}


@retry_safe
@task()
def daily_sweep() -> dict[str, Any]:
    """The daily sweep of safe projects as a job for the worker."""
    return run_daily_sweep()
