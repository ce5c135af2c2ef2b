"""Running a queued batch run in the sandbox: the `workspace` queue's job (R20, R21).

The worker begins the run (the access rule asked again, without a request), snapshots the
writable areas, starts the script under `LocalBubblewrapSpawner` with the project's limits and
streams its output into a log file outside the project's areas
(`DATA_DIR/workspace/runs/<id>.log`, never served whole and never inside an area a run could
read or link to). Every second it looks at the run's stop flag; every few seconds it asks the
access rule again and stops the run when it fails. When the sandbox has gone it records how the
run ended in the sandbox's words, the resources used and the files the run wrote, audited. If
bubblewrap is missing or the sandbox refuses, nothing runs: the run fails with the sandbox's
sentence.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes.policy import workspaces as policy
from fivesafes.sandbox import (
    Limits,
    LocalBubblewrapSpawner,
    RunResult,
    SandboxError,
    SandboxSpec,
    Stop,
    batch_command,
)
from fivesafes.sandbox.spec import words_for_bytes
from fivesafes.shared import workflow
from fivesafes.shared.language import in_language_of
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from fivesafes.workspace import areas
from fivesafes.workspace.models import Run
from fivesafes.workspace.services import steps
from fivesafes.workspace.services.runs import cancelled_by_member
from fivesafes.workspace.workflow import RunState

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0


def access_check_seconds() -> float:
    return float(getattr(settings, "FIVESAFES_WORKSPACE_ACCESS_CHECK_SECONDS", 5))


def max_log_bytes() -> int:
    return int(getattr(settings, "FIVESAFES_WORKSPACE_MAX_LOG_BYTES", 5_000_000))


def log_path(run_id: int) -> Path:
    """Where a run's output is kept: outside every project's areas."""
    return Path(settings.DATA_DIR) / "workspace" / "runs" / f"{int(run_id)}.log"


def read_log(run: Run, offset: int = 0, limit: int = 200_000) -> tuple[str, int]:
    """The run's output from byte `offset` (at most `limit` bytes) and the next offset."""
    path = log_path(run.pk)
    if not path.is_file():
        return "", offset
    with path.open("rb") as handle:
        handle.seek(max(0, offset))
        chunk = handle.read(limit)
    return chunk.decode("utf-8", "replace"), max(0, offset) + len(chunk)


def _access_refusal(run: Run) -> str:
    """Why the member may no longer work in the project ("" while they may)."""
    from fivesafes.projects.models import Project

    project = Project.objects.get(pk=run.project_id)
    try:
        policy.check_enter_workspace(run.person, project)
    except (AccessDenied, RuleViolation) as refusal:
        return getattr(refusal, "reason", "") or str(refusal)
    return ""


def _begin(step: workflow.Step[RunState]) -> None:
    step.obj.started_at = timezone.now()
    step.fields.append("started_at")


def _ended(step: workflow.Step[RunState]) -> None:
    run, result = step.obj, step.options["result"]
    run.ended_at = timezone.now()
    run.stop = result.stop.value
    run.words = result.words[:500]
    run.exit_code = result.exit_code
    run.signal = result.signal or ""
    run.cpu_seconds = round(result.cpu_seconds, 3)
    run.max_rss_bytes = result.max_rss_bytes
    run.wall_seconds = round(result.wall_seconds, 3)
    run.files_written = step.options.get("files", [])
    run.output_lines = step.options.get("lines", run.output_lines)
    run.output_bytes = step.options.get("bytes", run.output_bytes)
    step.fields += [
        "ended_at",
        "stop",
        "words",
        "exit_code",
        "signal",
        "cpu_seconds",
        "max_rss_bytes",
        "wall_seconds",
        "files_written",
        "output_lines",
        "output_bytes",
    ]
    if run.stop_reason and step.transition.name in ("cancelled", "stopped"):
        run.words = (_("stopped: %(reason)s") % {"reason": run.stop_reason})[:500]
    step.after.update(stop=run.stop, words=run.words)
    step.data.update(
        project=run.project.number,
        script=run.script,
        result=result.as_dict(),
        files_written=run.files_written,
    )


ENDING = {name: _ended for name in ("finish", "fail", "cancelled", "stopped")}
HOOKS = steps.hooks(before={"begin": _begin, **ENDING})


def _not_run(words: str) -> RunResult:
    return RunResult(Stop.NOT_STARTED, words, None, None, 0.0, 0, 0.0)


def _fail(run: Run, words: str) -> Run:
    return steps.take(run, "fail", actor=None, hooks=HOOKS, result=_not_run(words))


class _Log:
    """Writes the run's lines to its log file, up to the log's cap, counting as it goes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.handle = path.open("wb")
        self.lines = 0
        self.bytes = 0
        self.cut = False

    def write(self, line: str) -> None:
        data = (line + "\n").encode("utf-8", "replace")
        if self.bytes + len(data) > max_log_bytes():
            if not self.cut:
                kept = words_for_bytes(max_log_bytes())
                said = _(
                    "-- fivesafes keeps only the first %(kept)s of a run's output: the run goes "
                    "on, but nothing more it prints is kept or shown --"
                ) % {"kept": kept}
                self.handle.write(f"{said}\n".encode())
                self.cut = True
            return
        self.handle.write(data)
        self.handle.flush()
        self.lines += 1
        self.bytes += len(data)

    def close(self) -> None:
        self.handle.close()


def _spawner() -> LocalBubblewrapSpawner:
    return LocalBubblewrapSpawner.from_environment()


def _prepare(view: areas.ProjectAreas) -> None:
    """The project's folders exist and the sandbox's user can traverse them; the data folder
    exists (empty until a delivery) so that a run needs no delivery to start."""
    base = view.data.parent
    for folder in (base.parent, base):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(folder.stat().st_mode | 0o111)
    if not view.data.exists():
        view.data.mkdir(mode=0o755)
    view.private.parent.mkdir(exist_ok=True)
    view.private.parent.chmod(0o711)


def execute(run_id: int) -> dict[str, Any]:
    """The worker's job: run a queued run (see the module docstring). What fivesafes itself
    says of the run (a refusal, why it stopped) is written in the member's language."""
    run = Run.objects.select_related("project", "person").get(pk=run_id)
    with in_language_of(run.person):
        return _execute(run)


def _execute(run: Run) -> dict[str, Any]:
    if run.state != RunState.QUEUED.value:
        return {"run": run.pk, "skipped": f"it is {run.state_enum.label.lower()}"}
    refusal = _access_refusal(run)
    if refusal:
        stopped = steps.take(run, "stop", actor=None, hooks=steps.hooks(), note=refusal[:300])
        return {"run": run.pk, "state": stopped.state, "reason": refusal}
    run = steps.take(run, "begin", actor=None, hooks=HOOKS)
    view = areas.areas_for(run.project, run.person)
    limits = Limits(**run.limits) if run.limits else Limits()
    try:
        _prepare(view)
        before = areas.snapshot(view)
        command = batch_command(run.kind, run.script, memory_bytes=limits.memory_bytes)
        spec = SandboxSpec(view, command, limits, workdir=run.script.rsplit("/", 1)[0])
        handle = _spawner().start(spec)
    except SandboxError as error:
        return _record(_fail(run, str(error)))
    except OSError as error:
        said = _("not run: the workspace could not be prepared (%(error)s)") % {"error": error}
        return _record(_fail(run, said))
    log = _Log(log_path(run.pk))

    def copy_output() -> None:
        for line in handle.lines():
            log.write(line)

    reader = threading.Thread(target=copy_output, daemon=True)
    reader.start()
    stop_step = _supervise(run, handle, log)
    reader.join(timeout=10)
    log.close()
    result = handle.wait(timeout=10)
    if result is None:  # pragma: no cover - the spawner always ends a run it was told to
        handle.cancel("the worker gave up waiting")
        result = handle.wait(timeout=10) or _not_run(_("stopped: the run did not end"))
    files = areas.written(before, areas.snapshot(view))
    step = "finish" if result.stop is Stop.FINISHED else "fail"
    if result.stop is Stop.CANCELLED and stop_step:
        step = stop_step
    ended = steps.take(
        run,
        step,
        actor=None,
        hooks=HOOKS,
        result=result,
        files=files,
        lines=log.lines,
        bytes=log.bytes,
    )
    _measure(run.project)
    return _record(ended)


def _measure(project: Any) -> None:
    """The project's storage after the run, for the staff overview; a measurement that fails
    leaves the run's record as it is (the periodic job measures again)."""
    from fivesafes.workspace.services import storage

    try:
        storage.measure(project)
    except Exception:
        logger.exception("The storage of project %s could not be measured.", project.number)


def _supervise(run: Run, handle: Any, log: _Log) -> str:
    """Wait for the run, polling its stop flag every second and the access rule every few
    seconds (when it also stores how much output has come, for the pages); the step that
    records a stop ("cancelled" or "stopped"), or "" when the run ended by itself."""
    next_check = time.monotonic() + access_check_seconds()
    step = ""
    while handle.wait(timeout=POLL_SECONDS) is None:
        if step:
            continue
        row = Run.objects.filter(pk=run.pk).values("stop_requested_at", "stop_reason").first()
        if row and row["stop_requested_at"] is not None:
            by_member = cancelled_by_member(row["stop_reason"])
            step = "cancelled" if by_member else "stopped"
            handle.cancel(row["stop_reason"] or "stopped")
            continue
        if time.monotonic() < next_check:
            continue
        next_check = time.monotonic() + access_check_seconds()
        Run.objects.filter(pk=run.pk).update(
            changed_at=timezone.now(), output_lines=log.lines, output_bytes=log.bytes
        )
        refusal = _access_refusal(run)
        if refusal:
            Run.objects.filter(pk=run.pk).update(
                stop_requested_at=timezone.now(), stop_reason=refusal[:300]
            )
            step = "stopped"
            handle.cancel("access ended")
    return step


def _record(run: Run) -> dict[str, Any]:
    return {"run": run.pk, "state": run.state, "words": run.words}


def own_log_folder() -> None:
    """The log folder is the service's own (0700): the sandbox's user never reaches it."""
    folder = log_path(0).parent
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


LOST = gettext_noop("not finished: the worker running it stopped; start the run again")


def settle_lost(*, person: Any = None, project: Any = None) -> list[int]:
    """Record as failed every open run (of `person`, of `project`) whose job has ended without
    recording it (its worker died; the jobs sweep failed the job)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    found = Run.objects.filter(
        state__in=[RunState.QUEUED.value, RunState.RUNNING.value]
    ).select_related("person")
    if person is not None:
        found = found.filter(person=person)
    if project is not None:
        found = found.filter(project=project)
    settled = []
    for run in found.exclude(task_id=""):
        status = (
            DBTaskResult.objects.filter(pk=run.task_id).values_list("status", flat=True).first()
        )
        if status is None or status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
            try:
                with in_language_of(run.person):
                    _fail(run, _(LOST))
            except RuleViolation:
                continue  # it moved on meanwhile
            settled.append(run.pk)
    return settled


def settle_lost_everywhere() -> list[int]:
    """The periodic sweep: every lost run of every project recorded as failed (each by its
    run's own audited step), and the pass audited when it found any."""
    from django.db import transaction

    from fivesafes.audit.services import record

    settled = settle_lost()
    if settled:
        with transaction.atomic():
            record(action="workspace.lost_runs_settled", actor=None, data={"runs": settled})
    return settled
