"""Release requests over the API: list, start, read with the checks and the asker's
`next_steps`, files (add, update, withdraw), steps, votes, consolidation and the checkers'
queue. The same policy and services as the pages, one `Op` row each."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from fivesafes.api.operations import Op, routes
from fivesafes.policy import releases as policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.models import Project
from fivesafes.release import queries
from fivesafes.release.api.schemas import (
    ConsolidateIn,
    FileChangesIn,
    FileIn,
    NoteIn,
    RequestOut,
    RequestRow,
    SamplingIn,
    VoteIn,
)
from fivesafes.release.models import ReleaseRequest, RequestFile
from fivesafes.release.services import requests as service
from fivesafes.release.workflow import RELEASE_REQUEST
from fivesafes.shared.api import Call, Check, Run, body, call_service, load, on, read

REQUESTS = ReleaseRequest.objects.select_related("project", "author")
FILES = RequestFile.objects.select_related("request__project")


def _request(request: HttpRequest, request_id: int) -> ReleaseRequest:
    """The request with its checks, for someone who may see it (every change answers it)."""
    return load(request, REQUESTS, policy.check_see, pk=request_id)


def _on_file(service_fn: Any, check: Check) -> Run:
    """Load the file at the path's id through `check(person, its request)`, run the service
    on it with the body's fields, and answer with its request as it is now."""

    def run(call: Call) -> ReleaseRequest:
        file = load(call.request, FILES, lambda person, f: check(person, f.request), pk=call.pk)
        values = body(call)
        call_service(lambda: service_fn(actor=call.user, file=file, request=call.request, **values))
        return _request(call.request, file.request_id)

    return run


def _sampling(call: Call) -> dict[str, Any]:
    project = get_object_or_404(Project, pk=call.pk)
    sampling = call_service(
        lambda: service.set_project_sample_rate(
            actor=call.user, project=project, request=call.request, **body(call)
        )
    )
    return {"project": project.number, "rate": sampling.rate, "reason": sampling.reason}


# The steps a person asks for by name (the others are taken by the automatic checks and the
# five-minute batch): one operation each, declaring the permission its step needs.
ASKED_STEPS = [
    RELEASE_REQUEST.transitions[name]
    for name in (
        "submit",
        "withdraw",
        "first_review",
        "second_review",
        "approve",
        "return_to_author",
        "reject",
    )
]


def _step(name: str) -> Any:
    return lambda call: {"step": name} | body(call)


def _request_now(call: Call, _done: Any) -> ReleaseRequest:
    return _request(call.request, call.pk)


router = routes(
    __name__,
    [
        Op("GET", "/requests", list[RequestRow], "Release requests you may see",
           P.VIEW_DASHBOARD, lambda call: queries.visible_requests(call.user), "request_list",
           paged=True),
        Op("GET", "/queue", list[RequestRow], "Requests waiting for checkers",
           P.REVIEW_OUTPUTS, lambda call: queries.review_queue(), "review_queue", paged=True),
        Op("POST", "/projects/{project_id}/requests", RequestOut,
           "Start a release request for a project of yours", P.WORK_IN_PROJECTS,
           on(Project, "project", service.create, check=policy.check_create), "create_request",
           status=201),
        Op("GET", "/requests/{request_id}", RequestOut, "A request and its checks",
           P.VIEW_DASHBOARD, read(REQUESTS, policy.check_see), "request_detail"),
        Op("POST", "/requests/{request_id}/files", RequestOut, "Add a file", P.WORK_IN_PROJECTS,
           on(ReleaseRequest, "release", service.add_file, check=policy.check_edit,
              answer=_request_now),
           "add_file", body=FileIn, status=201),
        Op("PUT", "/files/{file_id}", RequestOut, "Update a file (reviews reset)",
           P.WORK_IN_PROJECTS, _on_file(service.update_file, policy.check_edit), "update_file",
           body=FileChangesIn),
        Op("POST", "/files/{file_id}/withdraw", RequestOut, "Withdraw a file",
           P.WORK_IN_PROJECTS, _on_file(service.withdraw_file, policy.check_edit),
           "withdraw_file"),
        *(
            Op("POST", f"/requests/{{request_id}}/steps/{step.name}", RequestOut,
               f"{step.label} ({step.permission.value})", step.permission,
               on(REQUESTS, "release", service.take_asked_step, check=policy.check_see,
                  fields=_step(step.name), answer=_request_now),
               "take_step", body=NoteIn, operation_id=f"release_step_{step.name}")
            for step in ASKED_STEPS
        ),
        Op("POST", "/files/{file_id}/votes", RequestOut, "Vote on a file", P.REVIEW_OUTPUTS,
           _on_file(service.vote, policy.check_review), "vote", body=VoteIn),
        Op("POST", "/files/{file_id}/consolidation", RequestOut,
           "Settle the two checkers' disagreement on a file", P.REVIEW_OUTPUTS,
           _on_file(service.consolidate, policy.check_review), "consolidate",
           body=ConsolidateIn),
        Op("POST", "/projects/{project_id}/sampling", dict[str, Any],
           "Set the share of a project's passing requests that go to two checkers",
           P.REVIEW_OUTPUTS, _sampling, "set_sampling", body=SamplingIn),
    ],
)  # fmt: skip
