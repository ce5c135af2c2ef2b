"""The price list staff edit, and the quote offered for an approved application (R18)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fivesafes.projects.workflow import QUOTE, QuoteState
from fivesafes.shared.models import optional, state_field


class PriceItem(models.Model):
    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    unit = models.CharField(max_length=40)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = optional()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.unit_price} per {self.unit}"


class Quote(models.Model):
    # The states of the quote's machine (`projects/workflow.py`), as `Quote.State`.
    State = QuoteState

    application = models.ForeignKey(
        "projects.Application", on_delete=models.PROTECT, related_name="quotes"
    )
    state = state_field(QUOTE, max_length=12)
    lines = models.JSONField(default=list)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    delivery_days = models.PositiveIntegerField()
    estimated_delivery_on = models.DateField()
    invoice_to = models.ForeignKey("people.Institution", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    accepted_by = optional()
    accepted_at = models.DateTimeField(null=True, blank=True)
    contract_name = models.CharField(max_length=200, blank=True)
    contract_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"Quote Q-{self.pk} for {self.application.reference}: {self.total} DKK"

    def get_state_display(self) -> str:
        """The state in the reader's language (the field's choices keep the English labels)."""
        return QuoteState(self.state).label

    @property
    def reference(self) -> str:
        return f"Q-{self.pk or 0:05d}"


class Invoice(models.Model):
    """The invoice for an accepted quote, addressed to the institution that owns the project
    (R7, R18: for affiliated foreign researchers, the domestic institution)."""

    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="invoice")
    number = models.CharField(max_length=20, unique=True)
    addressed_to = models.ForeignKey(
        "people.Institution", on_delete=models.PROTECT, related_name="+"
    )
    address = models.TextField(blank=True)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"Invoice {self.number} to {self.addressed_to}: {self.total} DKK"
