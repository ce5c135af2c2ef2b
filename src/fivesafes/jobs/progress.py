"""`report(fraction, message)`: a running task says how far it has got.

The worker's task-started signal remembers which task result is running (a context variable), so
a task need not pass anything; a task declared with `takes_context=True` may pass its
TaskContext instead. Progress is written at once, so call it outside the task's own transactions
if others should see it before the task ends.
"""

from __future__ import annotations

import logging
import math
from contextvars import ContextVar
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger("fivesafes.jobs")

current_task_id: ContextVar[str | None] = ContextVar("fivesafes_current_task_id", default=None)


def _clamp(fraction: float) -> float:
    value = float(fraction)
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))


def report(fraction: float, message: str = "", *, context: Any = None) -> bool:
    """Store how much of the running job is done (0 to 1) and a short message.

    Returns False, doing nothing, when no task is running (e.g. the task function called
    directly in a test).
    """
    from django_tasks_db.models import DBTaskResult

    from fivesafes.jobs.models import JobProgress

    task_id = str(context.task_result.id) if context is not None else current_task_id.get()
    if task_id is None:
        logger.debug("progress.report(%s) outside a running task; ignored.", fraction)
        return False
    values = {"fraction": _clamp(fraction), "message": message[:500], "updated_at": timezone.now()}
    if JobProgress.objects.filter(pk=task_id).update(**values):
        return True
    result = DBTaskResult.objects.filter(pk=task_id).only("task_path").first()
    if result is None:
        return False
    try:
        with transaction.atomic():
            JobProgress.objects.create(
                task_result=result, title=result.task_path.rsplit(".", 1)[-1], **values
            )
    except IntegrityError:
        JobProgress.objects.filter(pk=task_id).update(**values)
    return True
