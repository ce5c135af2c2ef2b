"""`/certification`: the test (R9) for researchers, the question bank for staff."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.people.api.common import on
from fivesafes.people.api.schemas import (
    AnswersIn,
    AttemptOut,
    BankQuestionIn,
    BankQuestionOut,
    TestQuestionOut,
)
from fivesafes.people.models import CertificationAttempt, CertificationQuestion
from fivesafes.people.services import certification as service
from fivesafes.policy.permissions import Permission
from fivesafes.shared.api import Paging, call_service, caller

router = Router()


@router.get(
    "/certification/questions",
    response=list[TestQuestionOut],
    summary="The certification test (R9): every active question, as one test",
)
@api_requires(Permission.WORK_IN_PROJECTS)
def test_questions(request: HttpRequest) -> QuerySet[CertificationQuestion]:
    # The test is answered whole (every active question), so it is not paged.
    return CertificationQuestion.objects.filter(active=True)


@router.post(
    "/certification/attempts", response={201: AttemptOut}, summary="Take the certification test"
)
@api_requires(Permission.WORK_IN_PROJECTS)
def take_test(request: HttpRequest, payload: AnswersIn) -> Status[CertificationAttempt]:
    done = call_service(
        lambda: service.take_test(actor=caller(request), answers=payload.answers, request=request)
    )
    return Status(201, done)


@router.get(
    "/certification/bank", response=list[BankQuestionOut], summary="The question bank (staff)"
)
@api_requires(Permission.EDIT_CERTIFICATION_QUESTIONS)
@paginate(Paging)
def question_bank(request: HttpRequest) -> QuerySet[CertificationQuestion]:
    return CertificationQuestion.objects.all()


@router.put(
    "/certification/bank/{question_id}",
    response=BankQuestionOut,
    summary="Change or retire a question (staff)",
)
@api_requires(Permission.EDIT_CERTIFICATION_QUESTIONS)
def edit_question(
    request: HttpRequest, question_id: int, payload: BankQuestionIn
) -> CertificationQuestion:
    return on(
        request,
        CertificationQuestion,
        question_id,
        "question",
        service.save_question,
        **payload.dict(),
    )


@router.post(
    "/certification/bank", response={201: BankQuestionOut}, summary="Add a question (staff)"
)
@api_requires(Permission.EDIT_CERTIFICATION_QUESTIONS)
def add_question(request: HttpRequest, payload: BankQuestionIn) -> Status[CertificationQuestion]:
    added = call_service(
        lambda: service.save_question(actor=caller(request), request=request, **payload.dict())
    )
    return Status(201, added)
