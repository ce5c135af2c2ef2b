"""A delivery of data to a project, and the staff time spent on it (R11, R18, R25).

A `Delivery` is numbered within its project (1, 2, ...) and never edited once run: a change
request that widens the scope leads to a new delivery. It keeps the plan it ran (the
extraction core's `Plan.as_dict()`) and the scope it was planned from, its progress while the
worker runs it, and afterwards the files with their rows, bytes and SHA-256, the manifest, the
population and sample sizes, or the reason it failed. At most one delivery of a project runs
at a time (a constraint of the database, not only a check). `StaffTime` is time spent on a
delivery, booked against a line of the project's accepted quote.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.delivery.workflow import DELIVERY, DeliveryState
from fivesafes.shared.models import InMachine, state_field

USER = settings.AUTH_USER_MODEL


def _person(related: str = "+") -> Any:
    return models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name=related
    )


class Delivery(InMachine[DeliveryState], models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="deliveries"
    )
    number = models.PositiveIntegerField(help_text=_("1, 2, ... within the project."))
    machine = DELIVERY
    state = state_field(DELIVERY, max_length=12)
    scope = models.JSONField(default=dict, help_text=_("The approved scope it was planned from."))
    plan = models.JSONField(default=dict, help_text=_("The extraction plan (Plan.as_dict())."))
    description = models.JSONField(
        default=list, help_text=_("The plan in words (Plan.describe()), as reviewed.")
    )
    formats = models.JSONField(default=list, help_text=_("parquet, plus any copies asked for."))
    estimated_rows = models.BigIntegerField(null=True, blank=True)
    estimated_bytes = models.BigIntegerField(null=True, blank=True)
    estimated_seconds = models.FloatField(null=True, blank=True)
    engine = models.CharField(max_length=10, blank=True)

    planned_at = models.DateTimeField(default=timezone.now)
    planned_by = _person()
    requested_at = models.DateTimeField(null=True, blank=True)
    requested_by = _person()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, help_text=_("The worker's job."))

    stage = models.CharField(max_length=100, blank=True)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)

    population_size = models.BigIntegerField(null=True, blank=True)
    sample_size = models.BigIntegerField(null=True, blank=True)
    files = models.JSONField(default=list, help_text=_("[{name, rows, bytes, sha256}]"))
    manifest = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="delivery_number_once_per_project"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(state=DeliveryState.RUNNING.value),
                name="one_running_delivery_per_project",
            ),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Delivery {self.number} of project {self.project.number}"

    @property
    def rows(self) -> int:
        return sum(int(f.get("rows") or 0) for f in self.files)

    @property
    def bytes(self) -> int:
        return sum(int(f.get("bytes") or 0) for f in self.files)

    @property
    def percent(self) -> int:
        if self.state_enum is DeliveryState.DELIVERED:
            return 100
        return round(100 * self.done / self.total) if self.total else 0


class StaffTime(models.Model):
    """Hours of the office's staff on a delivery, against a line of the accepted quote (R18)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="staff_time")
    quote = models.ForeignKey("projects.Quote", on_delete=models.PROTECT, related_name="+")
    line = models.CharField(max_length=40, help_text=_("The quote line's price-list code."))
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "staff time"

    def __str__(self) -> str:
        return f"{self.hours} h on {self.line} for {self.delivery}"


class ExternalUpload(models.Model):
    """External data for a delivery (R15): a one-time link a data owner uses to send one source
    the approved scope names, and what became of the file. Only the SHA-256 of the link's
    token is kept. The raw file is deleted as soon as it is read and checked; the checked copy
    (keyed by person number) is deleted once the delivery has linked it in, or when the link
    expires or the delivery is discarded. The report holds counts, never identifiers."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Link sent, waiting for the file")
        RECEIVED = "received", _("Received and checked, waiting for the delivery")
        LINKED = "linked", _("Linked into the delivery")
        EXPIRED = "expired", _("Link expired unused")
        CANCELLED = "cancelled", _("Cancelled")

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="uploads")
    source = models.CharField(max_length=200, help_text=_("The source as the scope names it."))
    table_name = models.CharField(max_length=64, help_text=_("<NAME>.parquet in the delivery."))
    owner = models.CharField(max_length=200, help_text=_("Who holds the data and uploads it."))
    state = models.CharField(max_length=10, choices=State.choices, default=State.ISSUED)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_by = _person()
    created_at = models.DateTimeField(default=timezone.now)
    agreement_reference = models.CharField(max_length=100, blank=True)
    file_name = models.CharField(max_length=200, blank=True, help_text=_("As the owner sent it."))
    file_bytes = models.BigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True, help_text=_("Counts, never identifiers."))
    checked_path = models.CharField(max_length=500, blank=True)
    # Distributed linking (seed 004): "serial" when the owner's file is keyed by the serials of
    # a scrambling-key file issued over the project's population (its record's path here)
    # instead of by person number; the key file is deleted when the upload ends.
    keyed_by = models.CharField(
        max_length=10,
        choices=[("person", _("Person number")), ("serial", _("Serial"))],
        default="person",
    )
    scrambling_key = models.CharField(max_length=500, blank=True)
    key_deleted_at = models.DateTimeField(null=True, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_rows = models.BigIntegerField(null=True, blank=True)
    raw_deleted_at = models.DateTimeField(null=True, blank=True)
    checked_deleted_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivery", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "table_name"],
                condition=~Q(state__in=["expired", "cancelled"]),
                name="one_live_upload_per_source_and_delivery",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} for {self.delivery}"

    @property
    def state_label(self) -> str:
        return str(self.State(self.state).label)


class Reidentification(models.Model):
    """Going back from a project's pseudonym to the person number (R14): one member of staff
    asks, stating the reason; a different one, outside the project, approves or refuses; only
    then is the person number worked out, shown to the one who asked, once. The number itself
    is never stored and never written to the audit log."""

    class State(models.TextChoices):
        ASKED = "asked", _("Waiting for a second person")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        SHOWN = "shown", _("Shown to the one who asked")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="reidentifications"
    )
    pseudonym = models.BigIntegerField()
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASKED)
    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    decided_by = _person()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return f"Re-identification {self.pk} in project {self.project.number}"
