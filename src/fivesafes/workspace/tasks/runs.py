"""The workspace's batch runs as a job of the `workspace` queue, so a long run never waits
behind, nor blocks, the deliveries and releases of the default queue (`fivesafes worker
--queue-name workspace` runs them). Not retry-safe: a run whose worker died is failed by the
jobs sweep, never started twice behind the member's back."""

from __future__ import annotations

from typing import Any

from django_tasks import task

QUEUE = "workspace"


@task(queue_name=QUEUE)
def run_batch(run_id: int) -> dict[str, Any]:
    from fivesafes.workspace.services.execution import execute

    return execute(run_id)
