"""What every workspace page shares: the project (or run) loaded through the one access rule
on every request, a refusal audited and shown, never the project's name to an outsider."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from fivesafes.audit.services import record
from fivesafes.policy import workspaces as policy
from fivesafes.projects.models import Project
from fivesafes.shared.pages import refuse
from fivesafes.shared.refusals import AccessDenied
from fivesafes.workspace.models import Run

PROJECTS = Project.objects.select_related("institution")
RUNS = Run.objects.select_related("project", "person")


def _refused(request: HttpRequest, project: Project, denial: AccessDenied) -> HttpResponse:
    record(
        action="access.project_denied",
        actor=request.user,
        obj=project,
        request=request,
        data={"reason": denial.reason, "where": "workspace", "path": request.path[:200]},
    )
    return refuse(request, denial.reason, denial.status)


def in_workspace(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view(request, project, ...)` for a project the person may work in now; the access rule
    (member, agreement, certification, institution, no sanction, two factors, address) is
    asked on every request, and a refusal is audited."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        project = get_object_or_404(PROJECTS, pk=pk)
        try:
            policy.check_enter_workspace(request.user, project, request)
        except AccessDenied as denial:
            return _refused(request, project, denial)
        return view(request, project, *args, **kwargs)

    return wrapper


def with_run(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view(request, run, ...)` for the person's own run, in a workspace they may enter now."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        run = get_object_or_404(RUNS, pk=pk)
        try:
            policy.check_see_run(request.user, run, request)
        except AccessDenied as denial:
            return _refused(request, run.project, denial)
        return view(request, run, *args, **kwargs)

    return wrapper
