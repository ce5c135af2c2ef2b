"""`/breaches`: breach reports with their evidence, and the approver's decision (R24)."""

from typing import Any

from ninja import File
from ninja.files import UploadedFile

from fivesafes.api.operations import Op, routes
from fivesafes.people import queries
from fivesafes.people.api.researchers import person
from fivesafes.people.api.schemas import BreachOut, BreachReportIn, DecisionIn, EvidenceOut
from fivesafes.people.models import Breach, BreachEvidence
from fivesafes.people.services import sanctions as service
from fivesafes.people.views.documents import send_file
from fivesafes.policy import sanctions as policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.shared.api import Call, TextIn, create, load, on, read


def _evidence(call: Call) -> Any:
    evidence: BreachEvidence = load(
        call.request, BreachEvidence, None, pk=call.path["evidence_id"], breach_id=call.pk
    )
    return send_file(service.evidence_path(evidence), evidence.name, evidence.content_type)


BREACH = "/breaches/{breach_id}"
router = routes(
    __name__,
    [
        Op("GET", "/breaches", list[BreachOut], "Breach cases",
           P.VIEW_PEOPLE_CASES, lambda call: queries.breaches(), "breach_list", paged=True),
        Op("POST", "/breaches", BreachOut, "Report a breach (R24)", P.REPORT_BREACHES,
           create(service.report_breach,
                  lambda call: call.payload.dict() | {"researcher": person(call.payload.researcher)}),
           "report_breach", body=BreachReportIn, status=201),
        Op("GET", BREACH, BreachOut, "One breach case",
           P.VIEW_PEOPLE_CASES, read(queries.breaches), "breach_detail"),
        Op("POST", f"{BREACH}/evidence", list[EvidenceOut],
           "Attach evidence files to a breach not yet decided (PDF, text, PNG, JPEG)",
           P.REPORT_BREACHES,
           on(Breach, "breach", service.add_evidence, check=policy.check_add_evidence,
              fields=lambda call: call.params),
           "add_evidence", params={"files": File[list[UploadedFile]]}, status=201),
        Op("GET", f"{BREACH}/evidence/{{evidence_id}}", None,
           "One evidence file of a breach (staff)", P.VIEW_PEOPLE_CASES, _evidence,
           "evidence_file", files=("application/pdf", "text/plain", "image/png", "image/jpeg")),
        Op("POST", f"{BREACH}/decision", BreachOut, "Decide the sanction (R24)",
           P.DECIDE_SANCTIONS, on(Breach, "breach", service.decide), "decide", body=DecisionIn),
        Op("POST", f"{BREACH}/dismissal", BreachOut,
           "Dismiss a breach report: no breach, no sanction (R24)", P.DECIDE_SANCTIONS,
           on(Breach, "breach", service.dismiss, fields=lambda call: {"decision": call.payload.text}),
           "dismiss", body=TextIn),
    ],
)  # fmt: skip
