"""The researcher's pages: my access and why, the certification test, signing agreements."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.people import queries
from fivesafes.people.models import Attachment, CertificationAttempt, CertificationQuestion
from fivesafes.people.services import agreements
from fivesafes.people.services import certification as certification_service
from fivesafes.policy.agreements import check_read_agreement
from fivesafes.policy.certification import check_take_test
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.policy.project_access import (
    access_to_projects,
    check_may_ask_about,
    check_project_access,
)
from fivesafes.projects.models import Project
from fivesafes.shared.pages import form_page, load, refuse, run_action, shows_refusals
from fivesafes.shared.refusals import AccessDenied, RuleViolation


@requires(Permission.WORK_IN_PROJECTS)
def my_access(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = queries.current_certification(user)
    context = {
        "rows": [
            {"project": project, "answer": answer}
            for project, answer in access_to_projects(user, request=request)
        ],
        "attachments": Attachment.objects.filter(researcher=user).select_related("institution"),
        "agreements": queries.researcher_agreements(user),
        "certification": current,
        "renew_soon": current is not None
        and current.valid_until
        <= timezone.localdate() + timedelta(days=certification_service.REMIND_DAYS_BEFORE),
        "last_passed": queries.last_passed(user),
        "attempts": user.certification_attempts.all()[:5],
        "today": timezone.localdate(),
    }
    return render(request, "people/my_access.html", context)


@require_POST
@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def sign_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = load(request, queries.agreement_rows(), check_read_agreement, pk=pk)
    return run_action(
        request,
        lambda: agreements.sign(actor=request.user, agreement=agreement, request=request),
        done=lambda _done: redirect("people:my_access"),
        failed=lambda: redirect("people:my_access"),
        success=_("You signed agreement R-%(number)s.") % {"number": agreement.pk},
    )


@require_POST
@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def agreement_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The researcher or their manager ends the agreement at three months' notice."""
    agreement = load(request, queries.agreement_rows(), check_read_agreement, pk=pk)
    institution = agreement.authorisation.institution

    def back(_done: Any = None) -> HttpResponse:
        if institution.manager_id == request.user.pk:
            return redirect("people:institution", pk=institution.pk)
        if agreement.researcher_id == request.user.pk:
            return redirect("people:my_access")
        return redirect("web:dashboard")

    return run_action(
        request,
        lambda: agreements.give_notice(actor=request.user, agreement=agreement, request=request),
        done=back,
        failed=back,
        success=lambda done: (
            _("Notice given: agreement R-%(number)s now ends on %(day)s.")
            % {"number": agreement.pk, "day": done.ends_on}
        ),
    )


def _test_form(questions: list[CertificationQuestion], data: Any = None) -> forms.Form:
    form = forms.Form(data)
    for question in questions:
        form.fields[f"q{question.pk}"] = forms.TypedChoiceField(
            label=question.text,
            choices=[(str(i), text) for i, text in enumerate(question.choices)],
            coerce=int,
            widget=forms.RadioSelect,
        )
    return form


def _result(request: HttpRequest, result: CertificationAttempt) -> HttpResponse:
    if result.passed:
        messages.success(
            request,
            _("Passed: %(correct)s of %(total)s right. Certified until %(day)s.")
            % {"correct": result.correct, "total": result.total, "day": result.valid_until},
        )
    else:
        messages.error(
            request,
            _(
                "Not passed: %(correct)s of %(total)s right; %(needed)s %% are needed. Read the "
                "rules and try again."
            )
            % {
                "correct": result.correct,
                "total": result.total,
                "needed": int(result.pass_mark * 100),
            },
        )
    return redirect("people:my_access")


@requires(Permission.WORK_IN_PROJECTS)
def certification_test(request: HttpRequest) -> HttpResponse:
    questions = list(CertificationQuestion.objects.filter(active=True))
    form = _test_form(questions, request.POST if request.method == "POST" else None)

    def context(form: forms.Form) -> dict[str, Any]:
        try:
            check_take_test(request.user)
            paused = ""
        except RuleViolation as violation:
            paused = str(violation)
        return {"form": form, "questions": questions, "paused": paused}

    return form_page(
        request,
        form,
        lambda data: certification_service.take_test(
            actor=request.user,
            answers={q.pk: data[f"q{q.pk}"] for q in questions},
            request=request,
        ),
        template="people/certification.html",
        context=context,
        done=lambda result: _result(request, result),
    )


@requires(Permission.WORK_IN_PROJECTS)
def project_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The door to a project's workspace: the access rule decides, on every request."""
    project = get_object_or_404(Project.objects.select_related("institution"), pk=pk)
    try:
        check_may_ask_about(request.user, project)
        answer = check_project_access(request.user, project, request)
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
    return render(request, "people/project_entry.html", {"project": project, "answer": answer})
