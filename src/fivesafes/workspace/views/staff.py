"""The staff overview of the research server: every active project's workspace with its runs
and storage, the running JupyterLab sessions, each project's limits (a form) and stopping a
run. Staff see numbers, states and resources, never a project's files, scripts, output or
data (R20)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.shared.pages import form_action, shows_refusals
from fivesafes.workspace import queries
from fivesafes.workspace.services import lab, runs
from fivesafes.workspace.services.limits import (
    default_idle_minutes,
    default_limits,
    idle_minutes_for,
    limits_for,
    set_limits,
)
from fivesafes.workspace.views.common import RUNS
from fivesafes.workspace.views.forms import LimitsForm, StopForm


def _rows() -> list[dict[str, object]]:
    return [
        {
            "row": row,
            "limits": limits_for(row.project),
            "form": LimitsForm(
                prefix=f"p{row.project.pk}",
                initial=LimitsForm.initial_for(
                    limits_for(row.project), idle_minutes_for(row.project)
                ),
            ),
        }
        for row in queries.overview()
    ]


@requires(Permission.OVERSEE_WORKSPACES)
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workspace/staff.html",
        {
            "rows": _rows(),
            "runs": queries.recent_runs(),
            "open_runs": queries.open_runs(),
            "defaults": default_limits(),
            "default_idle": default_idle_minutes(),
            "stop_form": StopForm(),
            **lab.staff_context(),
        },
    )


@requires(Permission.OVERSEE_WORKSPACES)
@require_POST
@shows_refusals
def limits(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = LimitsForm(request.POST, prefix=f"p{project.pk}")
    return form_action(
        request,
        form,
        lambda _data: set_limits(
            actor=request.user, project=project, values=form.values(), request=request
        ),
        done=lambda _row: redirect("workspace:staff"),
        again=lambda form: render(
            request,
            "workspace/staff.html",
            {
                "rows": _rows(),
                "runs": queries.recent_runs(),
                "open_runs": queries.open_runs(),
                "defaults": default_limits(),
                "default_idle": default_idle_minutes(),
                "stop_form": StopForm(),
                "limits_error": (project.number, form.errors),
                **lab.staff_context(),
            },
            status=400,
        ),
        success=_("Limits of %(project)s saved.") % {"project": project.number},
    )


@requires(Permission.OVERSEE_WORKSPACES)
@require_POST
@shows_refusals
def stop_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(RUNS, pk=pk)
    form = StopForm(request.POST)

    def refused(form: StopForm) -> HttpResponse:
        from django.contrib import messages

        messages.error(request, _("reason: Say why the run is stopped (the member reads it)."))
        return redirect("workspace:staff")

    return form_action(
        request,
        form,
        lambda data: runs.stop(actor=request.user, run=run, reason=data["reason"], request=request),
        done=lambda _run: redirect("workspace:staff"),
        again=refused,
        success=_("Run %(run)s is being stopped.") % {"run": run.pk},
    )
