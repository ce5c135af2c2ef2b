"""When access ends, the person's (or the project's) runs and JupyterLab sessions stop at once
(R8, R24, R25). Registered at start-up (`workspace/apps.py`) with safe people's
`when_access_ends` (a sanction, an agreement that lapsed or ended) and projects' `when_closed`
(a closed project: every member's)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fivesafes.policy import workspaces as policy
from fivesafes.workspace.services import lab, runs


def person_access_ended(*, person: Any, project: Any, reason: str, actor: Any = None) -> None:
    """`person` may no longer work in `project` (None: anywhere). An agreement that ended while
    another one still lets the person work there (a renewal) stops nothing."""
    if project is not None and policy.can_enter_workspace(person, project):
        return
    runs.stop_runs(person=person, project=project, reason=reason, actor=actor)
    lab.stop_sessions(person=person, project=project, reason=reason, actor=actor)


def project_closed(project: Any, actor: Any = None) -> None:
    """The project closed: nobody works in it any more."""
    reason = _("project %(project)s closed (R25)") % {"project": project.number}
    runs.stop_runs(project=project, reason=reason, actor=actor)
    lab.stop_sessions(project=project, reason=reason, actor=actor)
