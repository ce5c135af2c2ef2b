"""The periodic JupyterLab job: stop idle sessions and end those whose server is gone."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from fivesafes.jobs.progress import report
from fivesafes.jobs.retry import retry_safe


@retry_safe
@task()
def cull_lab_sessions() -> dict[str, Any]:
    """Safe to run again: a session already ended is left alone."""
    from fivesafes.workspace.services.lab import cull_idle

    report(0.1, "Stopping idle JupyterLab sessions")
    culled = cull_idle()
    report(1.0, f"{culled} idle sessions stopped")
    return {"culled": culled}
