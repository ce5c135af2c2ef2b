"""An uploaded document (protocol, DPIA): checked by content, stored under a generated name."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UploadedDocument(models.Model):
    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("Protocol or project description")
        DPIA = "dpia", _("Data protection impact assessment")
        OTHER = "other", _("Other document")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    original_name = models.CharField(max_length=120, help_text=_("The sanitised name given."))
    stored_name = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"
