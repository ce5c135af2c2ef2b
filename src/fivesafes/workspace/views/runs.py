"""The member's batch runs: start one from a file, the history with how each ended, the
resources it used and the files it wrote, one run's page whose output streams in by htmx
polling, cancelling; and the read-only SQL console."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.policy import workspaces as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.shared.pages import form_action, form_page, run_action
from fivesafes.workspace import queries
from fivesafes.workspace.models import Run
from fivesafes.workspace.services import console, runs
from fivesafes.workspace.services.execution import read_log
from fivesafes.workspace.views.common import in_workspace, with_run
from fivesafes.workspace.views.forms import RunForm, SqlForm

POLL_SECONDS = 2


@requires(Permission.WORK_IN_PROJECTS)
@in_workspace
def run_list(request: HttpRequest, project: Project) -> HttpResponse:
    """The member's runs in the project; a POST starts one."""
    form = RunForm(request.POST or None, initial={"script": request.GET.get("script", "")})
    return form_page(
        request,
        form,
        lambda data: runs.start(
            actor=request.user,
            project=project,
            script=data["script"],
            kind=data.get("kind") or "",
            request=request,
        ),
        template="workspace/runs.html",
        context=lambda form: {
            "project": project,
            "form": form,
            "runs": queries.runs_of(project, request.user)[:100],
        },
        done=lambda run: redirect("workspace:run", pk=run.pk),
        success=lambda run: _("Run %(run)s is queued.") % {"run": run.pk},
    )


def _output_context(request: HttpRequest, run: Run) -> dict[str, Any]:
    offset = 0
    text, _end = read_log(run, offset)
    return {
        "run": run,
        "output": text,
        "poll_seconds": POLL_SECONDS,
        "may_cancel": policy.can_cancel_run(request.user, run, request),
    }


@requires(Permission.WORK_IN_PROJECTS)
@with_run
def run_page(request: HttpRequest, run: Run) -> HttpResponse:
    return render(
        request, "workspace/run.html", {"project": run.project, **_output_context(request, run)}
    )


@requires(Permission.WORK_IN_PROJECTS)
@with_run
def run_output(request: HttpRequest, run: Run) -> HttpResponse:
    """The run's state and output (the fragment the run page polls while it runs)."""
    return render(request, "workspace/_run_output.html", _output_context(request, run))


@requires(Permission.WORK_IN_PROJECTS)
@require_POST
@with_run
def cancel(request: HttpRequest, run: Run) -> HttpResponse:
    return run_action(
        request,
        lambda: runs.cancel(actor=request.user, run=run, request=request),
        done=lambda _run: redirect("workspace:run", pk=run.pk),
        failed=lambda: redirect("workspace:run", pk=run.pk),
        success=_("Cancelled.") if run.state == "queued" else _("The run is being stopped."),
    )


@requires(Permission.WORK_IN_PROJECTS)
@in_workspace
def sql_console(request: HttpRequest, project: Project) -> HttpResponse:
    """A reading query over the project's data, a page of rows at a time."""
    form = SqlForm(request.POST or None)
    context: dict[str, Any] = {"project": project, "form": form, "answer": None}
    if request.method != "POST":
        return render(request, "workspace/console.html", context)

    def again(form: SqlForm) -> HttpResponse:
        return render(request, "workspace/console.html", {**context, "form": form}, status=400)

    def done(answer: console.Answer) -> HttpResponse:
        next_form = SqlForm(initial={"sql": answer.sql, "page": answer.page})
        return render(
            request,
            "workspace/console.html",
            {
                **context,
                "form": next_form,
                "answer": answer,
                "page_size": console.PAGE_ROWS,
                "row_cap": console.ROW_CAP,
            },
        )

    return form_action(
        request,
        form,
        lambda data: console.query(
            actor=request.user,
            project=project,
            sql=data["sql"],
            page=data.get("page") or 0,
            request=request,
        ),
        done=done,
        again=again,
    )
