"""The office's side of an application: assignment, the steps of the state machine (one
operation per step, each declaring the permission its step needs), questions and answers,
and a change request recorded without a decision (R16, R17)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError

from fivesafes.accounts.models import User
from fivesafes.api.security import api_requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.api.common import PROJECTS, change_application, on_application
from fivesafes.projects.api.schemas import ApplicationOut, AssignIn, ProjectOut, StepIn, TextIn
from fivesafes.projects.models import Application, ApplicationQuestion, Project
from fivesafes.projects.services import assignment, decisions
from fivesafes.projects.services import projects as project_service
from fivesafes.projects.workflow import APPLICATION, ApplicationState
from fivesafes.shared.api import call_service, caller
from fivesafes.shared.workflow import Transition

router = Router()
P = Permission


@router.post(
    "/applications/{application_id}/record-change",
    response=ProjectOut,
    summary="Record a change request that only narrows the scope, without a decision (R16)",
)
@api_requires(P.APPLY_FOR_PROJECTS)
def record_small_change(request: HttpRequest, application_id: int) -> Project:
    project = on_application(
        request,
        application_id,
        lambda user, a: project_service.record_small_change(actor=user, change=a, request=request),
    )
    return PROJECTS.get(pk=project.pk)


@router.post(
    "/applications/{application_id}/assign",
    response=ApplicationOut,
    summary="Take the case (no handler) or assign it to a case handler, with a due date",
)
@api_requires(P.REVIEW_PROJECT_APPLICATIONS)
def assign(request: HttpRequest, application_id: int, payload: AssignIn) -> Application:
    handler = None
    if payload.handler:
        handler = User.objects.filter(username=payload.handler).first()
        if handler is None:
            raise HttpError(
                400, f"R17 (case_handler): No person with the user name '{payload.handler}'."
            )
    return change_application(
        request,
        application_id,
        lambda user, a: assignment.assign(
            actor=user, application=a, handler=handler, due_on=payload.due_on, request=request
        ),
    )


def _step_operation(transition: Transition[ApplicationState]) -> None:
    """`POST /applications/{id}/steps/<step>`, declaring the permission the step needs."""

    @router.post(
        f"/applications/{{application_id}}/steps/{transition.name}",
        response=ApplicationOut,
        summary=f"{transition.label} ({transition.permission.value})",
        operation_id=f"take_step_{transition.name}",
    )
    @api_requires(transition.permission)
    def take_step(request: HttpRequest, application_id: int, payload: StepIn) -> Application:
        return change_application(
            request,
            application_id,
            lambda user, a: decisions.take_step(
                actor=user,
                application=a,
                step=transition.name,
                note=payload.note,
                deletion_deadline=payload.deletion_deadline,
                request=request,
            ),
        )


for _transition in APPLICATION.transitions.values():
    if not _transition.automatic:
        _step_operation(_transition)


@router.post(
    "/applications/{application_id}/questions",
    response={201: dict[str, Any]},
    summary="Ask the applicant a question during the review",
)
@api_requires(P.REVIEW_PROJECT_APPLICATIONS)
def ask(request: HttpRequest, application_id: int, payload: TextIn) -> Status[dict[str, Any]]:
    question = on_application(
        request,
        application_id,
        lambda user, a: decisions.ask_question(
            actor=user, application=a, text=payload.text, request=request
        ),
    )
    return Status(201, {"id": question.pk, "text": question.text})


@router.post(
    "/questions/{question_id}/answer", response=dict[str, Any], summary="Answer a question"
)
@api_requires(P.APPLY_FOR_PROJECTS)
def answer(request: HttpRequest, question_id: int, payload: TextIn) -> dict[str, Any]:
    question = get_object_or_404(ApplicationQuestion, pk=question_id)
    done = call_service(
        lambda: decisions.answer_question(
            actor=caller(request), question=question, text=payload.text, request=request
        )
    )
    return {"id": done.pk, "text": done.text, "answer": done.answer}
