"""Downloads of safe people's documents, each to the people who may read it.

The researcher agreement (PDF): its researcher, the manager of their institution, staff. The
client's written guarantee behind an R3 exemption: staff and the institution's manager. Breach
evidence: staff. Files are sent as attachments with their checked type, never sniffed.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from fivesafes.people.models import Authorisation, BreachEvidence, ResearcherAgreement
from fivesafes.people.services import agreements, sanctions
from fivesafes.people.views.common import may_see_institution, not_yours
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import refuse
from fivesafes.shared.refusals import AccessDenied
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


@requires(Permission.VIEW_DASHBOARD)
def researcher_agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(
        ResearcherAgreement.objects.select_related("authorisation__institution"), pk=pk
    )
    try:
        agreements.check_may_read(request.user, agreement)
    except AccessDenied as denial:
        return refuse(request, denial.reason)
    agreements.ensure_document(agreement, actor=request.user)
    return send_file(
        agreement.document, f"researcher-agreement-R-{agreement.pk}.pdf", "application/pdf"
    )


@requires(Permission.VIEW_DASHBOARD)
def exemption_guarantee(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Authorisation.objects.select_related("institution"), pk=pk)
    if not may_see_institution(request.user, case.institution):
        return not_yours(request, "case")
    name = case.exemption_guarantee.name
    extension = name.rsplit(".", 1)[-1] if name else ""
    return send_file(
        name,
        f"guarantee-A-{case.pk}.{extension}",
        CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


@requires(Permission.VIEW_PEOPLE_CASES)
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(BreachEvidence, pk=pk)
    return send_file(sanctions.evidence_path(evidence), evidence.name, evidence.content_type)
