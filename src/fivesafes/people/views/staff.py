"""Staff pages: the certification question bank, breaches and sanctions, the access report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fivesafes.people import queries
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
from fivesafes.people.views.common import ObjectPage
from fivesafes.policy import sanctions as policy
from fivesafes.policy.access_report import access_report
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import form_action, form_page, run_action


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
    return form_page(
        request,
        QuestionBankForm(request.POST if request.method == "POST" else None, initial=initial),
        lambda data: certification.save_question(
            actor=request.user,
            text=data["text"],
            choices=data["choices"].splitlines(),
            correct_choice=data["correct"] - 1,
            active=data["active"],
            question=question,
            request=request,
        ),
        template="people/question_bank.html",
        context=lambda form: {
            "form": form,
            "question": question,
            "questions": CertificationQuestion.objects.all(),
        },
        done=lambda _saved: redirect("people:question_bank"),
        success=lambda _question: _("Question saved."),
    )


@requires(Permission.VIEW_PEOPLE_CASES)
def breach_list(request: HttpRequest) -> HttpResponse:
    return render(request, "people/breach_list.html", {"breaches": queries.breaches()})


@requires(Permission.REPORT_BREACHES)
def report_breach(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = BreachForm(request.POST if posted else None, request.FILES if posted else None)

    def done(breach: Breach) -> HttpResponse:
        if can(request.user, Permission.VIEW_PEOPLE_CASES):
            return redirect("people:breach", pk=breach.pk)
        return redirect("people:report_breach")

    return form_page(
        request,
        form,
        lambda data: sanctions.report_breach(actor=request.user, request=request, **data),
        template="people/report_breach.html",
        context=lambda form: {"form": form},
        done=done,
        success=lambda breach: (
            _("Breach B-%(number)s reported; an approver decides.") % {"number": breach.pk}
        ),
    )


def _breach_page(
    request: HttpRequest, breach: Breach, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "people/breach.html",
        {
            "breach": breach,
            "sanctions": breach.sanctions.select_related("person", "institution"),
            "files": breach.files.select_related("uploaded_by"),
            "form": forms.get("form") or DecisionForm(),
            "evidence_form": forms.get("evidence_form") or EvidenceForm(),
            "dismiss_form": forms.get("dismiss_form") or DismissForm(prefix="dismiss"),
            "may_decide": policy.can_decide_breach(request.user, breach),
            "may_add_evidence": policy.can_add_evidence(request.user, breach),
        },
        status=status,
    )


BREACH_PAGE = ObjectPage(_breach_page, "people:breach", "breach")


@require_POST
@requires(Permission.REPORT_BREACHES, Permission.VIEW_PEOPLE_CASES)
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    breach = get_object_or_404(Breach, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)

    def call(data: dict[str, Any]) -> Any:
        return sanctions.add_evidence(
            actor=request.user, breach=breach, files=data["files"], request=request
        )

    if not policy.can_add_evidence(request.user, breach):
        # a decided breach shows no evidence form: its refusal is a message on the page
        return run_action(
            request,
            lambda: call({"files": request.FILES.getlist("files")}),
            done=BREACH_PAGE.back(breach.pk),
            failed=lambda: _breach_page(request, breach, status=400),
        )
    return form_action(
        request,
        form,
        call,
        done=BREACH_PAGE.back(breach.pk),
        again=BREACH_PAGE.again(request, breach, "evidence_form"),
        success=lambda added: (
            ngettext(
                "%(count)s evidence file(s) attached.",
                "%(count)s evidence file(s) attached.",
                len(added),
            )
            % {"count": len(added)}
        ),
    )


@requires(Permission.VIEW_PEOPLE_CASES)
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _breach_page(request, get_object_or_404(Breach, pk=pk))


@require_POST
@requires(Permission.DECIDE_SANCTIONS)
def decide_breach(request: HttpRequest, pk: int) -> HttpResponse:
    return BREACH_PAGE.post(
        request,
        get_object_or_404(Breach, pk=pk),
        "form",
        DecisionForm(request.POST),
        sanctions.decide,
        _("Decision recorded; the sanction is in force now."),
    )


@require_POST
@requires(Permission.DECIDE_SANCTIONS)
def dismiss_breach(request: HttpRequest, pk: int) -> HttpResponse:
    """The approver finds there was no breach: the case closes without a sanction."""
    breach = get_object_or_404(Breach, pk=pk)
    return form_action(
        request,
        DismissForm(request.POST, prefix="dismiss"),
        lambda data: sanctions.dismiss(
            actor=request.user, breach=breach, decision=data["reason"], request=request
        ),
        done=BREACH_PAGE.back(breach.pk),
        again=BREACH_PAGE.again(request, breach, "dismiss_form"),
        success=_("Dismissed: no breach, no sanction."),
    )


@requires(Permission.VIEW_ACCESS_REPORT)
def report(request: HttpRequest) -> HttpResponse:
    """Everyone's access unfiltered at first; then filtered, a refusal on the field it names."""
    form = ReportFilterForm(request.GET or None)

    def show(rows: list[Any]) -> HttpResponse:
        return render(
            request,
            "people/access_report.html",
            {"form": form, "rows": rows, "people": queries.attached_people_count()},
            status=400 if form.errors else 200,
        )

    if not form.is_bound:
        return show(access_report())
    if form.is_valid() and not any(form.cleaned_data.values()):
        return show([])
    return form_action(
        request,
        form,
        lambda data: access_report(
            person=data["person"] or None,
            project=data["project"] or None,
            institution=data["institution"] or None,
            register=data["register"] or None,
            only_with_access=data["only_with_access"],
        ),
        done=show,
        again=lambda _form: show([]),
    )
