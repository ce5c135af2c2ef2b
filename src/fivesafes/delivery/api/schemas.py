"""The delivery API's answers and bodies, built `from_attributes`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from fivesafes.delivery.models import Delivery
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
