"""The authorisation case: staff lists with filters and due dates, the case page and its steps."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.audit.services import event_stream_for
from fivesafes.people import queries
from fivesafes.people.forms import (
    AnswerForm,
    CaseFilterForm,
    CredibilityForm,
    ExemptionForm,
    QuestionForm,
    StepForm,
)
from fivesafes.people.models import Authorisation, ClarifyingQuestion
from fivesafes.people.rules import Finding, InstitutionKind, may_receive_business_data
from fivesafes.people.services import authorisation as service
from fivesafes.people.views.common import ObjectPage
from fivesafes.people.views.documents import send_authorisation
from fivesafes.people.workflow import CASE
from fivesafes.policy import authorisations as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import load, run_action, shows_refusals


@requires(Permission.VIEW_PEOPLE_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    cases = queries.cases()
    if form.is_valid():
        data = form.cleaned_data
        cases = queries.cases(data["state"], name=data["q"], overdue=data["overdue"])
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": timezone.localdate()}
    if getattr(request, "htmx", False) and request.htmx.target == "case-results":
        return render(request, "people/_case_table.html", context)
    return render(request, "people/case_list.html", context)


def _case_page(
    request: HttpRequest, case: Authorisation, status: int = 200, **forms: django_forms.Form
) -> HttpResponse:
    user = request.user
    context = {
        "case": case,
        "institution": case.institution,
        "questions": case.questions.select_related("asked_by", "answered_by"),
        "signatures": case.signatures.select_related("signer"),
        "events": event_stream_for(case),
        "steps": policy.next_steps(user, case),
        "step_form": forms.get("step_form") or StepForm(),
        "credibility_form": forms.get("credibility_form")
        or CredibilityForm(initial={"assessment": case.credibility_assessment}),
        "question_form": forms.get("question_form") or QuestionForm(),
        "answer_form": AnswerForm(),
        "may_evaluate": policy.can_evaluate(user, case),
        "may_answer": policy.can_answer(user, case),
        "eligibility": service.eligibility(case),
        "exemption_form": forms.get("exemption_form") or ExemptionForm(),
        "may_exempt": policy.can_exempt(user, case),
        "business_data": business_data_findings(case),
    }
    return render(request, "people/case.html", context, status=status)


def _case(request: HttpRequest, pk: int) -> Authorisation:
    return load(request, queries.case_rows(), policy.check_see_case, pk=pk)


CASE_PAGE = ObjectPage(_case_page, "people:case", "authorisation", find=_case)


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(request, pk))


@require_POST
@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def take_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One transition of the case; the service asks the policy whether this person may."""
    transition = CASE.transitions.get(step)
    if transition is None:
        raise Http404("No such step.")
    return CASE_PAGE.post(
        request,
        _case(request, pk),
        "step_form",
        StepForm(request.POST),
        service.take_step,
        _("%(step)s: done.") % {"step": transition.label},
        step=step,
    )


def business_data_findings(case: Authorisation) -> list[Finding]:
    return may_receive_business_data(
        InstitutionKind(case.institution.kind), exemption=case.business_data_exemption
    )


# R3: the approver exempts a consultancy firm, with the client's written guarantee.
exemption = CASE_PAGE.form_view(
    Permission.DECIDE_AUTHORISATIONS,
    "exemption_form",
    ExemptionForm,
    service.grant_exemption,
    lambda _case: _("Business-data exemption granted (R3)."),
)
credibility = CASE_PAGE.form_view(
    Permission.EVALUATE_AUTHORISATIONS,
    "credibility_form",
    CredibilityForm,
    service.record_credibility,
    lambda _case: _("Credibility assessment recorded."),
)
ask = CASE_PAGE.form_view(
    Permission.EVALUATE_AUTHORISATIONS,
    "question_form",
    QuestionForm,
    service.ask_question,
    lambda _question: _("Question sent to the applicant."),
)


def _check_see_question(user: Any, question: ClarifyingQuestion) -> None:
    policy.check_see_case(user, question.authorisation)


@require_POST
@requires(Permission.APPLY_FOR_AUTHORISATION)
@shows_refusals
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = load(request, queries.question_rows(), _check_see_question, pk=pk)
    form = AnswerForm(request.POST)

    def back(_result: Any = None) -> HttpResponse:
        return redirect("people:case", pk=question.authorisation_id)

    if not form.is_valid():
        messages.error(request, _("Your answer: write the answer."))
        return back()
    return run_action(
        request,
        lambda: service.answer_question(
            actor=request.user, question=question, request=request, **form.cleaned_data
        ),
        done=back,
        failed=back,
        success=_("Answer sent to the research service."),
    )


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not case.agreement_document:
        raise Http404("No agreement has been prepared for this case yet.")
    return send_authorisation(case)
