"""`/applications`: start, list, read and fill in applications (the wizard's fields, variables,
population, members, external data, documents)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.people.models import Institution
from fivesafes.policy.permissions import Permission
from fivesafes.projects import queries
from fivesafes.projects.api.common import afresh, application, change_application, change_part
from fivesafes.projects.api.schemas import (
    ApplicationChangesIn,
    ApplicationOut,
    ApplicationSummary,
    ExternalDataIn,
    MemberIn,
    NewApplicationIn,
    PopulationIn,
    VariableIn,
)
from fivesafes.projects.models import (
    Application,
    ApplicationMember,
    ApplicationVariable,
    ExternalDataSource,
)
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import population
from fivesafes.shared.api import Paging, call_service, caller

router = Router()
P = Permission
F = TypeVar("F", bound=Callable[..., Any])


def _draft_change(method: str, path: str, summary: str) -> Callable[[F], F]:
    """An operation on `/applications/{application_id}<path>` that changes a draft: it needs
    the permission to apply and answers with the application as it is now."""

    def declare(view: F) -> F:
        operation = router.api_operation(
            [method],
            f"/applications/{{application_id}}{path}",
            response=ApplicationOut,
            summary=summary,
        )
        return operation(api_requires(P.APPLY_FOR_PROJECTS)(view))

    return declare


@router.get(
    "/applications",
    response=list[ApplicationSummary],
    summary="My applications (applicant, member, manager of the institution); for staff who "
    "read applications, those waiting for the office",
)
@api_requires(P.VIEW_DASHBOARD)
@paginate(Paging)
def application_list(
    request: HttpRequest, state: str = "", handler: str = "", due: str = ""
) -> QuerySet[Application]:
    """`state` is "all", one state, or empty (staff: the open cases; others: all of theirs).
    Staff filter by `handler` ("mine", "none" or a user name) and `due` ("overdue", "week").
    The earliest due come first."""
    found = queries.applications(caller(request), state=state, handler=handler, due=due)
    return found.prefetch_related("quotes__accepted_by", "quotes__invoice_to")


@router.post("/applications", response={201: ApplicationOut}, summary="Start a draft application")
@api_requires(P.APPLY_FOR_PROJECTS)
def create_application(request: HttpRequest, payload: NewApplicationIn) -> Status[Application]:
    institution = Institution.objects.filter(pk=payload.institution_id).first()
    created = call_service(
        lambda: service.create_draft(
            actor=caller(request),
            institution=institution,
            title=payload.title,
            from_basket=payload.from_basket,
            request=request,
        )
    )
    return Status(201, afresh(created))


@router.get("/applications/{application_id}", response=ApplicationOut, summary="One application")
@api_requires(P.VIEW_DASHBOARD)
def application_detail(request: HttpRequest, application_id: int) -> Application:
    """The findings as of now for an open application, as the page shows them (certifications
    and authorisations change without a save); as stored once decided. `next_steps` are the
    steps the asker may take now."""
    return application(request, application_id)


@_draft_change("PATCH", "", "Save fields of a draft; the findings are recomputed")
def update_application(
    request: HttpRequest, application_id: int, payload: ApplicationChangesIn
) -> Application:
    changes = payload.dict(exclude_unset=True)
    return change_application(
        request,
        application_id,
        lambda user, a: service.update(actor=user, application=a, changes=changes, request=request),
    )


@_draft_change(
    "PUT", "/variables/{line_id}", "Years, justifications and coarsening of one variable"
)
def update_variable(
    request: HttpRequest, application_id: int, line_id: int, payload: VariableIn
) -> Application:
    return change_part(
        request,
        application_id,
        lambda a: get_object_or_404(ApplicationVariable, pk=line_id, application=a),
        lambda user, line: service.update_variable(
            actor=user, line=line, request=request, **payload.dict()
        ),
    )


@_draft_change(
    "PUT", "/population", "Replace the population's criteria, checked against the catalogue (R11)"
)
def set_population(request: HttpRequest, application_id: int, payload: PopulationIn) -> Application:
    return change_application(
        request,
        application_id,
        lambda user, a: population.set_population(
            actor=user, application=a, definition=payload.dict(), request=request
        ),
    )


@_draft_change("POST", "/members", "Add a member to a draft by user name")
def add_member(request: HttpRequest, application_id: int, payload: MemberIn) -> Application:
    return change_application(
        request,
        application_id,
        lambda user, a: service.add_member(
            actor=user, application=a, username=payload.username, request=request
        ),
    )


@_draft_change(
    "DELETE",
    "/members/{username}",
    "Remove a member from a draft (a change request records it as narrowing, R16)",
)
def remove_member(request: HttpRequest, application_id: int, username: str) -> Application:
    return change_part(
        request,
        application_id,
        lambda a: get_object_or_404(ApplicationMember, application=a, person__username=username),
        lambda user, member: service.remove_member(actor=user, member=member, request=request),
    )


@_draft_change("DELETE", "/variables/{line_id}", "Remove one variable from a draft")
def remove_variable(request: HttpRequest, application_id: int, line_id: int) -> Application:
    return change_part(
        request,
        application_id,
        lambda a: get_object_or_404(ApplicationVariable, pk=line_id, application=a),
        lambda user, line: service.remove_variable(actor=user, line=line, request=request),
    )


@_draft_change("POST", "/basket", "Add the variables of my data basket to a draft")
def add_from_basket(request: HttpRequest, application_id: int) -> Application:
    return change_application(
        request,
        application_id,
        lambda user, a: service.add_from_basket(actor=user, application=a, request=request),
    )


@_draft_change(
    "POST",
    "/external-data",
    "Add external data to be linked, with its data-protection approval (R15)",
)
def add_external_data(
    request: HttpRequest, application_id: int, payload: ExternalDataIn
) -> Application:
    return change_application(
        request,
        application_id,
        lambda user, a: service.add_external_data(
            actor=user, application=a, request=request, **payload.dict()
        ),
    )


@_draft_change("DELETE", "/external-data/{item_id}", "Stop linking one source of external data")
def remove_external_data(request: HttpRequest, application_id: int, item_id: int) -> Application:
    return change_part(
        request,
        application_id,
        lambda a: get_object_or_404(ExternalDataSource, pk=item_id, application=a),
        lambda user, item: service.remove_external_data(actor=user, item=item, request=request),
    )


@_draft_change(
    "POST",
    "/documents/{kind}",
    "Upload the protocol or the DPIA (PDF, DOCX, ODT or TXT, checked by content)",
)
def upload_document(
    request: HttpRequest, application_id: int, kind: str, file: File[UploadedFile]
) -> Application:
    return change_application(
        request,
        application_id,
        lambda user, a: service.attach_document(
            actor=user, application=a, kind=kind, upload=file, request=request
        ),
    )
