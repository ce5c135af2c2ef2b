"""`/projects`: the list and one project with its approved scope and timeline, and change
requests against it (R16). Its operations on `/{project_id}` come last in the package's
router, so that named paths (`/prices`, `/publications`) match first."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects import queries
from fivesafes.projects.api.common import afresh, on_project, project
from fivesafes.projects.api.schemas import ApplicationOut, ProjectDetailOut, ProjectOut, TextIn
from fivesafes.projects.models import Application, Project
from fivesafes.projects.services import projects as project_service
from fivesafes.shared.api import Paging, caller

# The list lives on the package's root router (`list_router`): a topic router mounted at ""
# would answer it at "/" instead of at `/api/v1/projects`.
list_router = Router()
router = Router()
P = Permission


@list_router.get(
    "",
    response=list[ProjectOut],
    summary="My projects (responsible, member, manager); all for staff who read applications",
)
@api_requires(P.VIEW_DASHBOARD)
@paginate(Paging)
def project_list(request: HttpRequest, state: str = "") -> QuerySet[Project]:
    """An unknown `state` is no filter; ordered by project number."""
    return queries.projects(caller(request), state=state)


@router.get("/{project_id}", response=ProjectDetailOut, summary="A project with its approved scope")
@api_requires(P.VIEW_DASHBOARD)
def project_detail(request: HttpRequest, project_id: int) -> Project:
    return project(request, project_id)


@router.post(
    "/{project_id}/change-requests",
    response={201: ApplicationOut},
    summary="Start a change request (R16) as a draft copy of the approved scope",
)
@api_requires(P.APPLY_FOR_PROJECTS)
def start_change(request: HttpRequest, project_id: int, payload: TextIn) -> Status[Application]:
    change = on_project(
        request,
        project_id,
        lambda user, p: project_service.start_change_request(
            actor=user, project=p, summary=payload.text, request=request
        ),
    )
    return Status(201, afresh(change))
