"""How the services walk a run's state machine: the lock, the fields its audit event shows,
what it is called in refusals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fivesafes.shared import workflow
from fivesafes.workspace.models import Run
from fivesafes.workspace.workflow import RUN


def describe(run: Run) -> str:
    return f"Run {run.pk} ({run.script_name})"


def hooks(before: Mapping[str, workflow.Hook] | None = None) -> workflow.Hooks:
    return workflow.Hooks(
        lock=lambda run: Run.objects.select_for_update().select_related("project").get(pk=run.pk),
        before=before or {},
        snapshot=("state",),
        describe=describe,
    )


def take(
    run: Run,
    step: str,
    *,
    actor: Any,
    hooks: workflow.Hooks,
    request: Any = None,
    note: str = "",
    **options: Any,
) -> Run:
    taken: Run = workflow.take_step(
        RUN, hooks, obj=run, step=step, actor=actor, note=note, request=request, **options
    )
    return taken
