"""The minimal project the access rule needs: number, title, owner, period, people.

The next issue (applications, decisions) extends it; here a project only says who owns it
(an institution, process 1 rule 2) and who is a member.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Project(models.Model):
    number = models.CharField(max_length=20, unique=True, help_text="e.g. P-2026-001")
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

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


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
