"""The delivery room's jobs for the worker: run a started delivery, delete a closed project's
data folder (R25), and the daily sweep (`services/sweep.py`). All are retry-safe: a run killed
with its worker starts again from a clean folder, a deletion or a sweep run twice does nothing
twice."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from fivesafes.jobs.retry import retry_safe


@retry_safe
@task()
def run_delivery(delivery_id: int) -> dict[str, Any]:
    from fivesafes.delivery.services.running import run

    return run(delivery_id)


@retry_safe
@task()
def delete_project_data(project_id: int) -> dict[str, Any]:
    from fivesafes.delivery.services.closure import delete_project_data as delete
    from fivesafes.projects.models import Project

    done = delete(project=Project.objects.get(pk=project_id))
    return {
        "files": done.files,
        "bytes": done.bytes,
        "deleted": done.deleted,
        "discarded": done.discarded,
        "verified": done.verified,
    }


@retry_safe
@task()
def daily_sweep() -> dict[str, Any]:
    from fivesafes.delivery.services.sweep import run_daily_sweep

    return run_daily_sweep()
