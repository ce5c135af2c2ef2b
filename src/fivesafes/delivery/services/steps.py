"""How the services walk the delivery state machine: the lock, the room's checks under the
lock, the fields the audit event shows, and a second running delivery refused by the
database's constraint as well as by the policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from fivesafes.delivery.models import Delivery
from fivesafes.delivery.workflow import DELIVERY
from fivesafes.policy import deliveries as policy
from fivesafes.shared import workflow
from fivesafes.shared.refusals import RuleViolation


def hooks(
    before: Mapping[str, workflow.Hook] | None = None,
    after: Mapping[str, workflow.Hook] | None = None,
) -> workflow.Hooks:
    return workflow.Hooks(
        lock=lambda delivery: (
            Delivery.objects.select_for_update().select_related("project").get(pk=delivery.pk)
        ),
        # The room's conditions, checked again under the lock (a person's, or the system's).
        check=policy.STEPS.recheck,
        before=before or {},
        after=after or {},
        snapshot=("state",),
        describe=policy.describe,
    )


def take(
    delivery: Delivery,
    step: str,
    *,
    actor: Any,
    hooks: workflow.Hooks,
    request: Any = None,
    note: str = "",
    **options: Any,
) -> Delivery:
    """One step of the machine; a second running delivery of the project is refused even when
    two starts race past the policy (the database's constraint)."""
    try:
        taken: Delivery = workflow.take_step(
            DELIVERY,
            hooks,
            obj=delivery,
            step=step,
            actor=actor,
            note=note,
            request=request,
            **options,
        )
    except IntegrityError:
        raise RuleViolation(
            "R11",
            "state",
            _(
                "Another delivery of project %(project)s is running; one delivery of a "
                "project runs at a time."
            )
            % {"project": delivery.project.number},
        ) from None
    return taken
