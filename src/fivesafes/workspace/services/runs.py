"""Starting, cancelling and stopping batch runs (R20, R21).

`start` checks the access rule, the script (a regular file of the shared files or the member's
private area, of the kind asked for) and the number of the member's open runs, then creates
the run with the project's limits, audits it and queues its job on the `workspace` queue, all
in one transaction (so long runs never wait behind deliveries or releases, nor block them). A
queued run is cancelled (by its member) or stopped (by staff, or when access ends) at once; a
running one is asked to stop through a flag the worker polls (`services/execution.py`), which
takes the step when the sandbox has gone.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes.audit.services import record
from fivesafes.policy import workspaces as policy
from fivesafes.sandbox import BATCH_KINDS
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import change
from fivesafes.workspace import areas, queries
from fivesafes.workspace.models import Run
from fivesafes.workspace.services import steps
from fivesafes.workspace.services.limits import limits_for
from fivesafes.workspace.workflow import RunState

SUFFIXES = {"python": (".py",), "r": (".r",), "sql": (".sql",)}
KIND_BY_SUFFIX = {suffix: kind for kind, found in SUFFIXES.items() for suffix in found}
# The stop reason of a run its member cancelled, written in the member's language; the worker
# tells a cancel from a stop by it (`cancelled_by_member`).
CANCELLED_BY_MEMBER = gettext_noop("cancelled by its member")


def max_open_runs() -> int:
    return int(getattr(settings, "FIVESAFES_WORKSPACE_MAX_OPEN_RUNS", 3))


def kind_of(script: str) -> str:
    """The kind a script's name says (`.py`, `.R`, `.sql`), or "" when it says none."""
    suffix = "." + script.rsplit(".", 1)[-1].lower() if "." in script else ""
    return KIND_BY_SUFFIX.get(suffix, "")


def _check_script(project: Any, person: Any, kind: str, script: str) -> tuple[str, str]:
    """The run's kind and its script's path inside the sandbox; refusals name `script` or
    `kind`."""
    try:
        area, relative = areas.inside_path(script)
        root = areas.area_root(areas.areas_for(project, person), area)
        areas.file_size(root, str(relative))  # a regular file of the area, reached without links
    except RuleViolation as refusal:
        raise RuleViolation(refusal.rule, "script", refusal.finding.message) from None
    kind = (kind or kind_of(script)).strip().lower()
    if kind not in BATCH_KINDS:
        raise RuleViolation(
            "R20",
            "kind",
            _("A batch run is a Python script (.py), an R script (.R) or a SQL file."),
        )
    if not str(relative).lower().endswith(SUFFIXES[kind]):
        raise RuleViolation(
            "R20",
            "script",
            _("A %(kind)s run needs a file ending in %(suffix)s.")
            % {"kind": kind, "suffix": ", ".join(SUFFIXES[kind])},
        )
    return kind, f"{areas.INSIDE[area]}/{relative}"


def _enqueue(run: Run, actor: Any, request: Any) -> None:
    from fivesafes.jobs.services import enqueue
    from fivesafes.workspace.tasks.runs import run_batch

    job = enqueue(
        run_batch,
        owner=actor,
        title=_("Run %(run)s of %(script)s in %(project)s")
        % {"run": run.pk, "script": run.script_name, "project": run.project.number},
        kwargs={"run_id": run.pk},
        retry_safe=False,
        request=request,
    )
    run.task_id = str(job.task_result_id)
    run.save(update_fields=["task_id"])


def start(*, actor: Any, project: Any, script: str, kind: str = "", request: Any = None) -> Run:
    """A member runs a script of the workspace as a batch job (see the module docstring)."""
    policy.check_enter_workspace(actor, project, request)
    kind, inside = _check_script(project, actor, kind, script)
    from fivesafes.workspace.services.execution import settle_lost

    settle_lost(person=actor)  # a run whose worker died no longer counts as open
    with transaction.atomic():
        if queries.open_runs(person=actor).select_for_update().count() >= max_open_runs():
            raise RuleViolation(
                "R20",
                "script",
                _("You have %(open)s runs queued or running; wait for one to end or cancel one.")
                % {"open": max_open_runs()},
            )
        limits = limits_for(project)
        run = Run.objects.create(
            project=project, person=actor, kind=kind, script=inside, limits=asdict(limits)
        )
        record(
            action="workspace.run_started",
            actor=actor,
            obj=run,
            after={"state": run.state, "kind": kind, "script": inside},
            data={"project": project.number, "limits": asdict(limits)},
            request=request,
        )
        _enqueue(run, actor, request)
    return run


def _ask_to_stop(run: Run, *, actor: Any, reason: str, request: Any) -> None:
    """A running run: the flag the worker polls (audited); it takes the step itself."""
    locked = Run.objects.select_for_update().get(pk=run.pk)
    if locked.stop_requested_at is not None or locked.state != RunState.RUNNING.value:
        return
    change(
        locked,
        {
            "stop_requested_at": timezone.now(),
            "stop_requested_by": actor,
            "stop_reason": reason[:300],
        },
        audit_action="workspace.run_stop_requested",
        actor=actor,
        request=request,
    )


def cancel(*, actor: Any, run: Run, request: Any = None) -> Run:
    """The member cancels their own run: a queued one at once, a running one by its flag."""
    policy.check_cancel_run(actor, run, request)
    with transaction.atomic():
        if run.state == RunState.QUEUED.value:
            return steps.take(run, "cancel", actor=actor, hooks=steps.hooks(), request=request)
        _ask_to_stop(run, actor=actor, reason=_(CANCELLED_BY_MEMBER), request=request)
    run.refresh_from_db()
    return run


def cancelled_by_member(reason: str) -> bool:
    """Whether a stop reason is the member's own cancel, in any of the interface languages."""
    said = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            said.add(_(CANCELLED_BY_MEMBER))
    return reason in said


def stop(*, actor: Any, run: Run, reason: str = "", request: Any = None) -> Run:
    """Staff stop a run (queued or running)."""
    policy.check_stop_run(actor, run)
    why = reason.strip() or _("stopped by staff")
    with transaction.atomic():
        if run.state == RunState.QUEUED.value:
            return steps.take(
                run, "stop", actor=actor, hooks=steps.hooks(), note=why, request=request
            )
        _ask_to_stop(run, actor=actor, reason=why, request=request)
    run.refresh_from_db()
    return run


def stop_runs(*, person: Any = None, project: Any = None, reason: str, actor: Any = None) -> int:
    """Access ended (a sanction, an agreement that lapsed, a closed project): every open run of
    `person` (in `project`, or everywhere) or of the whole `project` stops at once; how many."""
    if person is None and project is None:
        raise ValueError("stop_runs needs a person or a project")
    stopped = 0
    with transaction.atomic():
        for run in queries.open_runs(person=person, project=project):
            if run.state == RunState.QUEUED.value:
                steps.take(run, "stop", actor=actor, hooks=steps.hooks(), note=reason[:300])
            else:
                _ask_to_stop(run, actor=actor, reason=reason, request=None)
            stopped += 1
        if stopped:
            record(
                action="workspace.access_ended",
                actor=actor,
                obj=project if project is not None else person,
                data={
                    "reason": reason,
                    "runs_stopped": stopped,
                    "person": getattr(person, "pk", None),
                    "project": getattr(project, "number", None),
                },
            )
    return stopped
