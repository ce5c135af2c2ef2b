"""`/cases`: apply for authorisation, follow the case, take its steps, questions, exemption.

Each step of the case's machine is its own operation (`/cases/{id}/steps/<name>`) declaring the
permission that step needs, so the OpenAPI document says what each step takes; whether this
person may take it on this case now is the policy's answer, asked by the service.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fivesafes.accounts.models import User
from fivesafes.api.security import api_requires
from fivesafes.people import queries
from fivesafes.people.api.common import on
from fivesafes.people.api.schemas import (
    ApplyAgainIn,
    ApplyIn,
    CaseOut,
    QuestionOut,
    StepIn,
    TextIn,
)
from fivesafes.people.models import Authorisation, ClarifyingQuestion, Institution
from fivesafes.people.services import authorisation as service
from fivesafes.people.views.documents import send_file, send_guarantee
from fivesafes.people.workflow import CASE, CaseState
from fivesafes.policy.authorisations import check_see_case
from fivesafes.policy.institutions import check_see_institution
from fivesafes.policy.permissions import Permission
from fivesafes.shared.api import Paging, call_service, caller, load
from fivesafes.shared.workflow import Transition

router = Router()
T = TypeVar("T")
NO_FILE = File(None)  # an optional file part of a multipart form


def _case(request: HttpRequest, case_id: int) -> Authorisation:
    return load(request, queries.case_rows(), check_see_case, pk=case_id)


def _on_case(request: HttpRequest, case_id: int, run: Callable[..., T], /, **options: Any) -> T:
    """Load the case for someone who may see it, then run the service `run` on it."""
    return on(
        request,
        queries.case_rows(),
        case_id,
        "authorisation",
        run,
        check=check_see_case,
        **options,
    )


@router.get(
    "/cases", response=list[CaseOut], summary="Authorisation cases (open ones unless state=all)"
)
@api_requires(Permission.VIEW_PEOPLE_CASES)
@paginate(Paging)
def case_list(request: HttpRequest, state: str = "") -> QuerySet[Authorisation]:
    return queries.cases(state)


@router.get("/cases/{case_id}", response=CaseOut, summary="One authorisation case")
@api_requires(Permission.VIEW_DASHBOARD)
def case_detail(request: HttpRequest, case_id: int) -> Authorisation:
    return _case(request, case_id)


@router.post("/cases", response={201: CaseOut}, summary="Apply for authorisation of an institution")
@api_requires(Permission.APPLY_FOR_AUTHORISATION)
def apply(request: HttpRequest, payload: ApplyIn) -> Status[Authorisation]:
    case = call_service(
        lambda: service.apply(actor=caller(request), request=request, **payload.dict())
    )
    return Status(201, case)


@router.post(
    "/institutions/{institution_id}/cases",
    response={201: CaseOut},
    summary="Apply again for a known institution (renewal, or after it ended)",
)
@api_requires(Permission.APPLY_FOR_AUTHORISATION)
def apply_again(
    request: HttpRequest, institution_id: int, payload: ApplyAgainIn
) -> Status[Authorisation]:
    case = on(
        request,
        Institution,
        institution_id,
        "institution",
        service.apply_again,
        check=check_see_institution,
        **payload.dict(),
    )
    return Status(201, case)


def _step_operation(transition: Transition[CaseState]) -> None:
    """One operation for one step of the machine, declaring the step's permission."""

    @router.post(
        f"/cases/{{case_id}}/steps/{transition.name}",
        response=CaseOut,
        summary=f"{transition.label} (a step of the case)",
        operation_id=f"people_case_step_{transition.name}",
    )
    @api_requires(transition.permission)
    def take_step(request: HttpRequest, case_id: int, payload: StepIn) -> Authorisation:
        return _on_case(request, case_id, service.take_step, step=transition.name, **payload.dict())


for _transition in CASE.transitions.values():
    _step_operation(_transition)


@router.post(
    "/cases/{case_id}/steps/{step}",
    response=CaseOut,
    summary="A step the case does not have",
    include_in_schema=False,
)
@api_requires(Permission.VIEW_DASHBOARD)
def unknown_step(request: HttpRequest, case_id: int, step: str) -> Authorisation:
    raise HttpError(404, f"'{step}' is not a step of {CASE.subject}.")


@router.post(
    "/cases/{case_id}/credibility",
    response=CaseOut,
    summary="Record the credibility assessment (R6)",
)
@api_requires(Permission.EVALUATE_AUTHORISATIONS)
def credibility(request: HttpRequest, case_id: int, payload: TextIn) -> Authorisation:
    return _on_case(request, case_id, service.record_credibility, assessment=payload.text)


@router.post(
    "/cases/{case_id}/questions",
    response={201: QuestionOut},
    summary="Ask the applicant a question",
)
@api_requires(Permission.EVALUATE_AUTHORISATIONS)
def ask(request: HttpRequest, case_id: int, payload: TextIn) -> Status[ClarifyingQuestion]:
    return Status(201, _on_case(request, case_id, service.ask_question, question=payload.text))


def _check_see_question(user: User | None, question: ClarifyingQuestion) -> None:
    check_see_case(user, question.authorisation)


@router.post(
    "/questions/{question_id}/answer", response=QuestionOut, summary="Answer a clarifying question"
)
@api_requires(Permission.APPLY_FOR_AUTHORISATION)
def answer(request: HttpRequest, question_id: int, payload: TextIn) -> ClarifyingQuestion:
    return on(
        request,
        queries.question_rows(),
        question_id,
        "question",
        service.answer_question,
        check=_check_see_question,
        answer=payload.text,
    )


@router.post(
    "/cases/{case_id}/exemption",
    response=CaseOut,
    summary="Grant a consultancy firm the business-data exemption (R3), with the guarantee",
)
@api_requires(Permission.DECIDE_AUTHORISATIONS)
def exemption(
    request: HttpRequest,
    case_id: int,
    reason: Form[str],
    client_is_public_or_eligible_ngo: Form[bool] = False,
    guarantee: UploadedFile | None = NO_FILE,
) -> Authorisation:
    """Multipart form: `reason`, `client_is_public_or_eligible_ngo`, and the `guarantee` file
    (PDF, text, PNG or JPEG, checked by content)."""
    return _on_case(
        request,
        case_id,
        service.grant_exemption,
        reason=reason,
        client_is_public_or_eligible_ngo=client_is_public_or_eligible_ngo,
        guarantee=guarantee,
    )


@router.get(
    "/cases/{case_id}/exemption/guarantee",
    response={200: bytes},
    summary="The client's written guarantee behind the R3 exemption",
)
@api_requires(Permission.VIEW_DASHBOARD)
def exemption_guarantee(request: HttpRequest, case_id: int) -> FileResponse:
    return send_guarantee(_case(request, case_id))


@router.get(
    "/cases/{case_id}/agreement",
    response={200: bytes},
    summary="The authorisation agreement (PDF)",
)
@api_requires(Permission.VIEW_DASHBOARD)
def authorisation_agreement(request: HttpRequest, case_id: int) -> FileResponse:
    case = _case(request, case_id)
    return send_file(case.agreement_document, f"authorisation-A-{case.pk}.pdf", "application/pdf")
