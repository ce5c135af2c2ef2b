"""The researcher agreement per project (R8): period, allowed networks, two signatures."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fivesafes.people.models.signature import Signature
from fivesafes.shared.models import optional

USER = settings.AUTH_USER_MODEL
_UNKNOWN = object()


class ResearcherAgreement(models.Model):
    """Access for one researcher to one project, under one authorisation of the institution.

    It lapses by itself: when its period ends, or the authorisation it was made under is no
    longer the institution's authorisation in force (expired, withdrawn or changed).
    """

    researcher = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="agreements")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="agreements"
    )
    authorisation = models.ForeignKey(
        "people.Authorisation", on_delete=models.PROTECT, related_name="researcher_agreements"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    allowed_networks = models.TextField(
        help_text=_("Allowed IP addresses or CIDR ranges, one per line (e.g. 192.0.2.0/24).")
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    researcher_signed_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = optional()
    countersigned_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    document = models.CharField(
        max_length=300, blank=True, help_text=_("The agreement as a PDF, in the file storage.")
    )
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        help_text=_("The language the document was written in; its signed copy uses it too."),
    )

    class Meta:
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return f"Agreement R-{self.pk}: {self.researcher} in {self.project}"

    def status(self, on: date | None = None) -> tuple[bool, str]:
        """(current, why) for this agreement on `on` (today)."""
        day = on or timezone.localdate()
        if self.ended_at is not None:
            reason = self.end_reason or gettext("no reason given")
            return False, gettext("the agreement was ended (%(reason)s)") % {"reason": reason}
        if self.researcher_signed_at is None:
            return False, gettext("the researcher has not signed the agreement")
        if self.countersigned_at is None:
            return False, gettext("the institution's manager has not countersigned the agreement")
        if day < self.starts_on:
            return False, gettext("the access period starts on %(day)s") % {"day": self.starts_on}
        if day > self.ends_on:
            return False, gettext("the access period ended on %(day)s") % {"day": self.ends_on}
        # A list may have asked the database for today's authorisation in force already.
        in_force = getattr(self, "in_force_id", _UNKNOWN) if on is None else _UNKNOWN
        if in_force is _UNKNOWN:
            current = self.authorisation.institution.current_authorisation(day)
            in_force = current.pk if current is not None else None
        if in_force != self.authorisation_id:
            return False, gettext(
                "the institution's authorisation it was made under has expired or changed, "
                "so it lapsed (R8)"
            )
        return True, gettext("signed and countersigned, valid %(start)s to %(end)s") % {
            "start": self.starts_on,
            "end": self.ends_on,
        }


class AgreementSignature(Signature):
    """The researcher's signature or the manager's countersignature, naming the document."""

    class Party(models.TextChoices):
        RESEARCHER = "researcher", _("The researcher")
        INSTITUTION = "institution", _("The institution's manager")

    agreement = models.ForeignKey(
        ResearcherAgreement, on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
