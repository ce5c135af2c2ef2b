"""The operations of `/api/v1/deliveries` for external data (R15) and re-identification (R14),
one `Op` row each, over the same policy checks and services as the pages.

External data: staff who deliver data make a delivery's one-time upload link (the address is
in this one answer; only its hash is kept), list a delivery's uploads and read one (members of
the project see that data arrived; staff also see who sends it and the checks' counts), and
withdraw one; for distributed linking, take a link's scrambling-key file to send the owner.
Re-identification: staff who deliver data ask with a reason, a second person
approves or refuses, and the one who asked gets the person number once (`reveal`); nobody
else ever does, and no answer but that one carries it.
"""

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse

from fivesafes.api.operations import Op, routes
from fivesafes.delivery.api.schemas import (
    AskIn,
    LinkIn,
    LinkOut,
    ReidentificationDecisionIn,
    ReidentificationOut,
    RevealedOut,
    UploadOut,
)
from fivesafes.delivery.models import Delivery, ExternalUpload, Reidentification
from fivesafes.delivery.services import external, reidentification
from fivesafes.delivery.views.external import key_file
from fivesafes.policy import deliveries as policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.models import Project
from fivesafes.shared.api import Call, call_service, load, on, read

DELIVERIES = Delivery.objects.select_related("project")
UPLOADS = ExternalUpload.objects.select_related("delivery__project")
ITEMS = Reidentification.objects.select_related("project", "asked_by", "decided_by")
DECIDERS = policy.DECIDERS


def _see_upload(person: Any, upload: ExternalUpload) -> None:
    policy.check_see_uploads(person, upload.delivery)


def _see_item(person: Any, item: Reidentification) -> None:
    policy.check_see_reidentifications(person)


def _key_file(call: Call) -> HttpResponse:
    upload = load(call.request, UPLOADS, _see_upload, pk=call.pk)
    name, content = call_service(
        lambda: external.take_scrambling_key(actor=call.user, upload=upload, request=call.request)
    )
    return key_file(name, content)


def _uploads(call: Call) -> QuerySet[ExternalUpload]:
    delivery = load(call.request, DELIVERIES, policy.check_see_uploads, pk=call.pk)
    return UPLOADS.filter(delivery=delivery).order_by("pk")


def _link_made(call: Call, made: tuple[ExternalUpload, str]) -> ExternalUpload:
    """The new upload with the address to send its owner (its token, this once)."""
    upload, token = made
    upload = UPLOADS.get(pk=upload.pk)
    upload.link = call.request.build_absolute_uri(reverse("delivery:upload", args=[token]))
    return upload


def _upload_now(call: Call, upload: ExternalUpload) -> ExternalUpload:
    return UPLOADS.get(pk=upload.pk)


def _items(call: Call) -> QuerySet[Reidentification]:
    """A project's re-identifications; who may see them is asked before the project is looked
    up, so the answer is the same whether or not the id names a project."""
    call_service(lambda: policy.check_see_reidentifications(call.user))
    project: Project = load(call.request, Project, pk=call.pk)
    return ITEMS.filter(project=project)


def _item_now(call: Call, item: Reidentification) -> Reidentification:
    return ITEMS.get(pk=item.pk)


def _reveal(call: Call) -> dict[str, Any]:
    item = load(call.request, ITEMS, _see_item, pk=call.pk)
    number = call_service(
        lambda: reidentification.reveal(actor=call.user, item=item, request=call.request)
    )
    return {
        "id": item.pk,
        "project": item.project.number,
        "pseudonym": item.pseudonym,
        "person_number": number,
    }


def _ask(call: Call) -> Reidentification:
    call_service(lambda: policy.check_see_reidentifications(call.user))
    project: Project = load(call.request, Project, pk=call.pk)
    asked = call_service(
        lambda: reidentification.ask(
            actor=call.user, project=project, request=call.request, **call.payload.dict()
        )
    )
    return ITEMS.get(pk=asked.pk)


router = routes(
    __name__,
    [
        Op("POST", "/{delivery_id}/external", LinkOut,
           "Make a one-time upload link for a source of external data the scope names (R15)",
           P.DELIVER_DATA,
           on(DELIVERIES, "delivery", external.issue_link, check=policy.check_see_delivery,
              answer=_link_made),
           "issue_upload_link", body=LinkIn, status=201,
           description="`link` is the address to send the data owner; it is in this answer "
           "only (the office keeps its hash). It expires, and the first accepted file uses it "
           "up."),
        Op("GET", "/{delivery_id}/external", list[UploadOut],
           "A delivery's external-data uploads (members and staff)", P.VIEW_DASHBOARD,
           _uploads, "delivery_uploads", paged=True),
        Op("GET", "/external/{upload_id}", UploadOut, "One external-data upload and its state",
           P.VIEW_DASHBOARD, read(UPLOADS, _see_upload), "upload"),
        Op("GET", "/external/{upload_id}/scrambling-key", None,
           "The link's scrambling-key file (person number, serial) to send the data owner",
           P.DELIVER_DATA, _key_file, "scrambling_key", files=("text/csv",),
           description="Only for a link keyed by serial while it waits for the owner's file; "
           "taking it is audited. The file is deleted when the link ends."),
        Op("POST", "/external/{upload_id}/cancel", UploadOut,
           "Withdraw a link not used, or a checked file not yet linked; its files are deleted",
           P.DELIVER_DATA, on(UPLOADS, "upload", external.cancel, check=_see_upload,
                              answer=_upload_now), "cancel_upload"),
        Op("GET", "/projects/{project_id}/reidentifications", list[ReidentificationOut],
           "A project's re-identifications, the newest first (R14)", (), _items,
           "reidentifications", paged=True, any_of=DECIDERS),
        Op("POST", "/projects/{project_id}/reidentifications", ReidentificationOut,
           "Ask to re-identify one pseudonym of the project, with the reason (R14)",
           P.DELIVER_DATA, _ask, "ask_reidentification", body=AskIn, status=201,
           description="A second member of staff outside the project decides; see approve."),
        Op("GET", "/reidentifications/{reidentification_id}", ReidentificationOut,
           "One re-identification and its state", (), read(ITEMS, _see_item),
           "reidentification", any_of=DECIDERS),
        Op("POST", "/reidentifications/{reidentification_id}/approve", ReidentificationOut,
           "Approve a re-identification someone else asked for (the second person)", (),
           on(ITEMS, "item", partial(reidentification.decide, approve=True), check=_see_item,
              answer=_item_now), "approve_reidentification", body=ReidentificationDecisionIn,
           any_of=DECIDERS),
        Op("POST", "/reidentifications/{reidentification_id}/refuse", ReidentificationOut,
           "Refuse a re-identification someone else asked for, saying why", (),
           on(ITEMS, "item", partial(reidentification.decide, approve=False), check=_see_item,
              answer=_item_now), "refuse_reidentification", body=ReidentificationDecisionIn,
           any_of=DECIDERS),
        Op("POST", "/reidentifications/{reidentification_id}/reveal", RevealedOut,
           "The person number, once, to the one who asked, after a second person approved",
           P.DELIVER_DATA, _reveal, "reveal_reidentification",
           description="The number is worked out now, shown in this answer and kept nowhere; "
           "a second call is refused."),
    ],
)  # fmt: skip
