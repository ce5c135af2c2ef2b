"""Downloads of safe people's documents, each to the people who may read it.

The researcher agreement (PDF): its researcher, the manager of their institution, staff. The
client's written guarantee behind an R3 exemption: staff and the institution's manager. Breach
evidence: staff. Files are sent as attachments with their checked type, never sniffed.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from fivesafes.people import queries
from fivesafes.people.models import Authorisation, BreachEvidence, ResearcherAgreement
from fivesafes.people.services import agreements, document, sanctions
from fivesafes.policy.agreements import check_read_agreement
from fivesafes.policy.authorisations import check_see_case
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import load, shows_refusals
from fivesafes.shared.uploads import CONTENT_TYPES


def send_file(name: str, filename: str, content_type: str) -> FileResponse:
    if not name or not default_storage.exists(name):
        raise Http404("The file is not on record.")
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type=content_type,
        as_attachment=True,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def send_pdf(content: bytes, filename: str) -> FileResponse:
    """A PDF rendered on request (a signed copy), sent as an attachment."""
    response = FileResponse(
        BytesIO(content), content_type="application/pdf", as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def send_agreement(agreement: ResearcherAgreement, reader: Any) -> FileResponse:
    """The researcher agreement's PDF (drawn up first if it has none yet), for `reader`: once
    signed, the signed copy with the signatures printed on their lines."""
    agreements.ensure_document(agreement, actor=reader)
    filename = f"researcher-agreement-R-{agreement.pk}.pdf"
    signed = document.signed_researcher_agreement(agreement)
    if signed is not None:
        return send_pdf(signed, filename)
    return send_file(agreement.document, filename, "application/pdf")


def send_authorisation(case: Authorisation) -> FileResponse:
    """The authorisation agreement's PDF; once signed, the signed copy."""
    filename = f"authorisation-A-{case.pk}.pdf"
    signed = document.signed_agreement(case) if case.agreement_document else None
    if signed is not None:
        return send_pdf(signed, filename)
    return send_file(case.agreement_document, filename, "application/pdf")


def send_guarantee(case: Authorisation) -> FileResponse:
    """The client's written guarantee behind the case's R3 exemption, typed by its extension."""
    name = case.exemption_guarantee.name
    extension = name.rsplit(".", 1)[-1] if name else ""
    return send_file(
        name,
        f"guarantee-A-{case.pk}.{extension}",
        CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def researcher_agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = load(request, queries.agreement_rows(), check_read_agreement, pk=pk)
    return send_agreement(agreement, request.user)


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def exemption_guarantee(request: HttpRequest, pk: int) -> HttpResponse:
    return send_guarantee(load(request, queries.case_rows(), check_see_case, pk=pk))


@requires(Permission.VIEW_PEOPLE_CASES)
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(BreachEvidence, pk=pk)
    return send_file(sanctions.evidence_path(evidence), evidence.name, evidence.content_type)
