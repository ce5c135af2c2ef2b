"""The project: number, title, owning institution, period, responsible researcher, members.

The access rule (`people/access.py`) reads number, institution and members. An approved
application creates the project with its approved scope (variables with years, population,
members, period); a change request (R16) updates it; closure (R25) ends it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fivesafes.projects.scope import Scope
from fivesafes.shared.models import optional


class Project(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    number = models.CharField(max_length=20, unique=True, help_text=_("e.g. P-2026-001"))
    title = models.CharField(max_length=200)
    institution = models.ForeignKey(
        "people.Institution", on_delete=models.PROTECT, related_name="projects"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responsible_projects"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ProjectMembership", related_name="projects"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    approved_scope = models.JSONField(
        default=dict, blank=True, help_text=_("The scope of the last decision (R16).")
    )
    deletion_deadline = models.DateField(
        null=True, blank=True, help_text=_("Data are deleted by this date after the end (R25).")
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = optional()
    closure_reason = models.TextField(blank=True)
    end_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    transfer_area_emptied_by = models.DateField(
        null=True, blank=True, help_text=_("Transfer areas are emptied six months after (R25).")
    )
    documentation_archived_at = models.DateTimeField(null=True, blank=True)
    archive_name = models.CharField(max_length=200, blank=True)
    data_deleted_on = models.DateField(null=True, blank=True)
    data_deleted_by = optional()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def scope(self) -> Scope:
        """The approved scope as a typed value (what later rooms read; stored as JSON)."""
        return Scope.from_dict(self.approved_scope)


class ProjectMembership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="project_memberships"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="one_membership_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.project}"
