"""Planning a delivery (R11, R14): the extraction core compiles the project's approved scope
into a plan the case handler reviews before it runs. A new plan replaces a plan not yet run
(discarded); a delivered delivery is never changed, so a widened scope gets a new delivery.
A fast-track project's plan starts at once, by the system (R17)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.delivery import extract, queries
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import steps
from fivesafes.delivery.workflow import DeliveryState
from fivesafes.policy import deliveries as policy
from fivesafes.projects.models import Project
from fivesafes.shared.refusals import RuleViolation


def _formats(formats: Any) -> list[str]:
    chosen = [str(f) for f in (formats or ()) if f]
    unknown = [f for f in chosen if f not in extract.FORMATS]
    if unknown:
        raise RuleViolation(
            "R11",
            "formats",
            _("'%(formats)s' is not a format we deliver; choose from %(offered)s.")
            % {"formats": ", ".join(unknown), "offered": ", ".join(extract.FORMATS)},
        )
    return list(dict.fromkeys(["parquet", *chosen]))


def plan(
    *,
    actor: Any,
    project: Project,
    formats: Any = (),
    request: Any = None,
    start_fast_track: bool = True,
) -> Delivery:
    """Plan the project's next delivery from its approved scope; `actor=None` is the system
    (the fast track). Refused, naming the reason, when the project is not ready or the core
    refuses the plan; nothing is written then."""
    if actor is not None:
        policy.check_plan(actor, project)
    chosen = _formats(formats)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        found = policy.readiness(locked)
        if found:
            raise RuleViolation(found[0].rule, found[0].field, found[0].message)
        number = queries.next_number(locked)
        request_ = extract.request_for(locked.number, number, locked.scope, tuple(chosen))
        compiled = extract.compile_plan(request_)
        replaced = []
        for waiting in Delivery.objects.filter(
            project=locked, state=DeliveryState.PLANNED.value
        ).select_related("project"):
            steps.take(
                waiting,
                "discard",
                actor=actor,
                hooks=steps.hooks(),
                request=request,
                note=f"Replaced by the plan of delivery {number}.",
            )
            replaced.append(waiting.number)
        delivery = Delivery.objects.create(
            project=locked,
            number=number,
            scope=locked.approved_scope,
            plan=compiled.plan,
            description=compiled.description,
            formats=chosen,
            estimated_rows=compiled.estimate.rows,
            estimated_bytes=compiled.estimate.bytes,
            estimated_seconds=compiled.estimate.seconds,
            engine=extract.engine(),
            planned_at=timezone.now(),
            planned_by=actor,
        )
        record(
            action="delivery.planned",
            actor=actor,
            obj=delivery,
            after={"state": delivery.state, "number": number},
            data={
                "project": locked.number,
                "plan": compiled.description,
                "formats": chosen,
                "estimate": {
                    "rows": compiled.estimate.rows,
                    "bytes": compiled.estimate.bytes,
                    "seconds": compiled.estimate.seconds,
                },
                "replaces": replaced,
            },
            request=request,
        )
    if replaced:
        from fivesafes.delivery.services import external

        external.settle()  # the replaced plans' upload links and external files go (R15)
    if start_fast_track and policy.system_refusal(delivery, "start_automatically") is None:
        from fivesafes.delivery.services import running

        try:
            return running.start_automatically(delivery=delivery)
        except RuleViolation:
            # Another delivery started meanwhile: the plan stays planned, for review.
            delivery.refresh_from_db()
    return delivery


def discard(*, actor: Any, delivery: Delivery, note: str = "", request: Any = None) -> Delivery:
    """Discard a plan not run, or a failed delivery (staff who deliver data)."""
    from fivesafes.delivery.services import external

    policy.check_step(actor, delivery, "discard")
    discarded = steps.take(
        delivery, "discard", actor=actor, hooks=steps.hooks(), request=request, note=note
    )
    external.settle()  # its upload links and external files go with it (R15)
    return discarded
