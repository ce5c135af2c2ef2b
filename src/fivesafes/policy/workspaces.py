"""Who may enter a project's workspace and who oversees workspaces (R1, R7-R10, R20, R24):
`check_x` raises the refusal, `can_x` answers True/False.

A member works in the workspace only while the one access rule (`check_project_access`) lets
them: member or responsible researcher, agreement signed and in force, certification valid,
institution authorised, no sanction, two-factor session, allowed address. It is asked on every
request, every run started and every proxied JupyterLab request and websocket stream, never once
at entry. Staff who oversee workspaces see every project's workspace overview (sessions, runs,
storage), set limits and stop sessions and runs; they never read the project's files or data
through fivesafes (R20).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from fivesafes.policy.permissions import Permission, holds, pk_of
from fivesafes.policy.project_access import AccessAnswer, check_project_access, project_access
from fivesafes.policy.projects import is_in_project
from fivesafes.projects.models import Project
from fivesafes.shared.refusals import AccessDenied, RuleViolation, passes, unseen


def check_enter_workspace(
    person: Any, project: Project, request: HttpRequest | None = None
) -> AccessAnswer:
    """May `person` work in `project`'s workspace now? With a request, the request-bound
    conditions (two factors, address) are asked too. Raises naming every failed condition."""
    if not is_in_project(person, project):
        raise unseen(_("project"))
    if request is not None:
        return check_project_access(person, project, request)
    # No request (the worker re-checking a run, a service called by the system): the person's
    # standing only; the session's two factors and address were asked when the run started.
    if not holds(person, Permission.WORK_IN_PROJECTS) or not getattr(person, "is_active", False):
        raise AccessDenied(_("Your roles no longer let you work in projects."))
    answer = project_access(person, project)
    if not answer.allowed:
        raise AccessDenied(
            _("You cannot work in project %(project)s. %(reason)s.")
            % {"project": project.number, "reason": answer.reason}
        )
    return answer


def can_enter_workspace(person: Any, project: Project, request: HttpRequest | None = None) -> bool:
    return passes(lambda: check_enter_workspace(person, project, request))


def check_oversee_workspaces(person: Any) -> None:
    """Staff who oversee the research server: the overview, limits, stopping."""
    if not holds(person, Permission.OVERSEE_WORKSPACES):
        raise AccessDenied(_("Only staff who oversee the research server can do this."))


def can_oversee_workspaces(person: Any) -> bool:
    return passes(lambda: check_oversee_workspaces(person))


def check_own(person: Any, owner_id: Any, what: str) -> None:
    """A session or a private area belongs to one person: nobody else reaches it, not even
    another member of the same project."""
    if owner_id is None or owner_id != pk_of(person):
        raise AccessDenied(
            _("This %(what)s belongs to another person.") % {"what": what}, status=404
        )


def can_own(person: Any, owner_id: Any) -> bool:
    return passes(lambda: check_own(person, owner_id, "item"))


def check_see_run(person: Any, run: Any, request: HttpRequest | None = None) -> None:
    """A run (its script, output and files written) is its member's: they see it while they may
    enter the workspace. Staff who oversee workspaces see its state and resources elsewhere,
    never its output (R20)."""
    check_own(person, run.person_id, _("run"))
    check_enter_workspace(person, run.project, request)


def can_see_run(person: Any, run: Any, request: HttpRequest | None = None) -> bool:
    return passes(lambda: check_see_run(person, run, request))


def check_cancel_run(person: Any, run: Any, request: HttpRequest | None = None) -> None:
    """The member who started a run cancels it while it is queued or running."""
    check_see_run(person, run, request)
    if not run.is_open:
        raise RuleViolation(
            "R20",
            "state",
            _("Run %(run)s has ended; there is nothing to cancel.") % {"run": run.pk},
        )


def can_cancel_run(person: Any, run: Any, request: HttpRequest | None = None) -> bool:
    return passes(lambda: check_cancel_run(person, run, request))


def check_stop_run(person: Any, run: Any) -> None:
    """Staff who oversee the research server stop any run that is queued or running."""
    check_oversee_workspaces(person)
    if not run.is_open:
        raise RuleViolation(
            "R20", "state", _("Run %(run)s has ended; there is nothing to stop.") % {"run": run.pk}
        )


def can_stop_run(person: Any, run: Any) -> bool:
    return passes(lambda: check_stop_run(person, run))
