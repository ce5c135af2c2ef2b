"""Reading deliveries: a project's deliveries, the running one, the next number, staff time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from fivesafes.delivery.models import Delivery, StaffTime
from fivesafes.delivery.workflow import DeliveryState

HUNDREDTH = Decimal("0.01")


def deliveries_of(project: Any) -> QuerySet[Delivery]:
    """The project's deliveries, the newest first."""
    return (
        Delivery.objects.filter(project=project)
        .select_related("project", "requested_by", "planned_by")
        .order_by("-number")
    )


def running(project: Any) -> Delivery | None:
    return Delivery.objects.filter(project=project, state=DeliveryState.RUNNING.value).first()


def next_number(project: Any) -> int:
    last = Delivery.objects.filter(project=project).order_by("-number").first()
    return (last.number if last else 0) + 1


def time_by_line(delivery: Delivery) -> dict[str, Decimal]:
    """Hours booked on the delivery, by quote line."""
    rows = (
        StaffTime.objects.filter(delivery=delivery)
        .values("line")
        .annotate(hours=Sum("hours"))
        .order_by("line")
    )
    return {row["line"]: Decimal(row["hours"]).quantize(HUNDREDTH) for row in rows}
