"""A delivery's lifecycle as a state machine, defined as data (R11, R18, R25).

planned (the case handler reviews the plan) -> running (the worker runs it into the project's
data folder) -> delivered, or failed with the reason; a failed delivery is run again
(re-run) or discarded; a plan not yet run is discarded when a new one replaces it. At the
project's closure every delivery's data are deleted (R25) and it ends as deleted. A fast-track
project's plan may start without review (the system's step). The walker is
`fivesafes.shared.workflow`; `services/` walks it with the room's hooks.
"""

from __future__ import annotations

from fivesafes.policy.permissions import Permission
from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.workflow import StateMachine, Steps, machine


class DeliveryState(Labelled):
    PLANNED = "planned", gettext_noop("Planned")
    RUNNING = "running", gettext_noop("Running")
    DELIVERED = "delivered", gettext_noop("Delivered")
    FAILED = "failed", gettext_noop("Failed")
    DISCARDED = "discarded", gettext_noop("Discarded")
    DELETED = "deleted", gettext_noop("Deleted")


S = DeliveryState
P = Permission
# States whose delivery may have files in the project's data folder, or will have.
HOLDS_DATA = frozenset({S.RUNNING, S.DELIVERED})

_t = Steps[DeliveryState]("delivery")

DELIVERY: StateMachine[DeliveryState] = machine(
    name="delivery",
    subject="a delivery",
    rule="R11",
    states=DeliveryState,
    initial=S.PLANNED,
    final={S.DISCARDED, S.DELETED},
    owners={
        S.PLANNED: "case handler",
        S.RUNNING: "the worker",
        S.DELIVERED: "the closure of the project",
        S.FAILED: "case handler",
    },
    transitions=[
        _t(
            "start",
            gettext_noop("Start the delivery"),
            {S.PLANNED},
            S.RUNNING,
            P.DELIVER_DATA,
            actor_field="requested_by",
        ),
        _t(
            "start_automatically",
            gettext_noop("Start on the fast track"),
            {S.PLANNED},
            S.RUNNING,
            P.DELIVER_DATA,
            automatic=True,
        ),
        _t(
            "finish",
            gettext_noop("Record the delivery"),
            {S.RUNNING},
            S.DELIVERED,
            P.DELIVER_DATA,
            automatic=True,
        ),
        _t(
            "fail",
            gettext_noop("Record the failure"),
            {S.RUNNING},
            S.FAILED,
            P.DELIVER_DATA,
            automatic=True,
        ),
        _t(
            "rerun",
            gettext_noop("Run it again"),
            {S.FAILED},
            S.RUNNING,
            P.DELIVER_DATA,
            actor_field="requested_by",
        ),
        _t(
            "discard",
            gettext_noop("Discard the plan"),
            {S.PLANNED, S.FAILED},
            S.DISCARDED,
            P.DELIVER_DATA,
            by_system=True,
        ),
        _t(
            "delete",
            gettext_noop("Delete the delivered data"),
            {S.DELIVERED},
            S.DELETED,
            P.CLOSE_PROJECTS,
            automatic=True,
        ),
    ],
)
