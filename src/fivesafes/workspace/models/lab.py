"""JupyterLab sessions of a project member (see fivesafes.workspace.services.lab).

A `LabSession` is one JupyterLab server in the sandbox for one person in one project: it
belongs to that person alone. It records where its socket is, which process runs it and on
which machine, when it started, when it was last used through the proxy, and when and why it
ended. The token is never stored here: it lives in the session's 0400 configuration file on
the server (`sandbox.lab`); only its SHA-256 is kept, to tell sessions apart in the log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ENDING_WORDS", "Ending", "LabSession"]


class Ending:
    """Why a session ended (the `ending` field)."""

    STOPPED = "stopped"
    STOPPED_BY_STAFF = "staff"
    IDLE = "idle"
    ACCESS_ENDED = "access"
    FAILED = "failed"
    EXITED = "exited"
    RESTARTED = "restarted"


ENDING_WORDS = {
    Ending.STOPPED: _("Stopped by its owner"),
    Ending.STOPPED_BY_STAFF: _("Stopped by staff"),
    Ending.IDLE: _("Stopped after being idle"),
    Ending.ACCESS_ENDED: _("Stopped because access to the project ended"),
    Ending.FAILED: _("Did not start"),
    Ending.EXITED: _("The server stopped on its own"),
    Ending.RESTARTED: _("Lost when the research server restarted"),
}


class LabSession(models.Model):
    class State(models.TextChoices):
        STARTING = "starting", _("Starting")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    LIVE = (State.STARTING, State.RUNNING)

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="lab_sessions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lab_sessions"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.STARTING)
    key = models.CharField(max_length=32, unique=True, help_text=_("Names its host folder."))
    socket_path = models.CharField(max_length=255)
    token_sha256 = models.CharField(max_length=64, help_text=_("The token itself is never stored."))
    host = models.CharField(max_length=100, blank=True, help_text=_("The machine running it."))
    pid = models.PositiveIntegerField(null=True, blank=True, help_text=_("bubblewrap's host pid."))
    started_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ending = models.CharField(max_length=10, choices=list(ENDING_WORDS.items()), blank=True)
    ended_why = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(state__in=["starting", "running"]),
                name="one_live_lab_session_per_person_and_project",
            ),
        ]

    def __str__(self) -> str:
        return f"JupyterLab session {self.key[:8]} of project {self.project.number}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE
