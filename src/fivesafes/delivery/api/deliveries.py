"""The operations of `/api/v1/deliveries` (see the package docstring), one `Op` row each."""

from typing import Any

from django.db.models import QuerySet

from fivesafes.api.operations import Op, routes
from fivesafes.delivery import queries
from fivesafes.delivery.api.schemas import (
    DeliveryDetailOut,
    DeliveryNoteIn,
    DeliveryOut,
    PlanIn,
    TimeIn,
    TimeOut,
)
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import planning, running
from fivesafes.delivery.services import time as staff_time
from fivesafes.policy import deliveries as policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.models import Project
from fivesafes.shared.api import Call, load, on, read

DELIVERIES = Delivery.objects.select_related("project")
PROJECTS = Project.objects.select_related("institution")


def _of_project(call: Call) -> QuerySet[Delivery]:
    return queries.deliveries_of(load(call.request, PROJECTS, policy.check_see, pk=call.pk))


def _now(call: Call, delivery: Delivery) -> Delivery:
    """The delivery as it is after the service, with what its answer shows."""
    return DELIVERIES.get(pk=delivery.pk)


def _on_delivery(service: Any, **more: Any) -> Any:
    return on(DELIVERIES, "delivery", service, check=policy.check_see_delivery, **more)


router = routes(
    __name__,
    [
        Op("GET", "/projects/{project_id}", list[DeliveryOut],
           "A project's deliveries, the newest first (members and staff)",
           P.VIEW_DASHBOARD, _of_project, "project_deliveries", paged=True),
        Op("POST", "/projects/{project_id}/plan", DeliveryDetailOut,
           "Plan the project's next delivery from its approved scope (R11)", P.DELIVER_DATA,
           on(PROJECTS, "project", planning.plan, check=policy.check_see, answer=_now), "plan",
           body=PlanIn, status=201,
           description="A fast-track project's plan starts at once; otherwise it waits for "
           "review."),
        Op("GET", "/{delivery_id}", DeliveryDetailOut, "One delivery, with next_steps",
           P.VIEW_DASHBOARD, read(DELIVERIES, policy.check_see_delivery), "delivery"),
        Op("POST", "/{delivery_id}/start", DeliveryDetailOut,
           "Start the reviewed plan, or run a failed delivery again", P.DELIVER_DATA,
           _on_delivery(running.start, answer=_now), "start"),
        Op("POST", "/{delivery_id}/discard", DeliveryDetailOut, "Discard a plan not run",
           P.DELIVER_DATA, _on_delivery(planning.discard, answer=_now), "discard",
           body=DeliveryNoteIn),
        Op("POST", "/{delivery_id}/time", TimeOut,
           "Book staff time on the delivery against a line of the accepted quote (R18)",
           P.DELIVER_DATA, _on_delivery(staff_time.record_time), "record_time", body=TimeIn,
           status=201),
    ],
)  # fmt: skip
