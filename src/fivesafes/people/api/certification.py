"""`/certification`: the test (R9) for researchers, the question bank for staff."""

from fivesafes.api.operations import Op, routes
from fivesafes.people.api.schemas import (
    AnswersIn,
    AttemptOut,
    BankQuestionIn,
    BankQuestionOut,
    TestQuestionOut,
)
from fivesafes.people.models import CertificationQuestion
from fivesafes.people.services import certification as service
from fivesafes.policy.permissions import Permission as P
from fivesafes.shared.api import create, on

BANK = P.EDIT_CERTIFICATION_QUESTIONS
router = routes(
    __name__,
    [
        # The test is answered whole (every active question), so it is not paged.
        Op("GET", "/certification/questions", list[TestQuestionOut],
           "The certification test (R9): every active question, as one test", P.WORK_IN_PROJECTS,
           lambda call: CertificationQuestion.objects.filter(active=True), "test_questions"),
        Op("POST", "/certification/attempts", AttemptOut, "Take the certification test",
           P.WORK_IN_PROJECTS, create(service.take_test), "take_test", body=AnswersIn,
           status=201),
        Op("GET", "/certification/bank", list[BankQuestionOut], "The question bank (staff)",
           BANK, lambda call: CertificationQuestion.objects.all(), "question_bank", paged=True),
        Op("PUT", "/certification/bank/{question_id}", BankQuestionOut,
           "Change or retire a question (staff)", BANK,
           on(CertificationQuestion, "question", service.save_question), "edit_question",
           body=BankQuestionIn),
        Op("POST", "/certification/bank", BankQuestionOut, "Add a question (staff)",
           BANK, create(service.save_question), "add_question", body=BankQuestionIn, status=201),
    ],
)  # fmt: skip
