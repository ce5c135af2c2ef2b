"""At a project's closure its data folder is deleted (R25): every delivered delivery's files go,
the folder is checked to be gone from disk, and the deletion is audited with what was removed
(file count and bytes, never contents). Plans not run and failed deliveries are discarded.

Projects' closure calls `project_closed` once the closure is committed (a hook registered in
`delivery/apps.py`, so projects knows nothing of this room); it queues the deletion as a job,
which is retry-safe: running it twice deletes nothing twice. A delivery still running when the
project closes removes its own output when it ends (`running._finish`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import steps
from fivesafes.delivery.workflow import DeliveryState
from fivesafes.projects.models import Project
from fivesafes.shared.refusals import RuleViolation


@dataclass
class Deletion:
    files: int = 0
    bytes: int = 0
    deleted: list[int] = field(default_factory=list)
    discarded: list[int] = field(default_factory=list)
    verified: bool = False


def project_closed(project: Project, actor: Any = None) -> None:
    """The hook projects' closure calls after commit: queue the deletion of the data folder."""
    from fivesafes.delivery.services import external
    from fivesafes.delivery.tasks import delete_project_data as task
    from fivesafes.jobs.services import enqueue

    enqueue(
        task,
        owner=actor,
        title=f"Delete the data of project {project.number} (R25)",
        kwargs={"project_id": project.pk},
    )
    # R15, R25: open upload links of the closed project end, and external files waiting go.
    external.settle()


def _measure(folder: Any) -> tuple[int, int]:
    files = size = 0
    if folder.exists():
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                files += 1
                size += path.stat().st_size
    return files, size


def delete_project_data(*, project: Project, actor: Any = None, request: Any = None) -> Deletion:
    """Delete a closed project's data folder and verify nothing is left (see the docstring)."""
    done = Deletion()
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if not locked.is_closed:
            raise RuleViolation(
                "R25",
                "project",
                _("Project %(number)s is active; its data stay until it closes.")
                % {"number": locked.number},
            )
        folder = folders.project_data_dir(locked.number)
        done.files, done.bytes = _measure(folder)
        closing = steps.hooks()
        for delivery in Delivery.objects.filter(project=locked).select_related("project"):
            if delivery.state_enum is DeliveryState.DELIVERED:
                steps.take(delivery, "delete", actor=None, hooks=closing, request=request)
                Delivery.objects.filter(pk=delivery.pk).update(deleted_at=locked.closed_at)
                done.deleted.append(delivery.number)
            elif delivery.state_enum in (DeliveryState.PLANNED, DeliveryState.FAILED):
                steps.take(
                    delivery,
                    "discard",
                    actor=None,
                    hooks=closing,
                    request=request,
                    note=f"Project {locked.number} closed.",
                )
                done.discarded.append(delivery.number)
        existed = folder.exists() or folder.is_symlink()
        if not existed and not done.deleted and not done.discarded:
            done.verified = True
            return done  # nothing there: a second run changes nothing
        if folder.is_symlink():
            folder.unlink()
        elif folder.exists():
            shutil.rmtree(folder)
        done.verified = not folder.exists() and not folder.is_symlink()
        if not done.verified:
            raise RuleViolation(
                "R25",
                "data",
                _("The data folder of %(number)s is still on disk after deletion.")
                % {"number": locked.number},
            )
        record(
            action="delivery.project_data_deleted",
            actor=actor,
            obj=locked,
            data={
                "folder": str(folder.relative_to(settings.DATA_DIR)),
                "files": done.files,
                "bytes": done.bytes,
                "deliveries_deleted": done.deleted,
                "deliveries_discarded": done.discarded,
                "verified_empty": True,
                "deadline": locked.deletion_deadline,
            },
            request=request,
        )
    return done
