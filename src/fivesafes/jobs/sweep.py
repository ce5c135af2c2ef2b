"""Finding jobs left RUNNING by a worker that died, and failing or restarting them.

A RUNNING task result whose worker has no fresh heartbeat (none within
settings.FIVESAFES_WORKER_STALE_AFTER) and that started before that window is orphaned. It is
marked failed with the reason below, or put back on the queue once if it is retry-safe. Each
change is audited in the transaction that makes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from fivesafes.audit.services import record
from fivesafes.jobs.models import JobProgress, WorkerHeartbeat

logger = logging.getLogger("fivesafes.jobs")

LOST_REASON = "worker stopped while running this job"
MAX_RESTARTS = 1


class WorkerLost(Exception):
    """The worker running this job stopped (killed, crashed, lost its machine) before it ended."""


@dataclass
class SweepOutcome:
    failed: list[str] = field(default_factory=list)
    restarted: list[str] = field(default_factory=list)


def live_worker_ids(now: datetime | None = None) -> set[str]:
    cutoff = (now or timezone.now()) - settings.FIVESAFES_WORKER_STALE_AFTER
    return set(
        WorkerHeartbeat.objects.filter(last_seen__gte=cutoff, stopped_at__isnull=True).values_list(
            "worker_id", flat=True
        )
    )


def orphaned_ids(now: datetime | None = None) -> list[str]:
    """Ids of RUNNING results whose (last) worker has no fresh heartbeat."""
    now = now or timezone.now()
    cutoff = now - settings.FIVESAFES_WORKER_STALE_AFTER
    live = live_worker_ids(now)
    running = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    return [
        str(pk)
        for pk, worker_ids in running.values_list("pk", "worker_ids")
        if not worker_ids or worker_ids[-1] not in live
    ]


def _settle(task_id: str, by_worker: str) -> str | None:
    """Fail or restart one orphaned result; returns "failed", "restarted" or None if it moved on."""
    result = (
        DBTaskResult.objects.select_for_update()
        .filter(pk=task_id, status=TaskResultStatus.RUNNING)
        .first()
    )
    if result is None:
        return None
    if result.worker_ids and result.worker_ids[-1] in live_worker_ids():
        return None
    progress = JobProgress.objects.select_for_update().filter(pk=task_id).first()
    lost_worker = result.worker_ids[-1] if result.worker_ids else ""
    data = {
        "task_id": task_id,
        "task": result.task_path,
        "lost_worker": lost_worker,
        "found_by": by_worker,
        "reason": LOST_REASON,
    }
    now = timezone.now()
    if progress is not None and progress.retry_safe and progress.restarts < MAX_RESTARTS:
        result.status = TaskResultStatus.READY
        result.started_at = None
        result.save(update_fields=["status", "started_at"])
        progress.restarts += 1
        progress.message = f"Restarted: the {LOST_REASON}"
        progress.updated_at = now
        progress.save(update_fields=["restarts", "message", "updated_at"])
        record(
            action="job.restarted",
            obj=progress,
            before={"status": "RUNNING"},
            after={"status": "READY"},
            data=data,
        )
        return "restarted"
    result.set_failed(WorkerLost(f"The {LOST_REASON}; it did not finish. Start it again."))
    if progress is not None:
        progress.message = f"Failed: the {LOST_REASON}"
        progress.updated_at = now
        progress.save(update_fields=["message", "updated_at"])
    record(
        action="job.marked_failed",
        obj=progress,
        before={"status": "RUNNING"},
        after={"status": "FAILED"},
        data=data,
    )
    return "failed"


def sweep(*, by_worker: str = "") -> SweepOutcome:
    """Settle every orphaned job now; safe to run from several workers at once."""
    outcome = SweepOutcome()
    for task_id in orphaned_ids():
        with exclusive_transaction(DBTaskResult.objects.db):
            settled = _settle(task_id, by_worker)
        if settled == "failed":
            outcome.failed.append(task_id)
            logger.warning("Job %s failed: its %s.", task_id, LOST_REASON)
        elif settled == "restarted":
            outcome.restarted.append(task_id)
            logger.warning("Job %s put back on the queue: its %s.", task_id, LOST_REASON)
    return outcome
