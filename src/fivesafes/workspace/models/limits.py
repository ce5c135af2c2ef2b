"""The sandbox limits staff set for one project's workspace (`services.limits.limits_for`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.shared.models import optional

__all__ = ["WorkspaceLimits"]


class WorkspaceLimits(models.Model):
    """One row per project whose limits differ from the office's defaults."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="workspace_limits"
    )
    cpu_seconds = models.PositiveIntegerField()
    memory_bytes = models.BigIntegerField()
    processes = models.PositiveIntegerField()
    file_size_bytes = models.BigIntegerField()
    wall_seconds = models.PositiveIntegerField()
    idle_minutes = models.PositiveIntegerField(
        help_text=_("JupyterLab sessions idle this long stop.")
    )
    set_by = optional()
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "workspace limits"

    def __str__(self) -> str:
        return f"Limits of {self.project.number}"
