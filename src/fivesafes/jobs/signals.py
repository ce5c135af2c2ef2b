"""Task signal handlers: remember the running task for progress, and audit starts and ends."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django_tasks_db.compat import task_finished, task_started

from fivesafes.jobs.progress import current_task_id

logger = logging.getLogger("fivesafes.jobs")


def _progress(task_id: str) -> Any:
    from fivesafes.jobs.models import JobProgress

    return JobProgress.objects.filter(pk=task_id).first()


def on_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    from fivesafes.audit.services import record

    current_task_id.set(str(task_result.id))
    try:
        record(
            action="job.started",
            obj=_progress(task_result.id),
            data={
                "task_id": str(task_result.id),
                "task": task_result.task.module_path,
                "worker": (task_result.worker_ids or [""])[-1],
                "attempt": task_result.attempts,
            },
        )
    except Exception:
        # Never let bookkeeping turn a job into a failure; the worker log keeps the error.
        logger.exception("Could not audit the start of task %s", task_result.id)


def on_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    from fivesafes.audit.services import record
    from fivesafes.jobs.models import JobProgress

    current_task_id.set(None)
    status = str(task_result.status)
    data: dict[str, Any] = {"task_id": str(task_result.id), "status": status}
    try:
        if status == "SUCCESSFUL":
            JobProgress.objects.filter(pk=task_result.id).update(
                fraction=1.0, updated_at=timezone.now()
            )
            action = "job.succeeded"
        else:
            action = "job.failed"
            if task_result.errors:
                data["error"] = task_result.errors[-1].exception_class_path
        record(action=action, obj=_progress(task_result.id), data=data)
    except Exception:
        # Raising here would turn a finished job into a failed one (see db_worker.run_task).
        logger.exception("Could not audit the end of task %s", task_result.id)


def connect() -> None:
    task_started.connect(on_started, dispatch_uid="fivesafes.jobs.started")
    task_finished.connect(on_finished, dispatch_uid="fivesafes.jobs.finished")
