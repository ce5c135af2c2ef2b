"""An institution (research or analysis environment) that applies to be authorised (R1, R2)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.people.rules import InstitutionKind
from fivesafes.shared.models import optional


class Institution(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=InstitutionKind.choices())
    country = models.CharField(
        max_length=2, default="DK", help_text=_("Two-letter country code (ISO 3166), e.g. DK.")
    )
    recognition = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Recognised by, e.g. a research council or Eurostat (leave empty if not)."),
    )
    address = models.TextField(blank=True)
    manager = optional(
        related_name="managed_institutions",
        help_text=_("The responsible manager, who signs the authorisation agreement."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_enum(self) -> InstitutionKind:
        return InstitutionKind(self.kind)

    def current_authorisation(self, on: date | None = None):  # noqa: ANN201 - Authorisation | None
        """The authorisation in force on `on` (today), or None."""
        from fivesafes.people.models.authorisation import Authorisation

        return Authorisation.objects.in_force(on).filter(institution=self).first()

    def is_authorised(self, on: date | None = None) -> bool:
        return self.current_authorisation(on) is not None
