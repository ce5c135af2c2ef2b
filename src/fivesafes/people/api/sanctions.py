"""`/breaches`: breach reports with their evidence, and the approver's decision (R24)."""

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.people import queries
from fivesafes.people.api.common import on
from fivesafes.people.api.researchers import person
from fivesafes.people.api.schemas import BreachIn, BreachOut, DecisionIn, EvidenceOut, TextIn
from fivesafes.people.models import Breach, BreachEvidence
from fivesafes.people.services import sanctions as service
from fivesafes.people.views.documents import send_file
from fivesafes.policy import sanctions as policy
from fivesafes.policy.permissions import Permission
from fivesafes.shared.api import Paging, call_service, caller, load

router = Router()


@router.get("/breaches", response=list[BreachOut], summary="Breach cases")
@api_requires(Permission.VIEW_PEOPLE_CASES)
@paginate(Paging)
def breach_list(request: HttpRequest) -> QuerySet[Breach]:
    return queries.breaches()


@router.post("/breaches", response={201: BreachOut}, summary="Report a breach (R24)")
@api_requires(Permission.REPORT_BREACHES)
def report_breach(request: HttpRequest, payload: BreachIn) -> Status[Breach]:
    data = payload.dict()
    data["researcher"] = person(data["researcher"])
    breach = call_service(
        lambda: service.report_breach(actor=caller(request), request=request, **data)
    )
    return Status(201, breach)


@router.get("/breaches/{breach_id}", response=BreachOut, summary="One breach case")
@api_requires(Permission.VIEW_PEOPLE_CASES)
def breach_detail(request: HttpRequest, breach_id: int) -> Breach:
    return load(request, queries.breaches(), None, pk=breach_id)


@router.post(
    "/breaches/{breach_id}/evidence",
    response={201: list[EvidenceOut]},
    summary="Attach evidence files to a breach not yet decided (PDF, text, PNG, JPEG)",
)
@api_requires(Permission.REPORT_BREACHES)
def add_evidence(
    request: HttpRequest, breach_id: int, files: File[list[UploadedFile]]
) -> Status[list[BreachEvidence]]:
    added = on(
        request,
        Breach,
        breach_id,
        "breach",
        service.add_evidence,
        check=policy.check_add_evidence,
        files=files,
    )
    return Status(201, added)


@router.get(
    "/breaches/{breach_id}/evidence/{evidence_id}",
    response={200: bytes},
    summary="One evidence file of a breach (staff)",
)
@api_requires(Permission.VIEW_PEOPLE_CASES)
def evidence_file(request: HttpRequest, breach_id: int, evidence_id: int) -> FileResponse:
    evidence: BreachEvidence = load(
        request, BreachEvidence, None, pk=evidence_id, breach_id=breach_id
    )
    return send_file(service.evidence_path(evidence), evidence.name, evidence.content_type)


@router.post(
    "/breaches/{breach_id}/decision", response=BreachOut, summary="Decide the sanction (R24)"
)
@api_requires(Permission.DECIDE_SANCTIONS)
def decide(request: HttpRequest, breach_id: int, payload: DecisionIn) -> Breach:
    return on(request, Breach, breach_id, "breach", service.decide, **payload.dict())


@router.post(
    "/breaches/{breach_id}/dismissal",
    response=BreachOut,
    summary="Dismiss a breach report: no breach, no sanction (R24)",
)
@api_requires(Permission.DECIDE_SANCTIONS)
def dismiss(request: HttpRequest, breach_id: int, payload: TextIn) -> Breach:
    return on(request, Breach, breach_id, "breach", service.dismiss, decision=payload.text)
