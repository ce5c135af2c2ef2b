"""Who may see a project, ask to change it, close it, and register or scrutinise its
publications (R16, R23, R25): `check_x` raises the refusal, `can_x` answers True/False."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fivesafes.policy.permissions import Permission, holds, pk_of
from fivesafes.projects.models import Project, Publication
from fivesafes.shared.refusals import AccessDenied, RuleViolation, passes, unseen


def is_in_project(person: Any, project: Project) -> bool:
    """The responsible researcher and the members."""
    return (
        project.responsible_id == pk_of(person)
        or project.memberships.filter(person_id=pk_of(person)).exists()
    )


def can_see(person: Any, project: Project) -> bool:
    """Staff who read applications, the responsible researcher, members and the manager."""
    return (
        holds(person, Permission.VIEW_PROJECT_APPLICATIONS)
        or pk_of(person) in (project.responsible_id, project.institution.manager_id)
        or is_in_project(person, project)
    )


def check_see(person: Any, project: Project) -> None:
    if not can_see(person, project):
        raise unseen(_("project"))


def visible_to(person: Any, found: QuerySet[Project]) -> QuerySet[Project]:
    """The rows of `found` that `can_see` lets the person see (the same rule, as a filter)."""
    if holds(person, Permission.VIEW_PROJECT_APPLICATIONS):
        return found
    pk = pk_of(person)
    return found.filter(
        Q(responsible_id=pk) | Q(memberships__person_id=pk) | Q(institution__manager_id=pk)
    ).distinct()


def check_change(person: Any, project: Project) -> None:
    """R16: the responsible researcher asks for changes to an active project."""
    if not holds(person, Permission.APPLY_FOR_PROJECTS) or project.responsible_id != pk_of(person):
        raise AccessDenied(
            _("Only the responsible researcher of %(project)s asks for changes.")
            % {"project": project.number}
        )
    if project.is_closed:
        raise RuleViolation(
            "R16", "project", _("Project %(project)s is closed.") % {"project": project.number}
        )


def can_change(person: Any, project: Project) -> bool:
    return passes(lambda: check_change(person, project))


def check_close(person: Any, project: Project) -> None:
    """R25: staff who close projects, or the responsible researcher, close an active one."""
    responsible = project.responsible_id == pk_of(person) and holds(
        person, Permission.APPLY_FOR_PROJECTS
    )
    if not responsible and not holds(person, Permission.CLOSE_PROJECTS):
        raise AccessDenied(
            _(
                "Only the responsible researcher of %(project)s or staff who close projects "
                "close it."
            )
            % {"project": project.number}
        )


def can_close(person: Any, project: Project) -> bool:
    return not project.is_closed and passes(lambda: check_close(person, project))


def can_confirm_deletion(person: Any, project: Project) -> bool:
    return holds(person, Permission.CLOSE_PROJECTS)


def check_publish(person: Any, project: Project) -> None:
    """R23: a researcher of the project registers its publications (also after closure)."""
    if not holds(person, Permission.WORK_IN_PROJECTS) or not is_in_project(person, project):
        raise AccessDenied(
            _("You are not a member of project %(project)s.") % {"project": project.number}
        )


def can_publish(person: Any, project: Project) -> bool:
    return passes(lambda: check_publish(person, project))


def check_scrutinise(person: Any, publication: Publication) -> None:
    """R23 with four eyes: the office's scrutiny is not by whoever registered it."""
    if not holds(person, Permission.RECORD_SCRUTINY):
        raise AccessDenied(_("Your roles do not include recording the scrutiny of publications."))
    if publication.registered_by_id == pk_of(person):
        raise RuleViolation(
            "R17", "scrutiny", _("Four eyes: you registered this publication yourself.")
        )


def can_scrutinise(person: Any, publication: Publication | None = None) -> bool:
    if publication is None:
        return holds(person, Permission.RECORD_SCRUTINY)
    return passes(lambda: check_scrutinise(person, publication))
