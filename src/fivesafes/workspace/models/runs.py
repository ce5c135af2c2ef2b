"""Batch runs of researchers' scripts and SQL in the sandbox (R20, R21).

A `Run` belongs to one member of one project. It keeps what was run (the kind and the script's
path as the member sees it, `/project/files/...` or `/project/private/...`), the limits it ran
under, how it ended in the sandbox's words (`fivesafes.sandbox.RunResult`), the resources it
used and the files it wrote into the work areas. Its output is kept in a log file outside the
project's areas (`DATA_DIR/workspace/runs/<id>.log`), never in the areas themselves. A stop
is asked for through `stop_requested_at` (and its reason), which the worker polls.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.models import InMachine, optional, state_field
from fivesafes.workspace.workflow import RUN, RunState

__all__ = ["Run", "RunKind"]


class RunKind(Labelled):
    PYTHON = "python", gettext_noop("Python script")
    R = "r", gettext_noop("R script")
    SQL = "sql", gettext_noop("SQL file (DuckDB, read-only)")


class Run(InMachine[RunState], models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="runs")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workspace_runs"
    )
    kind = models.CharField(max_length=10, choices=RunKind.choices())
    script = models.CharField(max_length=500, help_text=_("As the member sees it: /project/..."))
    machine = RUN
    state = state_field(RUN, max_length=12)
    limits = models.JSONField(default=dict, help_text=_("The sandbox limits it ran under."))
    task_id = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    stop_requested_at = models.DateTimeField(null=True, blank=True)
    stop_requested_by = optional()
    stop_reason = models.CharField(max_length=300, blank=True)

    stop = models.CharField(max_length=20, blank=True, help_text=_("The sandbox's Stop value."))
    words = models.CharField(max_length=500, blank=True, help_text=_("How it ended, in words."))
    exit_code = models.IntegerField(null=True, blank=True)
    signal = models.CharField(max_length=20, blank=True)
    cpu_seconds = models.FloatField(null=True, blank=True)
    max_rss_bytes = models.BigIntegerField(null=True, blank=True)
    wall_seconds = models.FloatField(null=True, blank=True)
    output_lines = models.PositiveIntegerField(default=0)
    output_bytes = models.BigIntegerField(default=0)
    files_written = models.JSONField(default=list, help_text=_("[{area, path, bytes}]"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "state"], name="workspace_run_project_state")]

    def __str__(self) -> str:
        return f"Run {self.pk} of project {self.project.number}"

    @property
    def is_open(self) -> bool:
        return self.state in (RunState.QUEUED.value, RunState.RUNNING.value)

    @property
    def kind_label(self) -> str:
        """The kind in the reader's language (the field's choices keep the English labels)."""
        try:
            return RunKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def script_name(self) -> str:
        return self.script.rsplit("/", 1)[-1]
