"""Starting a delivery and running it (R11, R14, R18, R25).

The case handler starts a reviewed plan (or runs a failed one again); a fast-track project's
plan starts by itself. Starting puts the worker's job on the queue in the same transaction as
the step, so a started delivery always has its job. The job (`delivery/tasks.py`) calls
`run`: it clears what a killed run left (`remove_partials`, an unrecorded folder), checks the
stored plan asks no more than the approved scope, runs it into
`DATA_DIR/projects/<number>/data/<delivery>/` reporting progress, then records the files,
checksums and manifest (`finish`) or the reason it failed (`fail`), audited. A run never
leaves a partial delivery: the core writes into a temporary folder and renames it at the end.
"""

from __future__ import annotations

import logging
import shutil
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes.delivery import extract, folders, queries
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import external, steps
from fivesafes.delivery.workflow import DeliveryState
from fivesafes.policy import deliveries as policy
from fivesafes.policy.permissions import Permission
from fivesafes.shared import workflow
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import require

logger = logging.getLogger(__name__)

MAX_MESSAGE = 500


def _enqueue(step: workflow.Step[DeliveryState]) -> None:
    """After the step, in its transaction: the worker's job, and who asked."""
    from fivesafes.delivery.tasks import run_delivery
    from fivesafes.jobs.services import enqueue

    delivery = step.obj
    delivery.requested_at = timezone.now()
    delivery.error = ""
    delivery.stage, delivery.done, delivery.total = "queued", 0, 0
    delivery.message = gettext_noop("Waiting for a worker")
    job = enqueue(
        run_delivery,
        owner=step.actor,
        title=f"Delivery {delivery.number} of project {delivery.project.number}",
        kwargs={"delivery_id": delivery.pk},
        request=step.request,
    )
    delivery.task_id = str(job.task_result_id)
    delivery.save(
        update_fields=["requested_at", "error", "stage", "done", "total", "message", "task_id"]
    )
    step.after.update(task_id=delivery.task_id, engine=delivery.engine)


STARTING = steps.hooks(after={n: _enqueue for n in ("start", "start_automatically", "rerun")})


def start(*, actor: Any, delivery: Delivery, request: Any = None) -> Delivery:
    """The case handler starts the reviewed plan (or runs a failed delivery again)."""
    from fivesafes.delivery.services.sweep import settle_lost

    require(actor, Permission.DELIVER_DATA)
    # A delivery whose job died is no longer running: recorded as failed (audited) first.
    settle_lost(delivery.project)
    step = "rerun" if delivery.state_enum is DeliveryState.FAILED else "start"
    policy.check_step(actor, delivery, step)
    return steps.take(delivery, step, actor=actor, hooks=STARTING, request=request)


def start_automatically(*, delivery: Delivery) -> Delivery:
    """A fast-track project's plan starts without review (the system's step)."""
    return steps.take(delivery, "start_automatically", actor=None, hooks=STARTING)


def report(delivery_id: int, progress: extract.Progress) -> None:
    """Store how far the run has got (outside any transaction, so the job page sees it)."""
    from fivesafes.jobs.progress import report as job_report

    Delivery.objects.filter(pk=delivery_id).update(
        stage=progress.stage[:100],
        done=max(0, progress.done),
        total=max(0, progress.total),
        message=progress.message[:MAX_MESSAGE],
        changed_at=timezone.now(),
    )
    if progress.total:
        job_report(min(1.0, progress.done / progress.total), progress.message[:MAX_MESSAGE])


def _finish(step: workflow.Step[DeliveryState]) -> None:
    """Before the state changes: the project must still be open (R25); what was written."""
    delivery, result = step.obj, step.options["result"]
    if delivery.project.is_closed:
        raise RuleViolation(
            "R25",
            "project",
            _(
                "Project %(project)s closed while delivery %(number)s ran; its data are not delivered."
            )
            % {"project": delivery.project.number, "number": delivery.number},
        )
    delivery.files = result.files
    delivery.manifest = result.manifest
    delivery.population_size = result.population_size
    delivery.sample_size = result.sample_size
    delivery.finished_at = timezone.now()
    delivery.stage, delivery.message = "delivered", gettext_noop("Delivered")
    delivery.done = delivery.total = max(delivery.total, 1)
    step.fields += [
        "files",
        "manifest",
        "population_size",
        "sample_size",
        "finished_at",
        "stage",
        "message",
        "done",
        "total",
    ]
    # R15: the external data it linked; their copies keyed by person number go after commit.
    external.mark_linked(delivery, result.files)
    time = queries.time_by_line(delivery)
    step.after.update(rows=delivery.rows, bytes=delivery.bytes)
    step.data.update(
        project=delivery.project.number,
        files=result.files,
        population_size=result.population_size,
        sample_size=result.sample_size,
        seconds=result.seconds,
        plan=delivery.description,
        # R18: closing the delivery sums its staff time by quote line.
        staff_time={line: str(hours) for line, hours in time.items()},
        staff_hours=str(sum(time.values(), Decimal(0))),
    )


def _fail(step: workflow.Step[DeliveryState]) -> None:
    delivery = step.obj
    delivery.error = step.options["reason"][:2000]
    delivery.finished_at = timezone.now()
    delivery.message = f"Failed: {step.options['reason']}"[:MAX_MESSAGE]
    step.fields += ["error", "finished_at", "message"]
    step.data.update(project=delivery.project.number, reason=delivery.error)


FINISHING = steps.hooks(before={"finish": _finish, "fail": _fail})


def _reason(error: BaseException) -> str:
    if isinstance(error, RuleViolation):
        return error.finding.with_field()
    if isinstance(error, extract.DeliveryFailed):
        return str(error)
    return f"the extraction stopped with {type(error).__name__}: {error}"[:MAX_MESSAGE]


def fail(delivery: Delivery, reason: str) -> Delivery:
    """Record that the run failed, naming the reason (the system's step)."""
    return steps.take(delivery, "fail", actor=None, hooks=FINISHING, reason=reason)


def _clear(folder: Any) -> None:
    """What a killed run left: the core's temporary folders, and a folder renamed into place
    but never recorded (the worker died between the rename and the database)."""
    extract.remove_partials(folder.parent)
    if folder.exists():
        shutil.rmtree(folder)


def run(delivery_id: int) -> dict[str, Any]:
    """The worker's job: run a started delivery (see the module docstring)."""
    delivery = Delivery.objects.select_related("project").get(pk=delivery_id)
    if delivery.state_enum is not DeliveryState.RUNNING:
        return {"delivery": delivery.pk, "skipped": f"it is {delivery.state_enum.label.lower()}"}
    Delivery.objects.filter(pk=delivery.pk).update(
        started_at=timezone.now(),
        runs=F("runs") + 1,
        stage="starting",
        message=gettext_noop("Starting"),
    )
    project = delivery.project
    folder = folders.delivery_dir(project.number, delivery.number)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        _clear(folder)
        if policy.scope_changed(delivery):
            raise RuleViolation(
                "R16",
                "scope",
                _(
                    "The approved scope of %(project)s changed after delivery %(number)s "
                    "was planned; plan a new delivery."
                )
                % {"project": project.number, "number": delivery.number},
            )
        approved = extract.request_for(
            project.number,
            delivery.number,
            project.scope,
            tuple(delivery.formats),
            external.externals_of(delivery),
        )
        plan = extract.check_within(delivery.plan, approved)
        result = extract.run(plan, folder, lambda p: report(delivery.pk, p))
    except Exception as error:
        logger.warning("Delivery %s of %s failed: %s", delivery.number, project.number, error)
        failed = fail(delivery, _reason(error))
        return {"delivery": delivery.pk, "state": failed.state, "error": failed.error}
    try:
        finished = steps.take(delivery, "finish", actor=None, hooks=FINISHING, result=result)
    except Exception as error:
        # Not recorded as delivered (the project closed meanwhile, or the database refused):
        # the folder goes, so nothing unrecorded stays on disk.
        shutil.rmtree(folder, ignore_errors=True)
        failed = fail(delivery, _reason(error))
        return {"delivery": delivery.pk, "state": failed.state, "error": failed.error}
    return {
        "delivery": finished.pk,
        "state": finished.state,
        "rows": finished.rows,
        "files": len(finished.files),
    }
