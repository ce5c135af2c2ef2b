"""The certification test on the data-security rules (R9): question bank and results."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.people.rules import CERTIFICATION_VALID_DAYS
from fivesafes.shared.models import optional

PASS_MARK = 0.8


class CertificationQuestion(models.Model):
    """One multiple-choice question, edited by the office's staff."""

    text = models.TextField()
    choices = models.JSONField(help_text=_("The answers to choose from, in order."))
    correct_choice = models.PositiveSmallIntegerField(
        help_text=_("Position of the right answer, from 0.")
    )
    active = models.BooleanField(default=True)
    edited_by = optional()
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class CertificationAttempt(models.Model):
    """One taken test; kept whether passed or not."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certification_attempts"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    pass_mark = models.FloatField(default=PASS_MARK)
    passed = models.BooleanField()
    answers = models.JSONField(default=dict)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person}: {self.correct}/{self.total} on {self.taken_at:%Y-%m-%d}"

    @property
    def valid_until(self) -> date:
        return timezone.localdate(self.taken_at) + timedelta(days=CERTIFICATION_VALID_DAYS)
