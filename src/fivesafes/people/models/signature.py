"""What every signature record holds: who signed, when, and which document (its hash)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Signature(models.Model):
    """A signature on a document; the concrete model adds what was signed and the `party`
    (a `Party` choice of its own)."""

    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    document_sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_party_display()} signed by {self.signer}"
