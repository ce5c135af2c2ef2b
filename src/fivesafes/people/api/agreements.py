"""`/agreements`: researcher agreements (R8), their signatures, documents and notice."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.people import queries
from fivesafes.people.api.common import on
from fivesafes.people.api.researchers import person
from fivesafes.people.api.schemas import AgreementIn, AgreementOut
from fivesafes.people.models import ResearcherAgreement
from fivesafes.people.services import agreements as service
from fivesafes.people.views.documents import send_agreement
from fivesafes.policy.agreements import check_read_agreement
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.shared.api import Paging, call_service, caller, load

router = Router()


@router.get(
    "/agreements",
    response=list[AgreementOut],
    summary="Researcher agreements: mine, and those of the institutions I manage",
)
@api_requires(Permission.VIEW_DASHBOARD)
@paginate(Paging)
def agreement_list(request: HttpRequest) -> QuerySet[ResearcherAgreement]:
    return queries.agreements_of(caller(request))


@router.get(
    "/agreements/{agreement_id}/document",
    response={200: bytes},
    summary="The researcher agreement (PDF): the researcher, their manager and staff",
)
@api_requires(Permission.VIEW_DASHBOARD)
def agreement_document(request: HttpRequest, agreement_id: int) -> FileResponse:
    agreement = load(request, queries.agreement_rows(), check_read_agreement, pk=agreement_id)
    return send_agreement(agreement, caller(request))


@router.post(
    "/agreements", response={201: AgreementOut}, summary="Draw up a researcher agreement (R8)"
)
@api_requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def new_agreement(request: HttpRequest, payload: AgreementIn) -> Status[ResearcherAgreement]:
    project = Project.objects.filter(number=payload.project).first()
    if project is None:
        raise HttpError(400, f"project: no project numbered '{payload.project}'.")
    data = payload.dict()
    data["researcher"], data["project"] = person(data["researcher"]), project
    done = call_service(lambda: service.create(actor=caller(request), request=request, **data))
    return Status(201, done)


Service = Callable[..., ResearcherAgreement]


def _on_agreement(request: HttpRequest, agreement_id: int, step: Service) -> Any:
    """Load the agreement for a party who may read it, then take the step."""
    return on(
        request,
        queries.agreement_rows(),
        agreement_id,
        "agreement",
        step,
        check=check_read_agreement,
    )


@router.post("/agreements/{agreement_id}/sign", response=AgreementOut, summary="Sign my agreement")
@api_requires(Permission.WORK_IN_PROJECTS)
def sign(request: HttpRequest, agreement_id: int) -> ResearcherAgreement:
    return _on_agreement(request, agreement_id, service.sign)


@router.post(
    "/agreements/{agreement_id}/countersign",
    response=AgreementOut,
    summary="Countersign as the manager",
)
@api_requires(Permission.SIGN_FOR_INSTITUTION)
def countersign(request: HttpRequest, agreement_id: int) -> ResearcherAgreement:
    return _on_agreement(request, agreement_id, service.countersign)


@router.post(
    "/agreements/{agreement_id}/notice",
    response=AgreementOut,
    summary="End an agreement at three months' notice (the researcher or the manager)",
)
@api_requires(Permission.VIEW_DASHBOARD)
def agreement_notice(request: HttpRequest, agreement_id: int) -> ResearcherAgreement:
    return _on_agreement(request, agreement_id, service.give_notice)
