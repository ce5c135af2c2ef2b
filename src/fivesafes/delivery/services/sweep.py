"""The delivery room's daily sweep, and settling a delivery whose job died.

- A delivery left running by a job that ended without recording it (its worker was killed
  twice, so the jobs' sweep failed the job) is recorded as failed, naming the reason, so the
  project is not blocked and the case handler can run it again.
- A closed project whose data folder is still on disk (its deletion job failed) is deleted
  now (R25), verified and audited.
- Upload links for external data that expired unused, and uploads of deliveries that will
  never run, are ended and their files deleted (R15, `external.settle`).
- A fast-track project that is ready and has had no delivery is planned and started by the
  system (R17: automatic where possible).
Running it twice does nothing twice: every step re-checks under its own lock.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import closure, external, planning, running
from fivesafes.delivery.workflow import DeliveryState
from fivesafes.policy import deliveries as policy
from fivesafes.projects.models import Project
from fivesafes.shared.refusals import RuleViolation

logger = logging.getLogger(__name__)

LOST = "the worker stopped while running this delivery and its job ended; run it again"
ENDED = (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)


def _job_ended(delivery: Delivery) -> bool:
    if not delivery.task_id:
        return False
    status = (
        DBTaskResult.objects.filter(pk=delivery.task_id).values_list("status", flat=True).first()
    )
    return status is None or status in ENDED


def settle_lost(project: Project | None = None) -> list[int]:
    """Record as failed every running delivery (of `project`) whose job has ended."""
    found = Delivery.objects.filter(state=DeliveryState.RUNNING.value).select_related("project")
    if project is not None:
        found = found.filter(project=project)
    settled = []
    for delivery in found:
        if _job_ended(delivery):
            try:
                running.fail(delivery, LOST)
            except RuleViolation:
                continue  # it moved on meanwhile
            settled.append(delivery.pk)
    return settled


def delete_closed() -> list[str]:
    """Delete the data of closed projects that still hold data (a failed deletion job)."""
    deleted = []
    for project in Project.objects.filter(state=Project.State.CLOSED):
        holding = Delivery.objects.filter(
            project=project, state=DeliveryState.DELIVERED.value
        ).exists()
        if holding or folders.project_data_dir(project.number).exists():
            closure.delete_project_data(project=project)
            deleted.append(project.number)
    return deleted


def start_fast_track() -> list[str]:
    """Plan (and so start) the first delivery of ready fast-track projects."""
    started = []
    for project in Project.objects.filter(state=Project.State.ACTIVE, deliveries__isnull=True):
        if not policy.is_fast_track(project) or policy.readiness(project):
            continue
        try:
            planning.plan(actor=None, project=project)
        except RuleViolation as refusal:
            logger.warning("Fast-track delivery of %s not planned: %s", project.number, refusal)
            continue
        started.append(project.number)
    return started


def run_daily_sweep() -> dict[str, Any]:
    return {
        "settled": settle_lost(),
        "deleted": delete_closed(),
        "fast_track": start_fast_track(),
        "external": external.settle(),
    }
