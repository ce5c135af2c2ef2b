"""The sandbox limits and the areas of a member's view of a project's workspace.

`limits_for(project)` is the one answer every run and JupyterLab session of the project gets:
the limits staff set for the project (`WorkspaceLimits`), or the office's defaults;
`idle_minutes_for(project)` how long a JupyterLab session may be idle; `set_limits` is how
staff change them (audited); `areas_for(project, person)` the host folders a member sees
(`fivesafes.sandbox.ProjectAreas`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes.audit.services import record
from fivesafes.policy.workspaces import check_oversee_workspaces
from fivesafes.sandbox import Limits, SandboxError
from fivesafes.shared.refusals import RuleViolation
from fivesafes.workspace import areas
from fivesafes.workspace.models import WorkspaceLimits

ProjectAreas = areas.ProjectAreas
member_folder_name = areas.member_folder_name
areas_for = areas.areas_for
FIELDS = ("cpu_seconds", "memory_bytes", "processes", "file_size_bytes", "wall_seconds")
DEFAULT_IDLE_MINUTES = 60
# What each limit is called in a refusal (English as written; translated when said).
LIMIT_WORDS = {
    "cpu_seconds": gettext_noop("cpu seconds"),
    "memory_bytes": gettext_noop("memory bytes"),
    "processes": gettext_noop("processes"),
    "file_size_bytes": gettext_noop("file size bytes"),
    "wall_seconds": gettext_noop("wall seconds"),
    "idle_minutes": gettext_noop("idle minutes"),
}


def default_limits() -> Limits:
    """The office's defaults (`FIVESAFES_WORKSPACE_LIMITS`, a dict of `Limits` fields)."""
    return Limits(**getattr(settings, "FIVESAFES_WORKSPACE_LIMITS", {}))


def default_idle_minutes() -> int:
    return int(getattr(settings, "FIVESAFES_WORKSPACE_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))


def limits_for(project: Any) -> Limits:
    """The limits of every run and session of `project`."""
    row = WorkspaceLimits.objects.filter(project_id=project.pk).first()
    base = default_limits()
    if row is None:
        return base
    return Limits(**{name: int(getattr(row, name)) for name in FIELDS}, tmp_bytes=base.tmp_bytes)


def idle_minutes_for(project: Any) -> int:
    row = WorkspaceLimits.objects.filter(project_id=project.pk).first()
    return int(row.idle_minutes) if row is not None else default_idle_minutes()


def set_limits(
    *, actor: Any, project: Any, values: dict[str, int], request: Any = None
) -> WorkspaceLimits:
    """Staff set a project's limits (every field given); a value the sandbox would refuse is
    refused here, naming its field, and nothing changes."""
    check_oversee_workspaces(actor)
    numbers = {name: values.get(name) for name in (*FIELDS, "idle_minutes")}
    for name, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise RuleViolation(
                "R20",
                name,
                _("Give %(limit)s as a positive number.") % {"limit": _(LIMIT_WORDS[name])},
            )
    try:
        Limits(**{name: int(numbers[name] or 0) for name in FIELDS})
    except SandboxError as error:
        raise RuleViolation("R20", "limits", str(error)) from None
    with transaction.atomic():
        row = WorkspaceLimits.objects.select_for_update().filter(project_id=project.pk).first()
        before = (
            {name: getattr(row, name) for name in numbers}
            if row
            else asdict(default_limits()) | {"idle_minutes": default_idle_minutes()}
        )
        if row is None:
            row = WorkspaceLimits(project=project, **numbers)
        else:
            for name, value in numbers.items():
                setattr(row, name, value)
        row.set_by, row.set_at = actor, timezone.now()
        row.save()
        record(
            action="workspace.limits_set",
            actor=actor,
            obj=project,
            before={name: before.get(name) for name in numbers},
            after=numbers,
            request=request,
        )
    return row
