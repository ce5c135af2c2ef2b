"""The manager's pages: apply, the institution with its researchers, agreements and applications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.people import queries
from fivesafes.people.forms import AgreementForm, ApplyAgainForm, ApplyForm, AttachForm
from fivesafes.people.models import Attachment, Institution
from fivesafes.people.services import agreements, authorisation, researchers
from fivesafes.people.views.common import ObjectPage
from fivesafes.policy import institutions as policy
from fivesafes.policy.agreements import check_read_agreement
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import form_action, form_page, load, shows_refusals


@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
def my_institutions(request: HttpRequest) -> HttpResponse:
    institutions = queries.managed_institutions(request.user)
    return render(request, "people/my_institutions.html", {"institutions": institutions})


@requires(Permission.APPLY_FOR_AUTHORISATION)
def apply(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        ApplyForm(request.POST if request.method == "POST" else None),
        lambda data: authorisation.apply(actor=request.user, request=request, **data),
        template="people/apply.html",
        context=lambda form: {"form": form},
        done=lambda case: redirect("people:case", pk=case.pk),
        success=lambda case: _("Application sent: case A-%(number)s.") % {"number": case.pk},
    )


def _institution_page(
    request: HttpRequest, institution: Institution, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    is_manager = policy.is_manager_of(user, institution)
    context = {
        "institution": institution,
        "authorisation": institution.current_authorisation(),
        "cases": institution.authorisations.all(),
        "attachments": queries.institution_attachments(institution),
        "current_ids": queries.current_attachment_ids(institution),
        "agreements": queries.institution_agreements(institution),
        "is_manager": policy.can_manage_researchers(user, institution),
        "attach_form": forms.get("attach_form") or AttachForm(prefix="attach"),
        "agreement_form": forms.get("agreement_form") or AgreementForm(prefix="agreement"),
        "open_case": institution.authorisations.open().first(),
        "may_apply_again": policy.can_apply_again(user, institution),
        "apply_again_form": forms.get("apply_again_form") or ApplyAgainForm(prefix="again"),
        "today": timezone.localdate(),
        "applications": _applications_of(user, institution, is_manager),
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


def _institution(request: HttpRequest, pk: int) -> Institution:
    return load(request, Institution, policy.check_see_institution, pk=pk)


INSTITUTION_PAGE = ObjectPage(
    _institution_page, "people:institution", "institution", find=_institution
)


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _institution_page(request, _institution(request, pk))


# The manager applies anew for the institution (renewal, or after it ended).
apply_again = INSTITUTION_PAGE.form_view(
    Permission.APPLY_FOR_AUTHORISATION,
    "apply_again_form",
    ApplyAgainForm,
    authorisation.apply_again,
    lambda case: _("Application sent: case A-%(number)s.") % {"number": case.pk},
    prefix="again",
    done=lambda case: redirect("people:case", pk=case.pk),
)
attach = INSTITUTION_PAGE.form_view(
    Permission.MANAGE_INSTITUTION_RESEARCHERS,
    "attach_form",
    AttachForm,
    researchers.attach,
    lambda attached: (
        _("%(researcher)s is now attached to %(institution)s.")
        % {"researcher": attached.researcher, "institution": attached.institution}
    ),
    prefix="attach",
)


@require_POST
@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
@shows_refusals
def new_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    institution = _institution(request, pk)
    return form_action(
        request,
        AgreementForm(request.POST, prefix="agreement"),
        lambda data: agreements.create(actor=request.user, request=request, **data),
        done=INSTITUTION_PAGE.back(institution.pk),
        again=INSTITUTION_PAGE.again(request, institution, "agreement_form"),
        success=lambda agreement: (
            _("Agreement R-%(number)s drawn up; the researcher signs it next.")
            % {"number": agreement.pk}
        ),
    )


@require_POST
@requires(Permission.SIGN_FOR_INSTITUTION)
@shows_refusals
def countersign(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = load(request, queries.agreement_rows(), check_read_agreement, pk=pk)
    return INSTITUTION_PAGE.button(
        request,
        agreement.authorisation.institution_id,
        lambda: agreements.countersign(actor=request.user, agreement=agreement, request=request),
        _("Agreement R-%(number)s countersigned.") % {"number": agreement.pk},
    )


def _check_see_attachment(user: Any, attachment: Attachment) -> None:
    policy.check_see_institution(user, attachment.institution, "researcher")


def _attachment(request: HttpRequest, pk: int) -> Attachment:
    return load(request, queries.attachment_rows(), _check_see_attachment, pk=pk)


@require_POST
@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
@shows_refusals
def working_abroad(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager marks a researcher as working abroad, or back home (R7)."""
    attachment = _attachment(request, pk)
    abroad = request.POST.get("working_abroad") == "on"
    return INSTITUTION_PAGE.button(
        request,
        attachment.institution_id,
        lambda: researchers.set_working_abroad(
            actor=request.user, attachment=attachment, working_abroad=abroad, request=request
        ),
        (
            _("%(researcher)s is marked as working abroad, under the institution's responsibility.")
            if abroad
            else _("%(researcher)s is marked as home.")
        )
        % {"researcher": attachment.researcher},
    )


@require_POST
@requires(Permission.MANAGE_INSTITUTION_RESEARCHERS)
@shows_refusals
def end_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager ends a researcher's attachment today (the researcher left)."""
    attachment = _attachment(request, pk)
    return INSTITUTION_PAGE.button(
        request,
        attachment.institution_id,
        lambda: researchers.end_attachment(
            actor=request.user, attachment=attachment, request=request
        ),
        _(
            "%(researcher)s is no longer attached from today; their agreements under "
            "%(institution)s have ended."
        )
        % {"researcher": attachment.researcher, "institution": attachment.institution},
    )
