"""The operations of `/api/v1/deliveries` (see the package docstring)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.delivery import queries
from fivesafes.delivery.api.schemas import (
    DeliveryDetailOut,
    DeliveryOut,
    NoteIn,
    PlanIn,
    TimeIn,
    TimeOut,
)
from fivesafes.delivery.models import Delivery, StaffTime
from fivesafes.delivery.services import planning, running
from fivesafes.delivery.services import time as staff_time
from fivesafes.policy import deliveries as policy
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.shared.api import Paging, act, call_service, caller, load

router = Router()
P = Permission
DELIVERIES = Delivery.objects.select_related("project")
PROJECTS = Project.objects.select_related("institution")


@router.get(
    "/projects/{project_id}",
    response=list[DeliveryOut],
    summary="A project's deliveries, the newest first (members and staff)",
)
@api_requires(P.VIEW_DASHBOARD)
@paginate(Paging)
def project_deliveries(request: HttpRequest, project_id: int) -> QuerySet[Delivery]:
    project = load(request, PROJECTS, policy.check_see, pk=project_id)
    return queries.deliveries_of(project)


@router.post(
    "/projects/{project_id}/plan",
    response={201: DeliveryDetailOut},
    summary="Plan the project's next delivery from its approved scope (R11)",
    description="A fast-track project's plan starts at once; otherwise it waits for review.",
)
@api_requires(P.DELIVER_DATA)
def plan(request: HttpRequest, project_id: int, payload: PlanIn) -> Status[Delivery]:
    delivery = act(
        request,
        PROJECTS,
        project_id,
        lambda user, project: planning.plan(
            actor=user, project=project, formats=payload.formats, request=request
        ),
        check=policy.check_see,
    )
    return Status(201, DELIVERIES.get(pk=delivery.pk))


@router.get("/{delivery_id}", response=DeliveryDetailOut, summary="One delivery, with next_steps")
@api_requires(P.VIEW_DASHBOARD)
def delivery(request: HttpRequest, delivery_id: int) -> Delivery:
    return load(request, DELIVERIES, policy.check_see_delivery, pk=delivery_id)


@router.post(
    "/{delivery_id}/start",
    response=DeliveryDetailOut,
    summary="Start the reviewed plan, or run a failed delivery again",
)
@api_requires(P.DELIVER_DATA)
def start(request: HttpRequest, delivery_id: int) -> Delivery:
    started = act(
        request,
        DELIVERIES,
        delivery_id,
        lambda user, d: running.start(actor=user, delivery=d, request=request),
        check=policy.check_see_delivery,
    )
    return DELIVERIES.get(pk=started.pk)


@router.post("/{delivery_id}/discard", response=DeliveryDetailOut, summary="Discard a plan not run")
@api_requires(P.DELIVER_DATA)
def discard(request: HttpRequest, delivery_id: int, payload: NoteIn) -> Delivery:
    discarded = act(
        request,
        DELIVERIES,
        delivery_id,
        lambda user, d: planning.discard(
            actor=user, delivery=d, note=payload.note, request=request
        ),
        check=policy.check_see_delivery,
    )
    return DELIVERIES.get(pk=discarded.pk)


@router.post(
    "/{delivery_id}/time",
    response={201: TimeOut},
    summary="Book staff time on the delivery against a line of the accepted quote (R18)",
)
@api_requires(P.DELIVER_DATA)
def record_time(request: HttpRequest, delivery_id: int, payload: TimeIn) -> Status[StaffTime]:
    found = load(request, DELIVERIES, policy.check_see_delivery, pk=delivery_id)
    entry = call_service(
        lambda: staff_time.record_time(
            actor=caller(request),
            delivery=found,
            line=payload.line,
            hours=payload.hours,
            note=payload.note,
            request=request,
        )
    )
    return Status(201, entry)
