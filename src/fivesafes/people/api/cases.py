"""`/cases`: apply for authorisation, follow the case, take its steps, questions, exemption.

Each step of the case's machine is its own operation (`/cases/{id}/steps/<name>`) declaring the
permission that step needs, so the OpenAPI document says what each step takes; whether this
person may take it on this case now is the policy's answer, asked by the service.
"""

from typing import Any

from ninja import File, Form
from ninja.errors import HttpError
from ninja.files import UploadedFile

from fivesafes.accounts.models import User
from fivesafes.api.operations import Op, routes
from fivesafes.people import queries
from fivesafes.people.api.schemas import (
    ApplyAgainIn,
    ApplyIn,
    CaseOut,
    CaseQuestionOut,
    CaseStepIn,
)
from fivesafes.people.models import Authorisation, ClarifyingQuestion, Institution
from fivesafes.people.services import authorisation as service
from fivesafes.people.views.documents import send_authorisation, send_guarantee
from fivesafes.people.workflow import CASE
from fivesafes.policy.authorisations import check_see_case
from fivesafes.policy.institutions import check_see_institution
from fivesafes.policy.permissions import Permission as P
from fivesafes.shared.api import Call, Fields, TextIn, body, create, load, on

NO_FILE = File(None)  # an optional file part of a multipart form


def _case(call: Call) -> Authorisation:
    return load(call.request, queries.case_rows(), check_see_case, pk=call.pk)


def _on_case(run: Any, fields: Fields = body) -> Any:
    """Load the case for someone who may see it, then run the service `run` on it."""
    return on(queries.case_rows, "authorisation", run, check=check_see_case, fields=fields)


def _check_see_question(user: User | None, question: ClarifyingQuestion) -> None:
    check_see_case(user, question.authorisation)


def _step(name: str) -> Fields:
    return lambda call: {"step": name} | body(call)


def _unknown_step(call: Call) -> Any:
    raise HttpError(404, f"'{call.path['step']}' is not a step of {CASE.subject}.")


def _agreement(call: Call) -> Any:
    case = _case(call)
    return send_authorisation(case)


def _text(keyword: str) -> Fields:
    return lambda call: {keyword: call.payload.text}


CASE_PATH = "/cases/{case_id}"
router = routes(
    __name__,
    [
        Op("GET", "/cases", list[CaseOut], "Authorisation cases (open ones unless state=all)",
           P.VIEW_PEOPLE_CASES, lambda call: queries.cases(call.params["state"]), "case_list",
           params={"state": (str, "")}, paged=True),
        Op("GET", CASE_PATH, CaseOut, "One authorisation case",
           P.VIEW_DASHBOARD, _case, "case_detail"),
        Op("POST", "/cases", CaseOut, "Apply for authorisation of an institution",
           P.APPLY_FOR_AUTHORISATION, create(service.apply), "apply", body=ApplyIn, status=201),
        Op("POST", "/institutions/{institution_id}/cases", CaseOut,
           "Apply again for a known institution (renewal, or after it ended)",
           P.APPLY_FOR_AUTHORISATION,
           on(Institution, "institution", service.apply_again, check=check_see_institution),
           "apply_again", body=ApplyAgainIn, status=201),
        *(
            Op("POST", f"{CASE_PATH}/steps/{step.name}", CaseOut,
               f"{step.label} (a step of the case)", step.permission,
               _on_case(service.take_step, _step(step.name)), "take_step", body=CaseStepIn,
               operation_id=f"people_case_step_{step.name}")
            for step in CASE.transitions.values()
        ),
        Op("POST", f"{CASE_PATH}/steps/{{step}}", CaseOut, "A step the case does not have",
           P.VIEW_DASHBOARD, _unknown_step, "unknown_step", hidden=True),
        Op("POST", f"{CASE_PATH}/credibility", CaseOut, "Record the credibility assessment (R6)",
           P.EVALUATE_AUTHORISATIONS, _on_case(service.record_credibility, _text("assessment")),
           "credibility", body=TextIn),
        Op("POST", f"{CASE_PATH}/questions", CaseQuestionOut, "Ask the applicant a question",
           P.EVALUATE_AUTHORISATIONS, _on_case(service.ask_question, _text("question")), "ask",
           body=TextIn, status=201),
        Op("POST", "/questions/{question_id}/answer", CaseQuestionOut,
           "Answer a clarifying question",
           P.APPLY_FOR_AUTHORISATION,
           on(queries.question_rows, "question", service.answer_question,
              check=_check_see_question, fields=_text("answer")),
           "answer", body=TextIn),
        Op("POST", f"{CASE_PATH}/exemption", CaseOut,
           "Grant a consultancy firm the business-data exemption (R3), with the guarantee",
           P.DECIDE_AUTHORISATIONS, _on_case(service.grant_exemption, lambda call: call.params),
           "exemption",
           params={
               "reason": Form[str],
               "client_is_public_or_eligible_ngo": (Form[bool], False),
               "guarantee": (UploadedFile | None, NO_FILE),
           },
           description="Multipart form: `reason`, `client_is_public_or_eligible_ngo`, and the "
           "`guarantee` file\n(PDF, text, PNG or JPEG, checked by content)."),
        Op("GET", f"{CASE_PATH}/exemption/guarantee", None,
           "The client's written guarantee behind the R3 exemption",
           P.VIEW_DASHBOARD, lambda call: send_guarantee(_case(call)), "exemption_guarantee",
           files=("application/pdf", "text/plain", "image/png", "image/jpeg")),
        Op("GET", f"{CASE_PATH}/agreement", None, "The authorisation agreement (PDF)",
           P.VIEW_DASHBOARD, _agreement, "authorisation_agreement", files=("application/pdf",)),
    ],
)  # fmt: skip
