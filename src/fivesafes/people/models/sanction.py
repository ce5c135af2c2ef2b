"""Breach cases and the sanctions an approver decides on them (R24)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fivesafes.shared.models import optional

USER = settings.AUTH_USER_MODEL


class Breach(models.Model):
    """What happened, the evidence, and the approver's decision."""

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        DECIDED = "decided", _("Decided")
        DISMISSED = "dismissed", _("Dismissed: no breach")

    researcher = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="breaches")
    institution = optional("people.Institution", related_name="breaches")
    what_happened = models.TextField()
    evidence = models.TextField(
        help_text=_("Where the evidence is: log references, files, statements.")
    )
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.REPORTED)
    decided_by = optional()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"Breach B-{self.pk} by {self.researcher}"


class BreachEvidence(models.Model):
    """A file attached to a breach case: checked by content, stored under a random name."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=120, help_text=_("The sanitised name shown to staff."))
    stored_name = models.CharField(max_length=120, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} on breach B-{self.breach_id}"


class SanctionQuerySet(models.QuerySet["Sanction"]):
    def in_force(self, on: date | None = None) -> SanctionQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Sanction(models.Model):
    """An exclusion of a person, or a withdrawal of an institution's authorisation, for a period."""

    class Kind(models.TextChoices):
        EXCLUSION = "exclusion", _("Exclusion of the researcher")
        WITHDRAWAL = "withdrawal", _("Withdrawal of the institution's authorisation")

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = optional(related_name="sanctions")
    institution = optional("people.Institution", related_name="sanctions")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text=_("Empty: permanent."))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        until = self.ends_on or gettext("permanently")
        who = self.person or self.institution
        return gettext("%(kind)s: %(who)s until %(until)s") % {
            "kind": self.get_kind_display(),
            "who": who,
            "until": until,
        }
