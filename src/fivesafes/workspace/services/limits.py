"""The sandbox limits and the areas of a member's view of a project's workspace.

`limits_for(project)` is the one answer every run and JupyterLab session of the project gets;
`areas_for(project, person)` the host folders it sees (`fivesafes.sandbox.ProjectAreas`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from fivesafes.sandbox import Limits, ProjectAreas


def default_limits() -> Limits:
    """The office's defaults (`FIVESAFES_WORKSPACE_LIMITS`, a dict of `Limits` fields)."""
    return Limits(**getattr(settings, "FIVESAFES_WORKSPACE_LIMITS", {}))


def limits_for(project: Any) -> Limits:
    """The limits of every run and session of `project`."""
    return default_limits()


def member_folder_name(person: Any) -> str:
    """The name of a member's private folder: stable, never their e-mail or name."""
    return f"m{int(person.pk)}"


def areas_for(project: Any, person: Any) -> ProjectAreas:
    return ProjectAreas.under(Path(settings.DATA_DIR), project.number, member_folder_name(person))
