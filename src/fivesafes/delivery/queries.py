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


def in_state(state: DeliveryState, limit: int = 200) -> list[Delivery]:
    """Deliveries in `state`, the oldest first (the staff's queue)."""
    return list(
        Delivery.objects.filter(state=state.value)
        .select_related("project", "requested_by", "planned_by")
        .order_by("planned_at", "pk")[:limit]
    )


def undelivered_projects(limit: int = 200) -> QuerySet[Any]:
    """Active projects with no delivery that is planned, running or delivered."""
    from fivesafes.projects.models import Project

    busy = Delivery.objects.filter(
        state__in=[
            DeliveryState.PLANNED.value,
            DeliveryState.RUNNING.value,
            DeliveryState.DELIVERED.value,
        ]
    ).values("project_id")
    return (
        Project.objects.filter(state=Project.State.ACTIVE)
        .exclude(pk__in=busy)
        .select_related("institution")
        .order_by("number")[:limit]
    )
