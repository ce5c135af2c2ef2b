"""A batch run's lifecycle as a state machine, defined as data (R20, R21).

A member starts a run: it is queued for the workspace's own worker queue. The worker begins it
in the sandbox and records how it ended: finished, failed (a limit, a refusal by the sandbox,
an error in the script), cancelled by the member, or stopped (by staff, or because the
member's access ended). A queued run is cancelled or stopped at once; a running one is asked to
stop through a flag the worker polls, and the worker takes the step when the sandbox is gone.
The walker is `fivesafes.shared.workflow`; `services/` walks it.
"""

from __future__ import annotations

from fivesafes.policy.permissions import Permission
from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.workflow import StateMachine, Steps, machine


class RunState(Labelled):
    QUEUED = "queued", gettext_noop("Queued")
    RUNNING = "running", gettext_noop("Running")
    FINISHED = "finished", gettext_noop("Finished")
    FAILED = "failed", gettext_noop("Failed")
    CANCELLED = "cancelled", gettext_noop("Cancelled")
    STOPPED = "stopped", gettext_noop("Stopped")


S = RunState
P = Permission
OPEN = frozenset({S.QUEUED, S.RUNNING})

_t = Steps[RunState]("workspace.run")

RUN: StateMachine[RunState] = machine(
    name="workspace_run",
    subject="a batch run",
    rule="R20",
    states=RunState,
    initial=S.QUEUED,
    final={S.FINISHED, S.FAILED, S.CANCELLED, S.STOPPED},
    owners={S.QUEUED: "the workspace worker", S.RUNNING: "the workspace worker"},
    transitions=[
        _t(
            "begin",
            gettext_noop("Begin the run"),
            {S.QUEUED},
            S.RUNNING,
            P.WORK_IN_PROJECTS,
            automatic=True,
        ),
        _t(
            "finish",
            gettext_noop("Record the run"),
            {S.RUNNING},
            S.FINISHED,
            P.WORK_IN_PROJECTS,
            automatic=True,
        ),
        _t(
            "fail",
            gettext_noop("Record the failure"),
            {S.QUEUED, S.RUNNING},
            S.FAILED,
            P.WORK_IN_PROJECTS,
            automatic=True,
        ),
        _t(
            "cancel",
            gettext_noop("Cancel the run"),
            {S.QUEUED},
            S.CANCELLED,
            P.WORK_IN_PROJECTS,
            owner_field="person",
            actor_field="stop_requested_by",
        ),
        _t(
            "stop",
            gettext_noop("Stop the run"),
            {S.QUEUED},
            S.STOPPED,
            P.OVERSEE_WORKSPACES,
            actor_field="stop_requested_by",
            note_field="stop_reason",
            by_system=True,
        ),
        _t(
            "cancelled",
            gettext_noop("Record the cancelled run"),
            {S.RUNNING},
            S.CANCELLED,
            P.WORK_IN_PROJECTS,
            automatic=True,
        ),
        _t(
            "stopped",
            gettext_noop("Record the stopped run"),
            {S.RUNNING},
            S.STOPPED,
            P.OVERSEE_WORKSPACES,
            automatic=True,
        ),
    ],
)
