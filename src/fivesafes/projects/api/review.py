"""The office's side of an application: assignment, the steps of the state machine (one
operation per step, each declaring the permission its step needs), questions and answers,
and a change request recorded without a decision (R16, R17)."""

from typing import Any

from django.utils.translation import gettext as _

from fivesafes.accounts.models import User
from fivesafes.api.operations import Op, routes
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.api.common import PROJECTS, change, on_application
from fivesafes.projects.api.schemas import (
    ApplicationOut,
    ApplicationStepIn,
    AssignIn,
    ProjectOut,
)
from fivesafes.projects.models import ApplicationQuestion
from fivesafes.projects.services import assignment, decisions
from fivesafes.projects.services import projects as project_service
from fivesafes.projects.workflow import APPLICATION
from fivesafes.shared.api import Call, Fields, TextIn, body, on, rule_error
from fivesafes.shared.refusals import RuleViolation


def _assign(call: Call) -> dict[str, Any]:
    handler = None
    if call.payload.handler:
        handler = User.objects.filter(username=call.payload.handler).first()
        if handler is None:
            raise rule_error(
                RuleViolation(
                    "R17",
                    "case_handler",
                    _("No person with the user name '%(name)s'.") % {"name": call.payload.handler},
                )
            )
    return {"handler": handler, "due_on": call.payload.due_on}


def _step(name: str) -> Fields:
    return lambda call: {"step": name} | body(call)


def _asked(call: Call, question: Any) -> dict[str, Any]:
    return {"id": question.pk, "text": question.text}


def _answered(call: Call, question: Any) -> dict[str, Any]:
    return {"id": question.pk, "text": question.text, "answer": question.answer}


ONE = "/applications/{application_id}"
router = routes(
    __name__,
    [
        Op("POST", f"{ONE}/record-change", ProjectOut,
           "Record a change request that only narrows the scope, without a decision (R16)",
           P.APPLY_FOR_PROJECTS,
           on_application(project_service.record_small_change, "change",
                          answer=lambda call, project: PROJECTS.get(pk=project.pk)),
           "record_small_change"),
        Op("POST", f"{ONE}/assign", ApplicationOut,
           "Take the case (no handler) or assign it to a case handler, with a due date",
           P.REVIEW_PROJECT_APPLICATIONS, change(assignment.assign, fields=_assign), "assign",
           body=AssignIn),
        *(
            Op("POST", f"{ONE}/steps/{step.name}", ApplicationOut,
               f"{step.label} ({step.permission.value})", step.permission,
               change(decisions.take_step, fields=_step(step.name)), "take_step", body=ApplicationStepIn,
               operation_id=f"take_step_{step.name}")
            for step in APPLICATION.transitions.values()
            if not step.automatic
        ),
        Op("POST", f"{ONE}/questions", dict[str, Any],
           "Ask the applicant a question during the review", P.REVIEW_PROJECT_APPLICATIONS,
           on_application(decisions.ask_question, answer=_asked), "ask", body=TextIn,
           status=201),
        Op("POST", "/questions/{question_id}/answer", dict[str, Any], "Answer a question",
           P.APPLY_FOR_PROJECTS, on(ApplicationQuestion, "question", decisions.answer_question,
                                    answer=_answered),
           "answer", body=TextIn),
    ],
)  # fmt: skip
