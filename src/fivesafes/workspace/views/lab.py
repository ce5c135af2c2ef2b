"""The JupyterLab session pages: a member's sessions of a project (start, open, stop) and, for
staff who oversee the research server, the running sessions with a Stop button.

Thin: every change is a call to `workspace.services.lab`, which asks the access rule itself.
JupyterLab itself is not served here but by the proxy (`workspace.proxy`) in front of Django.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.policy.workspaces import check_enter_workspace, check_oversee_workspaces
from fivesafes.projects.models import Project
from fivesafes.shared.pages import load, run_action, shows_refusals
from fivesafes.workspace.models import Ending, LabSession
from fivesafes.workspace.services import lab as sessions


def _back(request: HttpRequest, fallback: HttpResponse) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return fallback


@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def project_sessions(request: HttpRequest, number: str) -> HttpResponse:
    project = get_object_or_404(Project, number=number)
    check_enter_workspace(request.user, project, request)
    context = {"project": project, **sessions.panel_context(request.user, project)}
    live = context["lab_session"]
    if request.GET.get("open") and live is not None and live.state == LabSession.State.RUNNING:
        return redirect(context["lab_url"])
    return render(request, "workspace/lab_sessions.html", context)


@require_POST
@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def start(request: HttpRequest, number: str) -> HttpResponse:
    project = get_object_or_404(Project, number=number)
    return run_action(
        request,
        lambda: sessions.start_session(
            person=request.user, project=project, request=request, wait=False
        ),
        done=lambda _session: redirect(
            reverse("workspace:lab_sessions", kwargs={"number": number}) + "?open=1"
        ),
        failed=lambda: _back(request, redirect("workspace:lab_sessions", number=number)),
    )


@require_POST
@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    session = load(request, LabSession.objects.select_related("project"), pk=pk)
    number = session.project.number
    return run_action(
        request,
        lambda: sessions.stop_session(session=session, actor=request.user, request=request),
        done=lambda _: _back(request, redirect("workspace:lab_sessions", number=number)),
        failed=lambda: _back(request, redirect("workspace:lab_sessions", number=number)),
        success=_("JupyterLab stopped. Your files are kept; unsaved notebook changes are lost."),
    )


@requires(Permission.OVERSEE_WORKSPACES)
@shows_refusals
def running(request: HttpRequest) -> HttpResponse:
    check_oversee_workspaces(request.user)
    return render(request, "workspace/lab_running.html", sessions.staff_context())


@require_POST
@requires(Permission.OVERSEE_WORKSPACES)
@shows_refusals
def staff_stop(request: HttpRequest, pk: int) -> HttpResponse:
    session = load(request, LabSession.objects.select_related("project"), pk=pk)
    why = request.POST.get("why", "").strip()[:300]
    return run_action(
        request,
        lambda: sessions.stop_session(
            session=session,
            actor=request.user,
            ending=Ending.STOPPED_BY_STAFF,
            why=why or _("Stopped by staff who oversee the research server."),
            request=request,
        ),
        done=lambda _: _back(request, redirect("workspace:lab_running")),
        failed=lambda: _back(request, redirect("workspace:lab_running")),
        success=_("The session was stopped and its owner will see why."),
    )
