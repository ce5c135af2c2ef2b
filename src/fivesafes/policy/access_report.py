"""Who has access to what today, and why: one row per person and project (process 1 model).

Filter by person, project, institution or register. A register is reached through a project
whose approved scope (kept by safe projects, read here) holds variables of that register; the
row names those variables, so staff see which researchers reach the register, through which
project, and which condition lets them in or keeps them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from fivesafes.policy.project_access import AccessAnswer, project_access
from fivesafes.shared.refusals import RuleViolation


@dataclass
class ReportRow:
    person: Any
    project: Any
    answer: AccessAnswer
    variables: list[str] = field(default_factory=list)

    def registers(self) -> list[str]:
        return sorted({label.split(".", 1)[0] for label in self.variables})


def approved_variables(project: Any, register: str | None = None) -> list[str]:
    "The variable labels (REGISTER.NAME) of the project's approved scope, of one register if"
    "given."
    labels = sorted((project.approved_scope or {}).get("variables", {}))
    if register is None:
        return labels
    prefix = f"{register.upper()}."
    return [label for label in labels if label.upper().startswith(prefix)]


def known_register(name: str) -> str:
    """The catalogue's spelling of a register's short name, or a refusal naming the field."""
    from fivesafes.data.models import CatalogueRegister

    found = CatalogueRegister.objects.filter(short_name__iexact=name.strip()).first()
    if found is None:
        raise RuleViolation(
            "R26", "register", _("The catalogue has no register named '%(name)s'.") % {"name": name}
        )
    return found.short_name


def access_report(
    *,
    person: str | None = None,
    project: str | None = None,
    institution: str | None = None,
    register: str | None = None,
    only_with_access: bool = False,
) -> list[ReportRow]:
    """Every (person, project) pair with an agreement or a membership, filtered by any of
    username/e-mail/name, project number, institution name and register; each with its
    conditions today.

    Request-bound conditions (two-factor session, address) are checked at each request and so
    are not in the report; the agreement's allowed addresses are shown instead.
    """
    from fivesafes.accounts.models import User
    from fivesafes.people.models import ResearcherAgreement
    from fivesafes.projects.models import Project, ProjectMembership

    register_name = known_register(register) if register else None
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
        agreements = agreements.filter(
            Q(project__institution__name__icontains=institution)
            | Q(researcher__attachments__institution__name__icontains=institution)
        )
        memberships = memberships.filter(
            Q(project__institution__name__icontains=institution)
            | Q(person__attachments__institution__name__icontains=institution)
        )
    pairs = set(agreements.values_list("researcher_id", "project_id"))
    pairs |= set(memberships.values_list("person_id", "project_id"))
    projects = Project.objects.select_related("institution").in_bulk({p for _user, p in pairs})
    if register_name is not None:
        reaching = {pk for pk, p in projects.items() if approved_variables(p, register_name)}
        pairs = {(u, p) for u, p in pairs if p in reaching}
    users = User.objects.in_bulk({u for u, _project in pairs})
    rows = []
    for u, p in pairs:
        answer = project_access(users[u], projects[p])
        if only_with_access and not answer.allowed:
            continue
        rows.append(
            ReportRow(users[u], projects[p], answer, approved_variables(projects[p], register_name))
        )
    rows.sort(key=lambda r: (r.person.username, r.project.number))
    return rows
