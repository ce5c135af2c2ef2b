"""Staff pages: the certification question bank, breaches and sanctions, the access report."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fivesafes.accounts.models import User
from fivesafes.people.forms import (
    BreachForm,
    DecisionForm,
    DismissForm,
    EvidenceForm,
    QuestionBankForm,
    ReportFilterForm,
)
from fivesafes.people.models import Breach, CertificationQuestion
from fivesafes.people.services import certification, sanctions
from fivesafes.policy.access_report import access_report
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import Refused, attempt


@requires(Permission.EDIT_CERTIFICATION_QUESTIONS)
def question_bank(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    question = get_object_or_404(CertificationQuestion, pk=pk) if pk else None
    initial = None
    if question is not None:
        initial = {
            "text": question.text,
            "choices": "\n".join(question.choices),
            "correct": question.correct_choice + 1,
            "active": question.active,
        }
    form = QuestionBankForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt(
                request,
                lambda: certification.save_question(
                    actor=request.user,
                    text=data["text"],
                    choices=data["choices"].splitlines(),
                    correct_choice=data["correct"] - 1,
                    active=data["active"],
                    question=question,
                    request=request,
                ),
                form,
            )
        except Refused:
            pass
        else:
            messages.success(request, "Question saved.")
            return redirect("people:question_bank")
    return render(
        request,
        "people/question_bank.html",
        {"form": form, "question": question, "questions": CertificationQuestion.objects.all()},
        status=400 if form.errors else 200,
    )


@requires(Permission.VIEW_PEOPLE_CASES)
def breach_list(request: HttpRequest) -> HttpResponse:
    breaches = Breach.objects.select_related("researcher", "institution", "reported_by")
    return render(request, "people/breach_list.html", {"breaches": breaches})


@requires(Permission.REPORT_BREACHES)
def report_breach(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = BreachForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            breach = attempt(
                request,
                lambda: sanctions.report_breach(
                    actor=request.user, request=request, **form.cleaned_data
                ),
                form,
            )
        except Refused:
            pass
        else:
            messages.success(request, f"Breach B-{breach.pk} reported; an approver decides.")
            if can(request.user, Permission.VIEW_PEOPLE_CASES):
                return redirect("people:breach", pk=breach.pk)
            return redirect("people:report_breach")
    return render(
        request, "people/report_breach.html", {"form": form}, status=400 if form.errors else 200
    )


def _breach_page(
    request: HttpRequest,
    breach: Breach,
    form: DecisionForm | None = None,
    status: int = 200,
    evidence_form: EvidenceForm | None = None,
    dismiss_form: DismissForm | None = None,
) -> HttpResponse:
    reported = breach.state == Breach.State.REPORTED
    return render(
        request,
        "people/breach.html",
        {
            "breach": breach,
            "sanctions": breach.sanctions.select_related("person", "institution"),
            "files": breach.files.select_related("uploaded_by"),
            "form": form or DecisionForm(),
            "evidence_form": evidence_form or EvidenceForm(),
            "dismiss_form": dismiss_form or DismissForm(prefix="dismiss"),
            "may_decide": can(request.user, Permission.DECIDE_SANCTIONS) and reported,
            "may_add_evidence": can(request.user, Permission.REPORT_BREACHES) and reported,
        },
        status=status,
    )


@require_POST
@requires(Permission.REPORT_BREACHES, Permission.VIEW_PEOPLE_CASES)
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    breach = get_object_or_404(Breach, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = attempt(
                request,
                lambda: sanctions.add_evidence(
                    actor=request.user,
                    breach=breach,
                    files=form.cleaned_data["files"],
                    request=request,
                ),
                # a decided breach shows no evidence form: the refusal is a message then
                form if breach.state == Breach.State.REPORTED else None,
            )
        except Refused:
            pass
        else:
            messages.success(request, f"{len(added)} evidence file(s) attached.")
            return redirect("people:breach", pk=breach.pk)
    return _breach_page(request, breach, status=400, evidence_form=form)


@requires(Permission.VIEW_PEOPLE_CASES)
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _breach_page(request, get_object_or_404(Breach, pk=pk))


@require_POST
@requires(Permission.DECIDE_SANCTIONS)
def decide_breach(request: HttpRequest, pk: int) -> HttpResponse:
    breach = get_object_or_404(Breach, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            attempt(
                request,
                lambda: sanctions.decide(
                    actor=request.user, breach=breach, request=request, **form.cleaned_data
                ),
                form,
            )
        except Refused:
            pass
        else:
            messages.success(request, "Decision recorded; the sanction is in force now.")
            return redirect("people:breach", pk=breach.pk)
    return _breach_page(request, breach, form, status=400)


@require_POST
@requires(Permission.DECIDE_SANCTIONS)
def dismiss_breach(request: HttpRequest, pk: int) -> HttpResponse:
    """The approver finds there was no breach: the case closes without a sanction."""
    breach = get_object_or_404(Breach, pk=pk)
    form = DismissForm(request.POST, prefix="dismiss")
    if form.is_valid():
        try:
            attempt(
                request,
                lambda: sanctions.dismiss(
                    actor=request.user,
                    breach=breach,
                    decision=form.cleaned_data["reason"],
                    request=request,
                ),
                form,
            )
        except Refused:
            pass
        else:
            messages.success(request, "Dismissed: no breach, no sanction.")
            return redirect("people:breach", pk=breach.pk)
    return _breach_page(request, breach, status=400, dismiss_form=form)


@requires(Permission.VIEW_ACCESS_REPORT)
def report(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    rows = []
    if form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        try:
            rows = attempt(
                request,
                lambda: access_report(
                    person=data["person"] or None,
                    project=data["project"] or None,
                    institution=data["institution"] or None,
                    register=data["register"] or None,
                    only_with_access=data["only_with_access"],
                ),
                form,
            )
        except Refused:
            rows = []
    elif not form.is_bound:
        rows = access_report()
    people = User.objects.filter(Q(attachments__isnull=False)).distinct().count()
    return render(
        request,
        "people/access_report.html",
        {"form": form, "rows": rows, "people": people},
        status=400 if form.errors else 200,
    )
