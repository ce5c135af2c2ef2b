"""At a project's closure the frozen copies of its release requests' files that were never
released are deleted (R25), with the project's data folder (the copies of this round of every
file not released, and every copy of an earlier round, superseded by an update): each copy is removed from the file
store, checked to be gone, and the deletion is audited with what was removed (file count and
bytes, never contents). The frozen copies of released files stay: they are the release log's
evidence of what left, byte for byte (its SHA-256), and what a breach case examines
(`docs/release/README.md`, "At closure").

Projects' closure calls `project_closed` once the closure is committed (a hook registered in
`release/apps.py`, so projects knows nothing of this room); it queues the deletion as a job,
which is retry-safe: running it twice deletes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes import files as file_store
from fivesafes.audit.services import record
from fivesafes.projects.models import Project
from fivesafes.release.models import ReleasedFile, RequestFile
from fivesafes.shared.refusals import RuleViolation


@dataclass
class Cleared:
    files: int = 0
    bytes: int = 0
    requests: list[str] = field(default_factory=list)
    kept_released: int = 0
    verified: bool = False


def project_closed(project: Project, actor: Any = None) -> None:
    """The hook projects' closure calls after commit: queue the deletion of the copies."""
    from fivesafes.jobs.services import enqueue
    from fivesafes.release.tasks import clear_frozen_copies as task

    enqueue(
        task,
        owner=actor,
        title=f"Delete the unreleased outputs of project {project.number} (R25)",
        kwargs={"project_id": project.pk},
    )


def clear_frozen_copies(*, project: Project, actor: Any = None, request: Any = None) -> Cleared:
    """Delete a closed project's frozen copies of files that were not released, and verify
    that none is left (see the module docstring)."""
    done = Cleared()
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if not locked.is_closed:
            raise RuleViolation(
                "R25",
                "project",
                _("Project %(number)s is active; its release requests' files stay until it closes.")
                % {"number": locked.number},
            )
        released = set(
            ReleasedFile.objects.filter(project=locked).values_list("file_id", flat=True)
        )
        done.kept_released = len(released)
        files = list(
            RequestFile.objects.select_for_update()
            .filter(request__project=locked)
            .select_related("request")
        )
        current = [
            f
            for f in files
            if f.pk not in released and f.stored_name and f.frozen_deleted_at is None
        ]
        earlier = [f for f in files if f.earlier_copies]
        targets = [(f, f.stored_name) for f in current]
        targets += [(f, name) for f in earlier for name in f.earlier_copies]
        if not targets:
            done.verified = True
            return done  # nothing there: a second run changes nothing
        left = []
        for file, name in targets:
            path = file_store.path_of(name)
            if path.is_file():
                done.files += 1
                done.bytes += path.stat().st_size
            path.unlink(missing_ok=True)
            if path.exists() or path.is_symlink():
                left.append(file.path)
            done.requests.append(file.request.reference)
        if left:
            raise RuleViolation(
                "R25",
                "files",
                _(
                    "The frozen copy of %(path)s in project %(number)s is still on disk after "
                    "deletion."
                )
                % {"path": left[0], "number": locked.number},
            )
        done.verified = True
        done.requests = list(dict.fromkeys(done.requests))
        # The copies' values go with them: the checked table of a file never released.
        RequestFile.objects.filter(pk__in=[f.pk for f in current]).update(
            frozen_deleted_at=timezone.now(), check_record=None
        )
        RequestFile.objects.filter(pk__in=[f.pk for f in earlier]).update(earlier_copies=[])
        record(
            action="release.frozen_copies_deleted",
            actor=actor,
            obj=locked,
            data={
                "files": done.files,
                "bytes": done.bytes,
                "requests": done.requests,
                "released_files_kept": done.kept_released,
                "verified_gone": True,
                "deadline": locked.deletion_deadline,
            },
            request=request,
        )
    return done
