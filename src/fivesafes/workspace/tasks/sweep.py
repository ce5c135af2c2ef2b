"""The workspace's periodic jobs (scheduled in `fivesafes.jobs.schedule`, ADR 0004): runs
whose worker died are recorded as failed without waiting for their member's next run, and
every active project's storage is measured for the staff overview."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe


@retry_safe
@task()
def settle_lost_runs() -> dict[str, Any]:
    """Safe to run again: a run already recorded is left alone."""
    from fivesafes.workspace.services.execution import settle_lost_everywhere

    report(0.1, "Looking for runs whose worker died")
    settled = settle_lost_everywhere()
    report(1.0, f"{len(settled)} lost runs recorded as failed")
    return {"settled": settled}


@retry_safe
@task()
def measure_storage() -> dict[str, Any]:
    """Safe to run again: it measures afresh."""
    from fivesafes.workspace.services.storage import measure_all

    report(0.1, "Measuring the storage of every workspace")
    measured = measure_all()
    report(1.0, f"{measured} workspaces measured")
    return {"measured": measured}
