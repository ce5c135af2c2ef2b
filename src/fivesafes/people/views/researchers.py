"""The researcher's pages: my access and why, the certification test, signing agreements."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fivesafes.people.models import Attachment, CertificationQuestion, ResearcherAgreement
from fivesafes.people.services import agreements
from fivesafes.people.services import certification as certification_service
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.policy.project_access import (
    check_project_access,
    project_access,
    projects_within_reach,
)
from fivesafes.projects.models import Project
from fivesafes.shared.pages import Refused, attempt, refuse
from fivesafes.shared.refusals import AccessDenied, RuleViolation


@requires(Permission.WORK_IN_PROJECTS)
def my_access(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = [
        {"project": project, "answer": project_access(user, project, request=request)}
        for project in projects_within_reach(user)
    ]
    context = {
        "rows": rows,
        "attachments": Attachment.objects.filter(researcher=user).select_related("institution"),
        "agreements": ResearcherAgreement.objects.filter(researcher=user).select_related(
            "project", "authorisation__institution"
        ),
        "certification": (current := certification_service.current_certification(user)),
        "renew_soon": current is not None
        and current.valid_until
        <= timezone.localdate() + timedelta(days=certification_service.REMIND_DAYS_BEFORE),
        "last_passed": certification_service.last_passed(user),
        "attempts": user.certification_attempts.all()[:5],
        "today": timezone.localdate(),
    }
    return render(request, "people/my_access.html", context)


@require_POST
@requires(Permission.WORK_IN_PROJECTS)
def sign_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(ResearcherAgreement, pk=pk)
    try:
        attempt(
            request,
            lambda: agreements.sign(actor=request.user, agreement=agreement, request=request),
        )
    except Refused as refused:
        if refused.response:
            return refused.response
    else:
        messages.success(request, f"You signed agreement R-{agreement.pk}.")
    return redirect("people:my_access")


@require_POST
@requires(Permission.VIEW_DASHBOARD)
def agreement_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The researcher or their manager ends the agreement at three months' notice."""
    agreement = get_object_or_404(
        ResearcherAgreement.objects.select_related("authorisation__institution"), pk=pk
    )
    try:
        done = attempt(
            request,
            lambda: agreements.give_notice(
                actor=request.user, agreement=agreement, request=request
            ),
        )
    except Refused as refused:
        if refused.response:
            return refused.response
    else:
        messages.success(
            request, f"Notice given: agreement R-{agreement.pk} now ends on {done.ends_on}."
        )
    if agreement.authorisation.institution.manager_id == request.user.pk:
        return redirect("people:institution", pk=agreement.authorisation.institution_id)
    if agreement.researcher_id == request.user.pk:
        return redirect("people:my_access")
    return redirect("web:dashboard")


def _test_form(questions: list[CertificationQuestion], data=None) -> forms.Form:
    form = forms.Form(data)
    for question in questions:
        form.fields[f"q{question.pk}"] = forms.TypedChoiceField(
            label=question.text,
            choices=[(str(i), text) for i, text in enumerate(question.choices)],
            coerce=int,
            widget=forms.RadioSelect,
        )
    return form


@requires(Permission.WORK_IN_PROJECTS)
def certification_test(request: HttpRequest) -> HttpResponse:
    questions = list(CertificationQuestion.objects.filter(active=True))
    form = _test_form(questions, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers = {q.pk: form.cleaned_data[f"q{q.pk}"] for q in questions}
        try:
            result = attempt(
                request,
                lambda: certification_service.take_test(
                    actor=request.user, answers=answers, request=request
                ),
                form,
            )
        except Refused:
            pass
        else:
            if result.passed:
                messages.success(
                    request,
                    f"Passed: {result.correct} of {result.total} right. "
                    f"Certified until {result.valid_until}.",
                )
            else:
                messages.error(
                    request,
                    f"Not passed: {result.correct} of {result.total} right; "
                    f"{int(result.pass_mark * 100)} % are needed. Read the rules and try again.",
                )
            return redirect("people:my_access")
    try:
        certification_service.check_may_take_test(request.user)
        paused = ""
    except RuleViolation as violation:
        paused = str(violation)
    return render(
        request,
        "people/certification.html",
        {"form": form, "questions": questions, "paused": paused},
        status=400 if form.errors else 200,
    )


@requires(Permission.WORK_IN_PROJECTS)
def project_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The door to a project's workspace: the access rule decides, on every request."""
    project = get_object_or_404(Project.objects.select_related("institution"), pk=pk)
    try:
        check_project_access(request.user, project, request)
    except AccessDenied as denial:
        from fivesafes.audit.services import record

        record(
            action="access.project_denied",
            actor=request.user,
            obj=project,
            request=request,
            data={"reason": denial.reason},
        )
        return refuse(request, denial.reason, denial.status)
    answer = project_access(request.user, project, request=request)
    return render(request, "people/project_entry.html", {"project": project, "answer": answer})
