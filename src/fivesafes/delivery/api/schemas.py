"""The delivery API's answers and bodies, built `from_attributes`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from fivesafes.delivery.models import Delivery, ExternalUpload
from fivesafes.policy import deliveries as policy
from fivesafes.shared.api import linked
from fivesafes.shared.inputs import In


class DeliveryFileOut(Schema):
    name: str
    rows: int
    bytes: int
    sha256: str


class DeliveryOut(Schema):
    id: int
    project: str = linked("project.number")
    number: int
    state: str
    engine: str
    formats: list[str]
    planned_at: datetime
    requested_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    stage: str
    done: int
    total: int
    message: str
    percent: int
    estimated_rows: int | None
    estimated_bytes: int | None
    estimated_seconds: float | None
    population_size: int | None
    sample_size: int | None
    rows: int
    files: list[DeliveryFileOut]
    error: str


class DeliveryDetailOut(DeliveryOut):
    """One delivery with its plan in words and what the asker may do next with it."""

    plan: list[str]
    manifest: dict[str, Any]
    next_steps: list[str]

    @staticmethod
    def resolve_plan(d: Delivery) -> list[str]:
        return list(d.description)

    @staticmethod
    def resolve_next_steps(d: Delivery, context: Any) -> list[str]:
        asker = getattr(context["request"], "auth", None)
        return [t.name for t in policy.next_steps(d, asker)]


class PlanIn(In):
    formats: list[str] = Field(
        default_factory=list, description="Copies besides Parquet: any of csv, dta, sav."
    )


class DeliveryNoteIn(In):
    note: str = Field("", max_length=500)


class TimeIn(In):
    line: str = Field(..., max_length=40, description="The quote line's price-list code.")
    hours: Decimal = Field(..., gt=0, le=1000)
    note: str = Field("", max_length=300)


class TimeOut(Schema):
    id: int
    line: str
    hours: Decimal
    note: str
    recorded_at: datetime
    recorded_by: str = linked("recorded_by.username")


# External data (R15) ------------------------------------------------------------------------


class LinkIn(In):
    source: str = Field(
        ..., max_length=200, description="The source as the approved scope names it."
    )
    owner: str = Field(..., max_length=200, description="The data owner who sends the file.")
    table_name: str = Field(
        "",
        max_length=40,
        description="Short name in the delivery (capitals, digits, _); empty: made from the source.",
    )
    keyed_by: Literal["person", "serial"] = Field(
        "person",
        description="'serial': distributed linking; a scrambling-key file is issued over the "
        "project's population and the owner's file is keyed by its serials.",
    )


class UploadOut(Schema):
    """One external-data upload. Members of the project see that the data arrived and were
    linked; the office's staff also see who sends it, the file and the checks' counts."""

    id: int
    delivery: int = linked("delivery.number")
    project: str = linked("delivery.project.number")
    source: str
    table_name: str
    keyed_by: str
    state: str
    state_label: str
    expires_at: datetime
    created_at: datetime
    received_at: datetime | None
    linked_at: datetime | None
    linked_rows: int | None
    owner: str | None = None
    agreement_reference: str | None = None
    file_name: str | None = None
    file_bytes: int | None = None
    report: dict[str, Any] | None = None

    @staticmethod
    def _staff(u: ExternalUpload, context: Any) -> bool:
        asker = getattr(context["request"], "auth", None)
        return policy.can_see_upload_details(asker, u.delivery)

    @staticmethod
    def resolve_owner(u: ExternalUpload, context: Any) -> str | None:
        return u.owner if UploadOut._staff(u, context) else None

    @staticmethod
    def resolve_agreement_reference(u: ExternalUpload, context: Any) -> str | None:
        return u.agreement_reference if UploadOut._staff(u, context) else None

    @staticmethod
    def resolve_file_name(u: ExternalUpload, context: Any) -> str | None:
        return u.file_name if UploadOut._staff(u, context) else None

    @staticmethod
    def resolve_file_bytes(u: ExternalUpload, context: Any) -> int | None:
        return u.file_bytes if UploadOut._staff(u, context) else None

    @staticmethod
    def resolve_report(u: ExternalUpload, context: Any) -> dict[str, Any] | None:
        return dict(u.report) if UploadOut._staff(u, context) else None


class LinkOut(UploadOut):
    """The new link: `link` is the address to send the data owner, shown this once (only its
    hash is kept)."""

    link: str


# Re-identification (R14) --------------------------------------------------------------------


class AskIn(In):
    pseudonym: int = Field(
        ..., ge=0, le=(1 << 62) - 1, description="The pseudonym (the pnr in the delivered files)."
    )
    reason: str = Field(..., max_length=2000, description="Why the person must be identified.")


class ReidentificationDecisionIn(In):
    note: str = Field("", max_length=500, description="Needed to refuse.")


class ReidentificationOut(Schema):
    """A re-identification: who asked, why, who decided. The person number is never here; the
    one who asked gets it once from `reveal`."""

    id: int
    project: str = linked("project.number")
    pseudonym: int
    reason: str
    state: str
    asked_by: str = linked("asked_by.username")
    asked_at: datetime
    decided_by: str | None = linked("decided_by.username", optional=True)
    decided_at: datetime | None
    decision_note: str
    shown_at: datetime | None


class RevealedOut(Schema):
    """The person number behind the pseudonym, shown this once and kept nowhere."""

    id: int
    project: str
    pseudonym: int
    person_number: str
