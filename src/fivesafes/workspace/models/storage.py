"""The last measurement of a project's workspace storage (files and bytes per area), so the
staff overview reads figures instead of walking every project's folders on each load. Written
by `services.storage` when a run ends and by the periodic storage job."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

__all__ = ["StorageMeasure"]


class StorageMeasure(models.Model):
    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="workspace_storage"
    )
    # [{"area": "files", "files": 3, "bytes": 1200}, ...] in the order of `areas.AREAS`
    areas = models.JSONField(default=list)
    measured_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "workspace storage measure"

    def __str__(self) -> str:
        return f"Storage of {self.project_id} at {self.measured_at:%Y-%m-%d %H:%M}"
