"""`/api/v1/workspace/...`: a member's batch runs in a project (list, start, one run, cancel)
and the names and sizes of the project's outputs. Every operation asks the one access rule
with the request (member, agreement, certification, institution, sanction, address), like the
pages, and calls the same services. No operation answers a run's output or a file's bytes."""

from __future__ import annotations

from typing import Any

from fivesafes.api.operations import Op, routes
from fivesafes.audit.services import record
from fivesafes.policy import workspaces as policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.models import Project
from fivesafes.shared.api import Call, call_service, load
from fivesafes.shared.refusals import AccessDenied
from fivesafes.workspace import areas, queries
from fivesafes.workspace.api.schemas import OutputOut, RunIn, RunOut
from fivesafes.workspace.models import Run
from fivesafes.workspace.services import runs

MAX_OUTPUTS = 500


def _audited(call: Call, check: Any) -> Any:
    """The policy's check, its refusal recorded (as the pages record theirs)."""

    def checked(user: Any, obj: Any) -> None:
        try:
            check(user, obj)
        except AccessDenied as denial:
            project = obj if isinstance(obj, Project) else obj.project
            record(
                action="access.project_denied",
                actor=user,
                obj=project,
                request=call.request,
                data={"reason": denial.reason, "where": "workspace API"},
            )
            raise

    return checked


def _project(call: Call) -> Project:
    check = _audited(
        call, lambda user, project: policy.check_enter_workspace(user, project, call.request)
    )
    return load(call.request, Project.objects.select_related("institution"), check, pk=call.pk)


def _run(call: Call) -> Run:
    check = _audited(call, lambda user, run: policy.check_see_run(user, run, call.request))
    return load(call.request, queries.RUNS, check, pk=call.pk)


def run_list(call: Call) -> Any:
    return queries.runs_of(_project(call), call.user)


def start(call: Call) -> Run:
    project = _project(call)
    return call_service(
        lambda: runs.start(
            actor=call.user,
            project=project,
            script=call.payload.script,
            kind=call.payload.kind,
            request=call.request,
        )
    )


def cancel(call: Call) -> Run:
    run = _run(call)
    return call_service(lambda: runs.cancel(actor=call.user, run=run, request=call.request))


def outputs(call: Call) -> list[dict[str, Any]]:
    project = _project(call)
    root = areas.areas_for(project, call.user).outputs
    found = sorted((path, st.st_size) for path, st in areas.walk(root))
    return [{"path": path, "bytes": size} for path, size in found[:MAX_OUTPUTS]]


router = routes(
    __name__,
    [
        Op("GET", "/projects/{project_id}/runs", list[RunOut],
           "Your batch runs in a project, the newest first", P.WORK_IN_PROJECTS, run_list,
           "workspace_runs", paged=True),
        Op("POST", "/projects/{project_id}/runs", RunOut,
           "Run a script of the workspace in the sandbox (R20)", P.WORK_IN_PROJECTS, start,
           "start_run", body=RunIn, status=201,
           description="`script` is the path a run sees: /project/files/... or "
           "/project/private/...; `kind` (python, r, sql) defaults to the file's ending."),
        Op("GET", "/projects/{project_id}/outputs", list[OutputOut],
           "The names and sizes of the files in the project's outputs area", P.WORK_IN_PROJECTS,
           outputs, "workspace_outputs"),
        Op("GET", "/runs/{run_id}", RunOut, "One of your runs: state, resources, files written",
           P.WORK_IN_PROJECTS, _run, "run_detail"),
        Op("POST", "/runs/{run_id}/cancel", RunOut, "Cancel one of your runs",
           P.WORK_IN_PROJECTS, cancel, "cancel_run"),
    ],
)  # fmt: skip
