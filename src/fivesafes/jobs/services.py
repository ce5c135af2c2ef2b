"""Starting jobs, finding the jobs a person may see, and the file store's housekeeping.

`enqueue` puts a task on the queue, creates its progress row and audits it, all in one
transaction, so a worker never sees a job without its owner. `remove_orphan` deletes a file no
record refers to, audited with its name, size and SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django_tasks_db.models import DBTaskResult

from fivesafes import files
from fivesafes.audit.services import record
from fivesafes.jobs.models import JobProgress
from fivesafes.jobs.retry import is_retry_safe
from fivesafes.policy.checks import can
from fivesafes.policy.permissions import Permission
from fivesafes.shared.labels import gettext_noop

if TYPE_CHECKING:
    from fivesafes.accounts.models import User


def enqueue(
    task: Any,
    *,
    owner: User | None,
    title: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    retry_safe: bool | None = None,
    request: Any = None,
) -> JobProgress:
    """Queue `task` for the worker on behalf of `owner`, with a title people will recognise.

    `retry_safe` overrides the task's declaration (see fivesafes.jobs.retry) for this run.
    """
    safe = is_retry_safe(task) if retry_safe is None else retry_safe
    with transaction.atomic():
        result = task.enqueue(*args, **(kwargs or {}))
        progress = JobProgress.objects.create(
            task_result_id=result.id,
            owner=owner,
            title=title[:200],
            retry_safe=safe,
            message=gettext_noop("Waiting for a worker"),
        )
        record(
            action="job.enqueued",
            actor=owner,
            obj=progress,
            request=request,
            data={"task_id": str(result.id), "task": task.module_path, "retry_safe": safe},
        )
    return progress


def visible_jobs(user: User) -> QuerySet[DBTaskResult]:
    """Task results the person may see: their own, or everyone's with VIEW_ALL_JOBS."""
    results = DBTaskResult.objects.select_related("progress", "progress__owner").order_by(
        "-enqueued_at"
    )
    if can(user, Permission.VIEW_ALL_JOBS):
        return results
    return results.filter(progress__owner=user)


def may_see(user: User, result: DBTaskResult) -> bool:
    if can(user, Permission.VIEW_ALL_JOBS):
        return True
    progress = getattr(result, "progress", None)
    return progress is not None and progress.owner_id == user.pk


def remove_orphan(orphan: files.Orphan) -> None:
    """Delete a file of the store that no record refers to; the audit event keeps its digest."""
    path = files.path_of(orphan.name)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        record(
            action="files.orphan_removed",
            data={"name": orphan.name, "size": orphan.size, "sha256": digest},
        )
        path.unlink(missing_ok=True)
