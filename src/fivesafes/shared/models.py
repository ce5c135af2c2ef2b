"""Model pieces the rooms repeat: a link that may be empty, and a question answered once.

Nothing here is a table of its own: `Question` is abstract, and each room's model adds the
object asked about and the question's text.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


def optional(to: Any = USER, related_name: str = "+", **more: Any) -> models.ForeignKey[Any, Any]:
    """A link that may be empty and keeps what it points at from being deleted (a person by
    default; `related_name="+"` by default: no way back)."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.PROTECT, related_name=related_name, **more
    )


class Question(models.Model):
    """Asked by someone at a time, answered once: the answer, who gave it and when."""

    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = optional()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["asked_at", "pk"]

    def record_answer(self, text: str, by: Any) -> None:
        """Store `text` as the answer given by `by` now (the caller holds the row's lock)."""
        self.answer, self.answered_by, self.answered_at = text, by, timezone.now()
        self.save(update_fields=["answer", "answered_by", "answered_at"])
