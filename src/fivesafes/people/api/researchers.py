"""`/institutions` and `/attachments`: the manager's institutions and their researchers (R1, R7)."""

from typing import Any

from ninja.errors import HttpError

from fivesafes.api.operations import Op, routes
from fivesafes.people import queries
from fivesafes.people.api.schemas import AttachIn, AttachmentOut, InstitutionOut, WorkingAbroadIn
from fivesafes.people.models import Attachment, Institution
from fivesafes.people.services import researchers as service
from fivesafes.policy.institutions import check_see_institution
from fivesafes.policy.permissions import Permission as P
from fivesafes.shared.api import Call, load, on


def person(text: str, field: str = "researcher") -> Any:
    """The person named by username or e-mail, or a 400 naming the field."""
    found = queries.person_named(text)
    if found is None:
        raise HttpError(400, f"{field}: no person with the username or e-mail '{text}'.")
    return found


def check_see_attachment(user: Any, attachment: Attachment) -> None:
    check_see_institution(user, attachment.institution, "researcher")


def _attachments(call: Call) -> Any:
    institution: Institution = load(call.request, Institution, check_see_institution, pk=call.pk)
    return queries.institution_attachments(institution)


def _attach(call: Call) -> dict[str, Any]:
    data = call.payload.dict()
    data["researcher"] = person(data["researcher"])
    data["contact_person"] = (
        person(data["contact_person"], "contact_person") if data["contact_person"] else None
    )
    return data


def _attachment(step: Any) -> Any:
    return on(queries.attachment_rows, "attachment", step, check=check_see_attachment)


MANAGE = P.MANAGE_INSTITUTION_RESEARCHERS
ATTACHMENTS = "/institutions/{institution_id}/attachments"
router = routes(
    __name__,
    [
        Op("GET", "/institutions/mine", list[InstitutionOut], "Institutions I manage",
           MANAGE, lambda call: queries.managed_institutions(call.user), "my_institutions",
           paged=True),
        Op("GET", ATTACHMENTS, list[AttachmentOut],
           "The institution's researchers and affiliations, current and past",
           P.VIEW_DASHBOARD, _attachments, "attachment_list", paged=True),
        Op("POST", ATTACHMENTS, AttachmentOut, "Attach or affiliate a researcher", MANAGE,
           on(Institution, "institution", service.attach, check=check_see_institution,
              fields=_attach),
           "attach", body=AttachIn, status=201),
        Op("POST", "/attachments/{attachment_id}/end", AttachmentOut,
           "End a researcher's attachment today", MANAGE, _attachment(service.end_attachment),
           "end_attachment"),
        Op("POST", "/attachments/{attachment_id}/working-abroad", AttachmentOut,
           "Mark a researcher as working abroad, or back home (R7)", MANAGE,
           _attachment(service.set_working_abroad), "working_abroad", body=WorkingAbroadIn),
    ],
)  # fmt: skip
