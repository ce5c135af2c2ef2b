"""What the workspace pages and API read: a member's runs, a project's runs, the storage of
each area, and the overview of every workspace for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from fivesafes.projects.models import Project
from fivesafes.workspace import areas
from fivesafes.workspace.models import Run
from fivesafes.workspace.workflow import OPEN

RUNS = Run.objects.select_related("project", "person")


def runs_of(project: Any, person: Any) -> QuerySet[Run]:
    """A member's runs in a project, the newest first (a run belongs to the person who ran it)."""
    return RUNS.filter(project=project, person=person)


def open_runs(*, person: Any = None, project: Any = None) -> QuerySet[Run]:
    rows = RUNS.filter(state__in=[s.value for s in OPEN])
    if person is not None:
        rows = rows.filter(person=person)
    if project is not None:
        rows = rows.filter(project=project)
    return rows


@dataclass(frozen=True)
class AreaUse:
    area: str
    label: str
    files: int
    bytes: int


def storage(project: Any, person: Any | None = None) -> list[AreaUse]:
    """Files and bytes per area (the member's private area when a person is given; every
    member's private areas together otherwise)."""
    found = []
    view = areas.areas_for(project, person) if person is not None else None
    for area in areas.AREAS:
        if view is not None:
            root = areas.area_root(view, area)
        elif area == "private":
            root = areas.areas_for(project, _Nobody()).private.parent
        else:
            root = getattr(areas.areas_for(project, _Nobody()), area)
        files, used = areas.usage(root)
        found.append(AreaUse(area, areas.area_label(area), files, used))
    return found


class _Nobody:
    """Stands for a member when only the project's shared folders are wanted."""

    pk = 0


@dataclass(frozen=True)
class WorkspaceRow:
    project: Project
    runs: int
    open_runs: int
    storage: list[AreaUse]
    measured_at: datetime | None = None  # None: not measured yet

    @property
    def bytes(self) -> int:
        return sum(use.bytes for use in self.storage)


def _kept_storage(project: Project) -> tuple[list[AreaUse], datetime | None]:
    kept = getattr(project, "workspace_storage", None)
    if kept is None:
        return [], None
    uses = [
        AreaUse(item["area"], areas.area_label(item["area"]), item["files"],
                item["bytes"])
        for item in kept.areas
    ]  # fmt: skip
    return uses, kept.measured_at


def overview() -> list[WorkspaceRow]:
    """Every active project's workspace, for staff: runs and the storage last measured (after
    each run and by the periodic storage job; no folder is walked here)."""
    projects = (
        Project.objects.filter(state=Project.State.ACTIVE)
        .select_related("workspace_storage")
        .annotate(
            run_count=Count("runs"),
            open_count=Count("runs", filter=Q(runs__state__in=[s.value for s in OPEN])),
        )
        .order_by("number")
    )
    return [WorkspaceRow(p, p.run_count, p.open_count, *_kept_storage(p)) for p in projects]


def recent_runs(limit: int = 50) -> QuerySet[Run]:
    return RUNS.order_by("-created_at")[:limit]
