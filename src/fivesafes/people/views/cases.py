"""The authorisation case: staff lists with filters and due dates, the case page and its steps."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fivesafes.audit.services import event_stream_for
from fivesafes.people.forms import (
    AnswerForm,
    CaseFilterForm,
    CredibilityForm,
    ExemptionForm,
    QuestionForm,
    StepForm,
)
from fivesafes.people.models import Authorisation, ClarifyingQuestion
from fivesafes.people.services import authorisation as service
from fivesafes.people.views.common import may_see_institution, not_yours
from fivesafes.people.workflow import OPEN_STATES, TRANSITIONS, available
from fivesafes.policy.checks import can, check_permission
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import Refused, attempt, refuse
from fivesafes.shared.refusals import AccessDenied


@requires(Permission.VIEW_PEOPLE_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    cases = Authorisation.objects.select_related("institution", "case_handler").annotate(
        open_questions=Count("questions", filter=Q(questions__answered_at__isnull=True))
    )
    state = ""
    if form.is_valid():
        state = form.cleaned_data["state"]
        if form.cleaned_data["q"]:
            cases = cases.filter(institution__name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["overdue"]:
            cases = cases.filter(due_on__lt=timezone.localdate())
    if state == "all":
        pass
    elif state:
        cases = cases.filter(state=state)
    else:
        cases = cases.filter(state__in=[s.value for s in OPEN_STATES])
    page = Paginator(cases.order_by("due_on", "pk"), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": timezone.localdate()}
    if getattr(request, "htmx", False) and request.htmx.target == "case-results":
        return render(request, "people/_case_table.html", context)
    return render(request, "people/case_list.html", context)


def _case_page(
    request: HttpRequest, case: Authorisation, status: int = 200, **forms
) -> HttpResponse:
    user = request.user
    steps = [t for t in available(case.state_enum) if can(user, t.permission)]
    if case.institution.manager_id != user.pk:
        steps = [t for t in steps if t.name not in ("sign", "give_notice")]
    context = {
        "case": case,
        "institution": case.institution,
        "questions": case.questions.select_related("asked_by", "answered_by"),
        "signatures": case.signatures.select_related("signer"),
        "events": event_stream_for(case),
        "steps": steps,
        "step_form": forms.get("step_form") or StepForm(),
        "credibility_form": forms.get("credibility_form")
        or CredibilityForm(initial={"assessment": case.credibility_assessment}),
        "question_form": forms.get("question_form") or QuestionForm(),
        "answer_form": AnswerForm(),
        "may_evaluate": can(user, Permission.EVALUATE_AUTHORISATIONS)
        and case.state == "under_evaluation",
        "may_answer": case.institution.manager_id == user.pk
        and can(user, Permission.APPLY_FOR_AUTHORISATION),
        "eligibility": service.eligibility(case),
        "exemption_form": forms.get("exemption_form") or ExemptionForm(),
        "may_exempt": can(user, Permission.DECIDE_AUTHORISATIONS)
        and case.institution.kind == "consultancy"
        and not case.business_data_exemption,
        "business_data": business_data_findings(case),
    }
    return render(request, "people/case.html", context, status=status)


def _get_case(request: HttpRequest, pk: int) -> Authorisation:
    case = get_object_or_404(Authorisation.objects.select_related("institution"), pk=pk)
    if not may_see_institution(request.user, case.institution):
        raise AccessDenied("This case belongs to another institution; you cannot see it.")
    return case


@requires(Permission.VIEW_DASHBOARD)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case = _get_case(request, pk)
    except AccessDenied as denial:
        return refuse(request, denial.reason)
    return _case_page(request, case)


@require_POST
@requires(Permission.VIEW_DASHBOARD)
def take_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One transition of the case; the permission comes from the transition table."""
    transition = TRANSITIONS.get(step)
    if transition is None:
        raise Http404("No such step.")
    try:
        check_permission(request.user, transition.permission)
        case = _get_case(request, pk)
    except AccessDenied as denial:
        return refuse(request, denial.reason, denial.status)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, step_form=form)
    try:
        attempt(
            request,
            lambda: service.take_step(
                actor=request.user,
                authorisation=case,
                step=step,
                note=form.cleaned_data["note"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
                request=request,
            ),
            form,
        )
    except Refused as refused:
        if refused.response:
            return refused.response
        return _case_page(request, case, status=400, step_form=form)
    messages.success(request, f"{transition.label}: done.")
    return redirect("people:case", pk=case.pk)


def business_data_findings(case: Authorisation) -> list:
    from fivesafes.people.rules import InstitutionKind, may_receive_business_data

    return may_receive_business_data(
        InstitutionKind(case.institution.kind), exemption=case.business_data_exemption
    )


@require_POST
@requires(Permission.DECIDE_AUTHORISATIONS)
def exemption(request: HttpRequest, pk: int) -> HttpResponse:
    """R3: the approver exempts a consultancy firm, with the client's written guarantee."""
    case = get_object_or_404(Authorisation.objects.select_related("institution"), pk=pk)
    form = ExemptionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attempt(
                request,
                lambda: service.grant_exemption(
                    actor=request.user,
                    authorisation=case,
                    reason=data["reason"],
                    client_is_public_or_eligible_ngo=data["client_is_public_or_eligible_ngo"],
                    guarantee=data["guarantee"],
                    request=request,
                ),
                form,
            )
        except Refused:
            return _case_page(request, case, status=400, exemption_form=form)
        messages.success(request, "Business-data exemption granted (R3).")
        return redirect("people:case", pk=case.pk)
    return _case_page(request, case, status=400, exemption_form=form)


@require_POST
@requires(Permission.EVALUATE_AUTHORISATIONS)
def credibility(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Authorisation, pk=pk)
    form = CredibilityForm(request.POST)
    if form.is_valid():
        try:
            attempt(
                request,
                lambda: service.record_credibility(
                    actor=request.user,
                    authorisation=case,
                    assessment=form.cleaned_data["assessment"],
                    request=request,
                ),
                form,
            )
        except Refused:
            return _case_page(request, case, status=400, credibility_form=form)
        messages.success(request, "Credibility assessment recorded.")
        return redirect("people:case", pk=case.pk)
    return _case_page(request, case, status=400, credibility_form=form)


@require_POST
@requires(Permission.EVALUATE_AUTHORISATIONS)
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Authorisation, pk=pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            attempt(
                request,
                lambda: service.ask_question(
                    actor=request.user,
                    authorisation=case,
                    question=form.cleaned_data["question"],
                    request=request,
                ),
                form,
            )
        except Refused:
            return _case_page(request, case, status=400, question_form=form)
        messages.success(request, "Question sent to the applicant.")
        return redirect("people:case", pk=case.pk)
    return _case_page(request, case, status=400, question_form=form)


@require_POST
@requires(Permission.APPLY_FOR_AUTHORISATION)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(ClarifyingQuestion.objects.select_related("authorisation"), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            attempt(
                request,
                lambda: service.answer_question(
                    actor=request.user,
                    question=question,
                    answer=form.cleaned_data["answer"],
                    request=request,
                ),
            )
        except Refused as refused:
            if refused.response:
                return refused.response
        else:
            messages.success(request, "Answer sent to the research service.")
    else:
        messages.error(request, "Your answer: write the answer.")
    return redirect("people:case", pk=question.authorisation_id)


@requires(Permission.VIEW_DASHBOARD)
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case = _get_case(request, pk)
    except AccessDenied as denial:
        return refuse(request, denial.reason)
    if not case.agreement_document:
        raise Http404("No agreement has been prepared for this case yet.")
    from django.core.files.storage import default_storage

    return FileResponse(
        default_storage.open(case.agreement_document, "rb"),
        content_type="application/pdf",
        filename=f"authorisation-A-{case.pk}.pdf",
    )


__all__ = ["not_yours"]
