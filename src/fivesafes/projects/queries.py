"""The safe-projects lists, written once for the pages and the API: applications (the office's
cases and a person's own), projects, quotes and the publications waiting for scrutiny.

Each list has one validation of its filters and one ordering. Who may see which rows is the
same rule as the policy's `can_see` (`fivesafes.policy.applications`, `.projects`), written
here as a filter so a list is one query however many rows it has.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.policy.permissions import Permission, holds
from fivesafes.projects.models import (
    Application,
    ApplicationMember,
    Project,
    ProjectMembership,
    Publication,
    Quote,
)
from fivesafes.projects.workflow import OPEN_STATES, ApplicationState

V = TypeVar("V", Application, Project)

# Filters of the staff lists: handler ("mine", "none" or a user name) and due ("overdue", "week").
DUE_FILTERS = {"overdue": _("Overdue"), "week": _("Due within 7 days")}
STATES = {s.value for s in ApplicationState}
# The office's cases: the earliest due first, then the earliest submitted.
CASE_ORDER = (F("due_on").asc(nulls_last=True), "submitted_at", "pk")


def sees_all_applications(person: Any) -> bool:
    return holds(person, Permission.VIEW_PROJECT_APPLICATIONS)


def _visible(found: QuerySet[V], person: Any, *links: str) -> QuerySet[V]:
    """All of `found` for staff who read applications; otherwise the rows whose person at one
    of the lookups `links` is `person`, each row once."""
    if sees_all_applications(person):
        return found
    pk = getattr(person, "pk", None)
    linked = Q()
    for link in links:
        linked |= Q(**{link: pk})
    return found.filter(linked).distinct()


def visible_applications(person: Any) -> QuerySet[Application]:
    """Applications the person may see: all for staff who read them; otherwise those they
    applied for, are a member of, or whose institution they manage."""
    return _visible(
        Application.objects.all(),
        person,
        "applicant_id",
        "members__person_id",
        "institution__manager_id",
    )


def filter_cases(
    found: QuerySet[Application], *, person: Any, handler: str = "", due: str = ""
) -> QuerySet[Application]:
    """Narrow a list of applications by handler ("mine", "none", a user name) and due date."""
    today = timezone.localdate()
    if handler == "mine":
        found = found.filter(case_handler=person)
    elif handler == "none":
        found = found.filter(case_handler__isnull=True)
    elif handler:
        found = found.filter(case_handler__username=handler)
    open_states = [s.value for s in OPEN_STATES]
    if due == "overdue":
        found = found.filter(due_on__lt=today, state__in=open_states)
    elif due == "week":
        found = found.filter(
            due_on__gte=today, due_on__lte=today + timedelta(days=7), state__in=open_states
        )
    return found


def applications(
    person: Any, *, state: str = "", handler: str = "", due: str = ""
) -> QuerySet[Application]:
    """The application list of the review page and of `GET /applications`.

    `state` is "all", one state, or anything else for the default: for staff who read
    applications the cases waiting for the office, for others all of their own. Staff filter
    besides by handler and due date. The earliest due come first.
    """
    found = visible_applications(person).select_related(
        "institution", "applicant", "project", "case_handler"
    )
    if state in STATES:
        found = found.filter(state=state)
    elif state != "all" and sees_all_applications(person):
        found = found.filter(state__in=[s.value for s in OPEN_STATES])
    if sees_all_applications(person):
        found = filter_cases(found, person=person, handler=handler, due=due)
    return found.order_by(*CASE_ORDER)


def with_details(found: QuerySet[Application]) -> QuerySet[Application]:
    """Everything an application's full answer shows, fetched in a fixed number of queries."""
    return found.select_related(
        "institution", "applicant", "project", "case_handler", "protocol", "dpia"
    ).prefetch_related(
        "variables",
        "external_data",
        Prefetch("members", queryset=ApplicationMember.objects.select_related("person")),
        "questions__asked_by",
        "questions__answered_by",
        Prefetch(
            "quotes",
            queryset=Quote.objects.select_related("application", "accepted_by", "invoice_to"),
        ),
    )


def visible_projects(person: Any) -> QuerySet[Project]:
    """Projects the person is responsible for, a member of or manages; all for staff who read
    applications (the same people `policy.projects.can_see` lets in)."""
    return _visible(
        Project.objects.all(),
        person,
        "responsible_id",
        "memberships__person_id",
        "institution__manager_id",
    )


def projects(person: Any, *, state: str = "") -> QuerySet[Project]:
    """The project list of the page and of `GET /projects`: an unknown state is no filter."""
    found = visible_projects(person).select_related("institution", "responsible")
    if state in Project.State.values:
        found = found.filter(state=state)
    return found.prefetch_related(
        Prefetch("memberships", queryset=ProjectMembership.objects.select_related("person"))
    ).order_by("number")


def quotes_of(application: Application) -> QuerySet[Quote]:
    return application.quotes.select_related("application", "accepted_by", "invoice_to")


def scrutiny_queue() -> QuerySet[Publication]:
    """Publications waiting for the office's scrutiny, the latest registered first."""
    return (
        Publication.objects.filter(scrutiny=Publication.Scrutiny.PENDING)
        .select_related("project", "registered_by")
        .order_by("-registered_at", "-pk")
    )
