"""`/agreements`: researcher agreements (R8), their signatures, documents and notice."""

from typing import Any

from ninja.errors import HttpError

from fivesafes.api.operations import Op, routes
from fivesafes.people import queries
from fivesafes.people.api.researchers import person
from fivesafes.people.api.schemas import AgreementIn, AgreementOut
from fivesafes.people.services import agreements as service
from fivesafes.people.views.documents import send_agreement
from fivesafes.policy.agreements import check_read_agreement
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.models import Project
from fivesafes.shared.api import Call, create, load, on


def _new(call: Call) -> dict[str, Any]:
    project = Project.objects.filter(number=call.payload.project).first()
    if project is None:
        raise HttpError(400, f"project: no project numbered '{call.payload.project}'.")
    return call.payload.dict() | {"researcher": person(call.payload.researcher), "project": project}


def _document(call: Call) -> Any:
    agreement = load(call.request, queries.agreement_rows(), check_read_agreement, pk=call.pk)
    return send_agreement(agreement, call.user)


def _step(service: Any) -> Any:
    """Load the agreement for a party who may read it, then take the step."""
    return on(queries.agreement_rows, "agreement", service, check=check_read_agreement)


ONE = "/agreements/{agreement_id}"
router = routes(
    __name__,
    [
        Op("GET", "/agreements", list[AgreementOut],
           "Researcher agreements: mine, and those of the institutions I manage",
           P.VIEW_DASHBOARD, lambda call: queries.agreements_of(call.user), "agreement_list",
           paged=True),
        Op("GET", f"{ONE}/document", None,
           "The researcher agreement (PDF): the researcher, their manager and staff",
           P.VIEW_DASHBOARD, _document, "agreement_document", files=("application/pdf",)),
        Op("POST", "/agreements", AgreementOut, "Draw up a researcher agreement (R8)",
           P.MANAGE_INSTITUTION_RESEARCHERS, create(service.create, _new), "new_agreement",
           body=AgreementIn, status=201),
        Op("POST", f"{ONE}/sign", AgreementOut, "Sign my agreement",
           P.WORK_IN_PROJECTS, _step(service.sign), "sign"),
        Op("POST", f"{ONE}/countersign", AgreementOut, "Countersign as the manager",
           P.SIGN_FOR_INSTITUTION, _step(service.countersign), "countersign"),
        Op("POST", f"{ONE}/notice", AgreementOut,
           "End an agreement at three months' notice (the researcher or the manager)",
           P.VIEW_DASHBOARD, _step(service.give_notice), "agreement_notice"),
    ],
)  # fmt: skip
