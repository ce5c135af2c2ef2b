"""A publication from a project, registered by its researchers and scrutinised by the office (R23)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fivesafes.shared.models import optional


class Publication(models.Model):
    class Scrutiny(models.TextChoices):
        PENDING = "pending", "Waiting for scrutiny"
        NO_OBJECTION = "no_objection", "No objection"
        OBJECTION = "objection", "Objection"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="publications"
    )
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=300, blank=True)
    reference = models.CharField(
        max_length=300, blank=True, help_text="Journal, report series, DOI or URL."
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    scrutiny = models.CharField(max_length=20, choices=Scrutiny.choices, default=Scrutiny.PENDING)
    scrutiny_note = models.TextField(blank=True)
    scrutinised_by = optional()
    scrutinised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.project.number})"
