"""Release requests over the API: list, start, read with the checks and the asker's
`next_steps`, files (add, update, withdraw), steps, votes, consolidation and the checkers'
queue. The same policy and services as the pages."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
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
from fivesafes.shared.api import Paging, call_service, caller, load

router = Router()


@router.get("/requests", response=list[RequestRow], summary="Release requests you may see")
@api_requires(P.VIEW_DASHBOARD)
@paginate(Paging)
def request_list(request: HttpRequest) -> QuerySet[ReleaseRequest]:
    return queries.visible_requests(caller(request))


@router.get("/queue", response=list[RequestRow], summary="Requests waiting for checkers")
@api_requires(P.REVIEW_OUTPUTS)
@paginate(Paging)
def review_queue(request: HttpRequest) -> list[ReleaseRequest]:
    return queries.review_queue()


@router.post(
    "/projects/{project_id}/requests",
    response={201: RequestOut},
    summary="Start a release request for a project of yours",
)
@api_requires(P.WORK_IN_PROJECTS)
def create_request(request: HttpRequest, project_id: int) -> Status:
    project: Project = load(request, Project, policy.check_create, pk=project_id)
    made = call_service(
        lambda: service.create(actor=caller(request), project=project, request=request)
    )
    return Status(201, made)


def _request(request: HttpRequest, request_id: int) -> ReleaseRequest:
    return load(
        request,
        ReleaseRequest.objects.select_related("project", "author"),
        policy.check_see,
        pk=request_id,
    )


@router.get("/requests/{request_id}", response=RequestOut, summary="A request and its checks")
@api_requires(P.VIEW_DASHBOARD)
def request_detail(request: HttpRequest, request_id: int) -> ReleaseRequest:
    return _request(request, request_id)


@router.post("/requests/{request_id}/files", response={201: RequestOut}, summary="Add a file")
@api_requires(P.WORK_IN_PROJECTS)
def add_file(request: HttpRequest, request_id: int, payload: FileIn) -> Status:
    release: ReleaseRequest = load(request, ReleaseRequest, policy.check_edit, pk=request_id)
    call_service(
        lambda: service.add_file(
            actor=caller(request),
            release=release,
            path=payload.path,
            context=payload.context,
            exception=payload.exception,
            declarations=payload.declarations,
            request=request,
        )
    )
    return Status(201, _request(request, request_id))


def _file(request: HttpRequest, file_id: int, check: Any) -> RequestFile:
    return load(
        request,
        RequestFile.objects.select_related("request__project"),
        lambda person, f: check(person, f),
        pk=file_id,
    )


@router.put("/files/{file_id}", response=RequestOut, summary="Update a file (reviews reset)")
@api_requires(P.WORK_IN_PROJECTS)
def update_file(request: HttpRequest, file_id: int, payload: FileChangesIn) -> ReleaseRequest:
    file = _file(request, file_id, lambda p, f: policy.check_edit(p, f.request))
    call_service(
        lambda: service.update_file(
            actor=caller(request),
            file=file,
            context=payload.context,
            exception=payload.exception,
            declarations=payload.declarations,
            request=request,
        )
    )
    return _request(request, file.request_id)


@router.post("/files/{file_id}/withdraw", response=RequestOut, summary="Withdraw a file")
@api_requires(P.WORK_IN_PROJECTS)
def withdraw_file(request: HttpRequest, file_id: int) -> ReleaseRequest:
    file = _file(request, file_id, lambda p, f: policy.check_edit(p, f.request))
    call_service(lambda: service.withdraw_file(actor=caller(request), file=file, request=request))
    return _request(request, file.request_id)


@router.post(
    "/requests/{request_id}/steps/{step}",
    response=RequestOut,
    summary="Take a step: submit, withdraw, first_review, second_review, approve, "
    "return_to_author, reject",
)
@api_requires(P.VIEW_DASHBOARD)
def take_step(request: HttpRequest, request_id: int, step: str, payload: NoteIn) -> Any:
    release = _request(request, request_id)
    if step in ("first_review", "second_review"):
        call_service(
            lambda: service.submit_review(actor=caller(request), release=release, request=request)
        )
    else:
        call_service(
            lambda: service.take_step(
                actor=caller(request),
                release=release,
                step=step,
                note=payload.note,
                request=request,
            )
        )
    return _request(request, request_id)


@router.post("/files/{file_id}/votes", response=RequestOut, summary="Vote on a file")
@api_requires(P.REVIEW_OUTPUTS)
def vote(request: HttpRequest, file_id: int, payload: VoteIn) -> ReleaseRequest:
    file = _file(request, file_id, lambda p, f: policy.check_review(p, f.request))
    call_service(
        lambda: service.vote(
            actor=caller(request),
            file=file,
            decision=payload.decision,
            comment=payload.comment,
            request=request,
        )
    )
    return _request(request, file.request_id)


@router.post(
    "/files/{file_id}/consolidation",
    response=RequestOut,
    summary="Settle the two checkers' disagreement on a file",
)
@api_requires(P.REVIEW_OUTPUTS)
def consolidate(request: HttpRequest, file_id: int, payload: ConsolidateIn) -> ReleaseRequest:
    file = _file(request, file_id, lambda p, f: policy.check_review(p, f.request))
    call_service(
        lambda: service.consolidate(
            actor=caller(request),
            file=file,
            decision=payload.decision,
            note=payload.note,
            request=request,
        )
    )
    return _request(request, file.request_id)


@router.post(
    "/projects/{project_id}/sampling",
    response=dict[str, Any],
    summary="Set the share of a project's passing requests that go to two checkers",
)
@api_requires(P.REVIEW_OUTPUTS)
def set_sampling(request: HttpRequest, project_id: int, payload: SamplingIn) -> dict[str, Any]:
    project = get_object_or_404(Project, pk=project_id)
    sampling = call_service(
        lambda: service.set_project_sample_rate(
            actor=caller(request),
            project=project,
            rate=payload.rate,
            reason=payload.reason,
            request=request,
        )
    )
    return {"project": project.number, "rate": sampling.rate, "reason": sampling.reason}
