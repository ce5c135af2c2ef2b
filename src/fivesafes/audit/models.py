"""Audit events and the head of their hash chain.

An event is never changed or deleted once written: the model refuses it here, and triggers
refuse it in the database itself (migration 0002 on PostgreSQL, 0003 on SQLite). The one change
the database allows is Django's SET_NULL of `actor` when a person's account is deleted;
`actor_pk` and `actor_label`, which the hash covers, keep who it was.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete a written audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, when, and from where."""

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_pk = models.BigIntegerField(
        null=True, blank=True, editable=False, help_text=_("The person's id at the time.")
    )
    actor_label = models.CharField(
        max_length=150, blank=True, editable=False, help_text=_("The username at the time.")
    )
    action = models.CharField(max_length=100, db_index=True, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    object_label = models.CharField(max_length=200, blank=True, editable=False)
    before = models.JSONField(null=True, blank=True, editable=False)
    after = models.JSONField(null=True, blank=True, editable=False)
    data = models.JSONField(default=dict, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"Audit event #{self.sequence} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"Audit event #{self.sequence} cannot be deleted.")

    @property
    def object_ref(self) -> str:
        return f"{self.object_type}:{self.object_id}" if self.object_type else ""


class AuditChainHead(models.Model):
    """The single row that holds the chain's last sequence number and hash.

    `record` locks it (SELECT ... FOR UPDATE) so that appends are serialised, and `verify`
    compares the last event with it, so removing events from the end is noticed too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    genesis = models.CharField(
        max_length=64, blank=True, help_text=_("The hash of event #1: the chain's identity.")
    )

    def __str__(self) -> str:
        return f"audit chain at #{self.sequence}"


class RefusalWindow(models.Model):
    """How many refusals of anonymous requests one source had in the current minute.

    Up to a limit they are recorded one by one; the rest are only counted here and recorded as
    one summary event when the window has closed (see `services.record_refusal`). One row per
    source (an IPv4 address, an IPv6 /64, or `*` for all sources together), locked while it is
    updated, so several server processes count together.
    """

    source = models.CharField(max_length=150, unique=True)
    window_start = models.DateTimeField()
    recorded = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0, db_index=True)
    reasons = models.JSONField(default=dict, blank=True)
    last_ip = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refusals from {self.source} since {self.window_start}"
