"""The manager's pages: apply, the institution with its researchers, agreements and applications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fivesafes.people.forms import AgreementForm, ApplyAgainForm, ApplyForm, AttachForm
from fivesafes.people.models import Attachment, Institution, ResearcherAgreement
from fivesafes.people.services import agreements, authorisation, researchers
from fivesafes.people.views.common import may_see_institution, not_yours
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import Refused, attempt


@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def my_institutions(request: HttpRequest) -> HttpResponse:
    institutions = Institution.objects.filter(manager=request.user).prefetch_related(
        "authorisations"
    )
    return render(request, "people/my_institutions.html", {"institutions": institutions})


@requires(Permission.APPLY_FOR_AUTHORISATION)
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = attempt(
                request,
                lambda: authorisation.apply(
                    actor=request.user, request=request, **form.cleaned_data
                ),
                form,
            )
        except Refused as refused:
            if refused.response:
                return refused.response
        else:
            messages.success(request, f"Application sent: case A-{case.pk}.")
            return redirect("people:case", pk=case.pk)
    return render(request, "people/apply.html", {"form": form}, status=400 if form.errors else 200)


def _institution_page(
    request: HttpRequest,
    institution: Institution,
    attach_form: AttachForm | None = None,
    agreement_form: AgreementForm | None = None,
    apply_again_form: ApplyAgainForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    is_manager = institution.manager_id == request.user.pk
    context = {
        "institution": institution,
        "authorisation": institution.current_authorisation(),
        "cases": institution.authorisations.all(),
        "attachments": institution.attachments.select_related("researcher", "contact_person"),
        "current_ids": set(
            Attachment.objects.current(today)
            .filter(institution=institution)
            .values_list("pk", flat=True)
        ),
        "agreements": ResearcherAgreement.objects.filter(authorisation__institution=institution)
        .select_related("researcher", "project", "authorisation__institution")
        .order_by("-created_at"),
        "is_manager": is_manager and can(request.user, Permission.MANAGE_INSTITUTION_RESEARCHERS),
        "attach_form": attach_form or AttachForm(prefix="attach"),
        "agreement_form": agreement_form or AgreementForm(prefix="agreement"),
        "open_case": institution.authorisations.open().first(),
        "may_apply_again": is_manager and can(request.user, Permission.APPLY_FOR_AUTHORISATION),
        "apply_again_form": apply_again_form or ApplyAgainForm(prefix="again"),
        "today": today,
        "applications": _applications_of(request.user, institution, is_manager),
    }
    return render(request, "people/institution.html", context, status=status)


def _applications_of(person: Any, institution: Institution, is_manager: bool) -> Any:
    """The institution's project applications with their quotes, for its manager and for staff
    who read applications (as the application pages let them); None for anyone else."""
    from fivesafes.projects.models import Application

    if not (is_manager or can(person, Permission.VIEW_PROJECT_APPLICATIONS)):
        return None
    return (
        Application.objects.filter(institution=institution)
        .select_related("applicant", "project")
        .prefetch_related("quotes")
        .order_by("-created_at")
    )


@requires(Permission.VIEW_DASHBOARD)
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    if not may_see_institution(request.user, institution):
        return not_yours(request, "institution")
    return _institution_page(request, institution)


@require_POST
@requires(Permission.APPLY_FOR_AUTHORISATION)
def apply_again(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager applies anew for the institution (renewal, or after it ended)."""
    institution = get_object_or_404(Institution, pk=pk)
    if not may_see_institution(request.user, institution):
        return not_yours(request, "institution")
    form = ApplyAgainForm(request.POST, prefix="again")
    if form.is_valid():
        try:
            case = attempt(
                request,
                lambda: authorisation.apply_again(
                    actor=request.user,
                    institution=institution,
                    request=request,
                    **form.cleaned_data,
                ),
                form,
            )
        except Refused as refused:
            if refused.response:
                return refused.response
        else:
            messages.success(request, f"Application sent: case A-{case.pk}.")
            return redirect("people:case", pk=case.pk)
    return _institution_page(request, institution, apply_again_form=form, status=400)


@require_POST
@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    form = AttachForm(request.POST, prefix="attach")
    if form.is_valid():
        data = form.cleaned_data
        try:
            attempt(
                request,
                lambda: researchers.attach(
                    actor=request.user,
                    institution=institution,
                    researcher=data["researcher"],
                    starts_on=data["starts_on"],
                    working_abroad=data["working_abroad"],
                    affiliated=data["affiliated"],
                    contact_person=data["contact_person"],
                    accepts_responsibility=data["accepts_responsibility"],
                    request=request,
                ),
                form,
            )
        except Refused as refused:
            if refused.response:
                return refused.response
        else:
            messages.success(request, f"{data['researcher']} is now attached to {institution}.")
            return redirect("people:institution", pk=institution.pk)
    if not may_see_institution(request.user, institution):
        return not_yours(request, "institution")
    return _institution_page(request, institution, attach_form=form, status=400)


@require_POST
@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def new_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    form = AgreementForm(request.POST, prefix="agreement")
    if form.is_valid():
        try:
            agreement = attempt(
                request,
                lambda: agreements.create(actor=request.user, request=request, **form.cleaned_data),
                form,
            )
        except Refused as refused:
            if refused.response:
                return refused.response
        else:
            messages.success(
                request, f"Agreement R-{agreement.pk} drawn up; the researcher signs it next."
            )
            return redirect("people:institution", pk=institution.pk)
    if not may_see_institution(request.user, institution):
        return not_yours(request, "institution")
    return _institution_page(request, institution, agreement_form=form, status=400)


@require_POST
@requires(Permission.SIGN_FOR_INSTITUTION)
def countersign(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(ResearcherAgreement, pk=pk)
    try:
        attempt(
            request,
            lambda: agreements.countersign(
                actor=request.user, agreement=agreement, request=request
            ),
        )
    except Refused as refused:
        if refused.response:
            return refused.response
    else:
        messages.success(request, f"Agreement R-{agreement.pk} countersigned.")
    return redirect("people:institution", pk=agreement.authorisation.institution_id)


@require_POST
@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def working_abroad(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager marks a researcher as working abroad, or back home (R7)."""
    attachment = get_object_or_404(Attachment.objects.select_related("institution"), pk=pk)
    abroad = request.POST.get("working_abroad") == "on"
    try:
        attempt(
            request,
            lambda: researchers.set_working_abroad(
                actor=request.user, attachment=attachment, working_abroad=abroad, request=request
            ),
        )
    except Refused as refused:
        if refused.response:
            return refused.response
    else:
        where = "working abroad, under the institution's responsibility" if abroad else "home"
        messages.success(request, f"{attachment.researcher} is marked as {where}.")
    return redirect("people:institution", pk=attachment.institution_id)


@require_POST
@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def end_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager ends a researcher's attachment today (the researcher left)."""
    attachment = get_object_or_404(Attachment.objects.select_related("institution"), pk=pk)
    try:
        attempt(
            request,
            lambda: researchers.end_attachment(
                actor=request.user, attachment=attachment, request=request
            ),
        )
    except Refused as refused:
        if refused.response:
            return refused.response
    else:
        messages.success(
            request,
            f"{attachment.researcher} is no longer attached from today; their agreements "
            f"under {attachment.institution} have ended.",
        )
    return redirect("people:institution", pk=attachment.institution_id)
