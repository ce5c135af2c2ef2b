"""A publication from a project, registered by its researchers and scrutinised by the office (R23)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.projects.workflow import PUBLICATION, ScrutinyState
from fivesafes.shared.models import optional, state_field


class Publication(models.Model):
    # The states of the scrutiny's machine (`projects/workflow.py`), as `Publication.Scrutiny`.
    Scrutiny = ScrutinyState

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="publications"
    )
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=300, blank=True)
    reference = models.CharField(
        max_length=300, blank=True, help_text=_("Journal, report series, DOI or URL.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    scrutiny = state_field(PUBLICATION, max_length=20)
    scrutiny_note = models.TextField(blank=True)
    scrutinised_by = optional()
    scrutinised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.project.number})"

    def get_scrutiny_display(self) -> str:
        """The scrutiny's state in the reader's language (the choices keep the English labels)."""
        return ScrutinyState(self.scrutiny).label
