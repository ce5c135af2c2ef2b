"""Storage measurements of the workspaces: walk a project's areas once and keep the figures
(`StorageMeasure`), so the staff overview shows them without walking any folder. A run's end
measures its project; the periodic storage job measures every active project and is audited
once per pass (a measurement changes no one's data and reveals no file)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from fivesafes.audit.services import record
from fivesafes.projects.models import Project
from fivesafes.workspace import queries
from fivesafes.workspace.models import StorageMeasure


def _walk(project: Any) -> list[dict[str, Any]]:
    return [
        {"area": use.area, "files": use.files, "bytes": use.bytes}
        for use in queries.storage(project)
    ]


def _keep(project: Any, found: list[dict[str, Any]]) -> StorageMeasure:
    kept, _ = StorageMeasure.objects.update_or_create(
        project=project, defaults={"areas": found, "measured_at": timezone.now()}
    )
    return kept


def measure(project: Any) -> StorageMeasure:
    """Walk the project's areas now and keep what was found (after a run: the run's own end is
    the audited event)."""
    return _keep(project, _walk(project))


def measure_all() -> int:
    """Measure every active project's workspace, audited once for the pass; how many. The
    folders are walked first, then the figures written in one transaction."""
    projects = list(Project.objects.filter(state=Project.State.ACTIVE).order_by("number"))
    walked = [(project, _walk(project)) for project in projects]
    with transaction.atomic():
        for project, found in walked:
            _keep(project, found)
        record(
            action="workspace.storage_measured",
            actor=None,
            data={
                "projects": len(walked),
                "bytes": sum(area["bytes"] for _, found in walked for area in found),
            },
        )
    return len(walked)
