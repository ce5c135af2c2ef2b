"""Worker heartbeats and the progress of jobs (one row per django-tasks result)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class WorkerHeartbeat(models.Model):
    """A worker process that says it is alive by updating `last_seen` every few seconds."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"


class JobProgress(models.Model):
    """Who started a job, what it is called, and how far it has got."""

    task_result = models.OneToOneField(
        DBTaskResult, on_delete=models.CASCADE, primary_key=True, related_name="progress"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    title = models.CharField(max_length=200)
    fraction = models.FloatField(default=0.0, help_text=_("How much is done, from 0 to 1."))
    message = models.CharField(max_length=500, blank=True)
    retry_safe = models.BooleanField(
        default=False, help_text=_("May be started again if its worker dies while running it.")
    )
    restarts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "job progress"
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__gte=0) & Q(fraction__lte=1), name="fraction_0_to_1"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)


class ScheduledRun(models.Model):
    """One day's run of a scheduled job: the row is the claim, so each runs once a day."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_result = models.ForeignKey(
        DBTaskResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-day", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="one_scheduled_run_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.day}"
