"""Publications waiting for the office's scrutiny, and recording its result (R23)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects import queries
from fivesafes.projects.api.schemas import PublicationOut, ScrutinyIn
from fivesafes.projects.models import Publication
from fivesafes.projects.services import closure
from fivesafes.shared.api import Paging, call_service, caller

router = Router()


@router.get(
    "/publications", response=list[PublicationOut], summary="Publications waiting for scrutiny"
)
@api_requires(Permission.RECORD_SCRUTINY)
@paginate(Paging)
def scrutiny_queue(request: HttpRequest) -> QuerySet[Publication]:
    return queries.scrutiny_queue()


@router.post(
    "/publications/{publication_id}/scrutiny",
    response=PublicationOut,
    summary="Record the scrutiny result of a publication (R23)",
)
@api_requires(Permission.RECORD_SCRUTINY)
def record_scrutiny(request: HttpRequest, publication_id: int, payload: ScrutinyIn) -> Publication:
    publication = get_object_or_404(Publication, pk=publication_id)
    return call_service(
        lambda: closure.record_scrutiny(
            actor=caller(request),
            publication=publication,
            result=payload.result,
            note=payload.note,
            request=request,
        )
    )
