"""Scheduled work of safe projects, as a background job (run daily, R25).

`daily_sweep` closes projects past their end date (their agreements lapse, so access ends) and
reminds researchers 30 days before the end. Idempotent: a second run on the same day (even one
running at the same time) closes nothing twice and sends no reminder twice, because each step
locks the project and re-checks before it acts. A project that cannot be closed does not
stop the others: the sweep finishes, then fails naming it, so the failure shows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe


def run_daily_sweep(on: date | None = None) -> dict[str, Any]:
    """Close what has ended, then remind; `on` is the day to sweep for (default today)."""
    from fivesafes.projects.services.closure import close_ended, send_end_reminders

    today = on or timezone.localdate()
    report(0.1, "Closing projects past their end date")
    failed: list[str] = []
    closed = close_ended(on=today, failed=failed)
    report(0.6, "Reminding researchers of projects that end soon")
    reminded = send_end_reminders(on=today)
    if failed:
        # The job fails, so it shows and is run again; what was done stays done.
        raise SweepIncomplete(
            f"{closed} closed, {reminded} reminded, but closing failed for "
            f"{', '.join(failed)}; see the log. Running the sweep again retries them."
        )
    report(1.0, f"{closed} closed, {reminded} reminded")
    return {"closed": closed, "reminded": reminded}


class SweepIncomplete(RuntimeError):
    """Some projects past their end date could not be closed; the rest of the sweep was done."""


@retry_safe
@task()
def daily_sweep() -> dict[str, Any]:
    """The daily sweep of safe projects as a job for the worker."""
    return run_daily_sweep()
