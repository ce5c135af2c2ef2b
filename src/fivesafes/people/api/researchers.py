"""`/institutions` and `/attachments`: the manager's institutions and their researchers (R1, R7)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.people import queries
from fivesafes.people.api.common import on
from fivesafes.people.api.schemas import AttachIn, AttachmentOut, InstitutionOut, WorkingAbroadIn
from fivesafes.people.models import Attachment, Institution
from fivesafes.people.services import researchers as service
from fivesafes.policy.institutions import check_see_institution
from fivesafes.policy.permissions import Permission
from fivesafes.shared.api import Paging, caller, load

router = Router()


def person(text: str, field: str = "researcher") -> Any:
    """The person named by username or e-mail, or a 400 naming the field."""
    found = queries.person_named(text)
    if found is None:
        raise HttpError(400, f"{field}: no person with the username or e-mail '{text}'.")
    return found


def check_see_attachment(user: Any, attachment: Attachment) -> None:
    check_see_institution(user, attachment.institution, "researcher")


@router.get("/institutions/mine", response=list[InstitutionOut], summary="Institutions I manage")
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
@paginate(Paging)
def my_institutions(request: HttpRequest) -> QuerySet[Institution]:
    return queries.managed_institutions(caller(request))


@router.get(
    "/institutions/{institution_id}/attachments",
    response=list[AttachmentOut],
    summary="The institution's researchers and affiliations, current and past",
)
@api_requires(Permission.VIEW_DASHBOARD)
@paginate(Paging)
def attachment_list(request: HttpRequest, institution_id: int) -> QuerySet[Attachment]:
    institution: Institution = load(request, Institution, check_see_institution, pk=institution_id)
    return queries.institution_attachments(institution)


@router.post(
    "/institutions/{institution_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach or affiliate a researcher",
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def attach(request: HttpRequest, institution_id: int, payload: AttachIn) -> Status[Attachment]:
    data = payload.dict()
    data["researcher"] = person(data["researcher"])
    data["contact_person"] = (
        person(data["contact_person"], "contact_person") if data["contact_person"] else None
    )
    done = on(
        request,
        Institution,
        institution_id,
        "institution",
        service.attach,
        check=check_see_institution,
        **data,
    )
    return Status(201, done)


@router.post(
    "/attachments/{attachment_id}/end",
    response=AttachmentOut,
    summary="End a researcher's attachment today",
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def end_attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    return on(
        request,
        queries.attachment_rows(),
        attachment_id,
        "attachment",
        service.end_attachment,
        check=check_see_attachment,
    )


@router.post(
    "/attachments/{attachment_id}/working-abroad",
    response=AttachmentOut,
    summary="Mark a researcher as working abroad, or back home (R7)",
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def working_abroad(
    request: HttpRequest, attachment_id: int, payload: WorkingAbroadIn
) -> Attachment:
    return on(
        request,
        queries.attachment_rows(),
        attachment_id,
        "attachment",
        service.set_working_abroad,
        check=check_see_attachment,
        working_abroad=payload.working_abroad,
    )
