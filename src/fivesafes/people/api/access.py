"""`/my-access`, `/projects/{id}/access`, `/access-report`: who may work where today, and why."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.people.api.schemas import AccessOut, ReportRowOut
from fivesafes.policy.access_report import ReportRow, access_report
from fivesafes.policy.permissions import Permission
from fivesafes.policy.project_access import (
    AccessAnswer,
    check_may_ask_about,
    project_access,
    projects_within_reach,
)
from fivesafes.projects.models import Project
from fivesafes.shared.api import Paging, call_service, caller, load

router = Router()


@dataclass(frozen=True)
class AccessRow:
    """One person, one project, and the access rule's answer for them now."""

    person: Any
    project: Any
    answer: AccessAnswer


@router.get("/my-access", response=list[AccessOut], summary="My projects: access today and why")
@api_requires(Permission.WORK_IN_PROJECTS)
@paginate(Paging)
def my_access(request: HttpRequest) -> list[AccessRow]:
    user = caller(request)
    return [
        AccessRow(user, project, project_access(user, project, request=request))
        for project in projects_within_reach(user)
    ]


@router.get(
    "/projects/{project_id}/access", response=AccessOut, summary="May I work in this project now?"
)
@api_requires(Permission.WORK_IN_PROJECTS)
def project_access_now(request: HttpRequest, project_id: int) -> AccessRow:
    user = caller(request)
    project = load(
        request, Project.objects.select_related("institution"), check_may_ask_about, pk=project_id
    )
    return AccessRow(user, project, project_access(user, project, request=request))


@router.get(
    "/access-report",
    response=list[ReportRowOut],
    summary="Who has access to what today, and why",
)
@api_requires(Permission.VIEW_ACCESS_REPORT)
@paginate(Paging)
def report(
    request: HttpRequest,
    person: str = "",
    project: str = "",
    institution: str = "",
    register_name: str = Query("", alias="register"),
    only_with_access: bool = False,
) -> list[ReportRow]:
    """Filter by person, project, institution or register (a catalogue short name): a register
    is reached through the projects whose approved scope holds its variables."""
    return call_service(
        lambda: access_report(
            person=person or None,
            project=project or None,
            institution=institution or None,
            register=register_name or None,
            only_with_access=only_with_access,
        )
    )
