"""A researcher's attachment to an institution, or affiliation as a foreign researcher (R7)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.shared.models import optional

USER = settings.AUTH_USER_MODEL


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def current(self, on: date | None = None) -> AttachmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Attachment(models.Model):
    """The researcher belongs to the institution from `starts_on` until `ends_on` (open: today).

    A foreign researcher is *affiliated*: the manager accepts responsibility and names a
    contact person; until then the affiliation gives no access.
    """

    class Kind(models.TextChoices):
        ATTACHED = "attached", _("Attached (employed)")
        AFFILIATED = "affiliated", _("Affiliated foreign researcher")

    researcher = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="attachments")
    institution = models.ForeignKey(
        "people.Institution", on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ATTACHED)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    working_abroad = models.BooleanField(
        default=False,
        help_text=_("Works abroad for a period, under the institution's responsibility."),
    )
    contact_person = optional()
    accepted_by = optional()
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_by = optional()

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.researcher} at {self.institution} ({self.get_kind_display()})"

    def runs_on(self, on: date | None = None) -> bool:
        """Whether the attachment runs on `on` (today): started and not yet ended."""
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    @property
    def is_accepted(self) -> bool:
        """An attachment counts at once; an affiliation once the manager accepted it."""
        if self.kind == self.Kind.AFFILIATED:
            return self.accepted_at is not None and self.contact_person_id is not None
        return True
