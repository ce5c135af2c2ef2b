"""Closing a project, recording the deletion of its data (R25), and registering its
publications for scrutiny (R23)."""

from django.http import HttpRequest
from ninja import Router, Status

from fivesafes.api.security import api_requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.api.common import PROJECTS, on_project
from fivesafes.projects.api.schemas import (
    CloseIn,
    DeletedIn,
    ProjectOut,
    PublicationIn,
    PublicationOut,
)
from fivesafes.projects.models import Project, Publication
from fivesafes.projects.services import closure

router = Router()
P = Permission
CLOSERS = (
    f"Needs '{P.CLOSE_PROJECTS.value}', or '{P.APPLY_FOR_PROJECTS.value}' as the project's "
    "responsible researcher (either suffices; checked by `fivesafes.policy.projects.check_close`)."
)


@router.post(
    "/{project_id}/close",
    response=ProjectOut,
    summary="Close the project now (R25)",
    description=CLOSERS,
)
@api_requires(any_of=(P.CLOSE_PROJECTS, P.APPLY_FOR_PROJECTS))
def close_project(request: HttpRequest, project_id: int, payload: CloseIn) -> Project:
    on_project(
        request,
        project_id,
        lambda user, p: closure.close(
            actor=user, project=p, reason=payload.reason, request=request
        ),
    )
    return PROJECTS.get(pk=project_id)


@router.post(
    "/{project_id}/data-deleted",
    response=ProjectOut,
    summary="Record that a closed project's data were deleted (R25)",
)
@api_requires(P.CLOSE_PROJECTS)
def confirm_deletion(request: HttpRequest, project_id: int, payload: DeletedIn) -> Project:
    on_project(
        request,
        project_id,
        lambda user, p: closure.confirm_deletion(
            actor=user, project=p, deleted_on=payload.deleted_on, request=request
        ),
    )
    return PROJECTS.get(pk=project_id)


@router.post(
    "/{project_id}/publications",
    response={201: PublicationOut},
    summary="Register a publication from the project for scrutiny (R23)",
)
@api_requires(P.WORK_IN_PROJECTS)
def register_publication(
    request: HttpRequest, project_id: int, payload: PublicationIn
) -> Status[Publication]:
    publication = on_project(
        request,
        project_id,
        lambda user, p: closure.register_publication(
            actor=user, project=p, request=request, **payload.dict()
        ),
    )
    return Status(201, publication)
