"""Who has access to what today, and why: one row per person and project (process 1 model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from fivesafes.people.access import AccessAnswer, project_access


@dataclass
class ReportRow:
    person: Any
    project: Any
    answer: AccessAnswer


def access_report(
    *, person: str | None = None, project: str | None = None, institution: str | None = None
) -> list[ReportRow]:
    """Every (person, project) pair with an agreement or a membership, filtered by any of
    username/e-mail, project number and institution name; each with its conditions today.

    Request-bound conditions (two-factor session, address) are checked at each request and so
    are not in the report; the agreement's allowed addresses are shown instead.
    """
    from fivesafes.accounts.models import User
    from fivesafes.projects.models import Project

    pairs: set[tuple[int, int]] = set()
    from fivesafes.people.models import ResearcherAgreement
    from fivesafes.projects.models import ProjectMembership

    agreements = ResearcherAgreement.objects.all()
    memberships = ProjectMembership.objects.all()
    if person:
        who = Q(username__iexact=person) | Q(email__iexact=person) | Q(full_name__icontains=person)
        ids = list(User.objects.filter(who).values_list("pk", flat=True))
        agreements = agreements.filter(researcher_id__in=ids)
        memberships = memberships.filter(person_id__in=ids)
    if project:
        agreements = agreements.filter(project__number__iexact=project)
        memberships = memberships.filter(project__number__iexact=project)
    if institution:
        where = Q(project__institution__name__icontains=institution) | Q(
            researcher__attachments__institution__name__icontains=institution
        )
        agreements = agreements.filter(where)
        memberships = memberships.filter(
            Q(project__institution__name__icontains=institution)
            | Q(person__attachments__institution__name__icontains=institution)
        )
    pairs |= set(agreements.values_list("researcher_id", "project_id"))
    pairs |= set(memberships.values_list("person_id", "project_id"))
    users = User.objects.in_bulk({p for p, _ in pairs})
    projects = Project.objects.select_related("institution").in_bulk({p for _, p in pairs})
    rows = [
        ReportRow(users[u], projects[p], project_access(users[u], projects[p])) for u, p in pairs
    ]
    rows.sort(key=lambda r: (r.person.username, r.project.number))
    return rows
