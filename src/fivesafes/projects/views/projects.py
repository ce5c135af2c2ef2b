"""The project page with its timeline (decisions, changes, closure), and change requests (R16)."""

from __future__ import annotations

from itertools import chain

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import event_stream_for
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.forms import ChangeRequestForm
from fivesafes.projects.models import Application, Project
from fivesafes.projects.services import projects as service
from fivesafes.projects.services.closure import is_in_project
from fivesafes.projects.views.closure import CloseForm, PublicationForm, ScrutinyForm
from fivesafes.shared.pages import Refused, attempt, refuse


def scope_population(project: Project) -> list[str]:
    """The approved population's criteria in words, with the catalogue's labels."""
    from fivesafes.projects.rules.population import PopulationError, describe_all, from_dict
    from fivesafes.projects.services.population import catalogue_entries

    try:
        definition = from_dict(project.approved_scope.get("population") or {})
    except PopulationError:
        return []
    return describe_all(definition, catalogue_entries(definition.variables))


def may_see_project(user, project: Project) -> bool:  # noqa: ANN001
    return (
        can(user, Permission.VIEW_PROJECT_APPLICATIONS)
        or user.pk in (project.responsible_id, project.institution.manager_id)
        or project.memberships.filter(person=user).exists()
    )


def visible_projects(user) -> QuerySet[Project]:  # noqa: ANN001
    """Projects the person is responsible for, a member of or manages; all for staff who read
    applications (the same people `may_see_project` lets in)."""
    found = Project.objects.all()
    if not can(user, Permission.VIEW_PROJECT_APPLICATIONS):
        found = found.filter(
            Q(responsible=user) | Q(memberships__person=user) | Q(institution__manager=user)
        ).distinct()
    return found


def project_timeline(project: Project) -> list[AuditEvent]:
    """The events of the project and of its applications and change requests, oldest first."""
    applications = project.applications.all()
    return sorted(
        chain(event_stream_for(project), *(event_stream_for(a) for a in applications)),
        key=lambda e: e.sequence,
    )


@requires(Permission.VIEW_DASHBOARD)
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects the person is responsible for or a member of, or all for staff who read them."""
    found = visible_projects(request.user).select_related("institution", "responsible")
    state = request.GET.get("state", "")
    if state in Project.State.values:
        found = found.filter(state=state)
    return render(request, "projects/project_list.html", {"projects": found[:500], "state": state})


@requires(Permission.VIEW_DASHBOARD)
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("institution", "responsible"), pk=pk)
    if not may_see_project(request.user, project):
        return refuse(request, f"You are not a member of project {project.number}.")
    applications = list(project.applications.order_by("created_at"))
    events = project_timeline(project)
    return render(
        request,
        "projects/project.html",
        {
            "project": project,
            "applications": applications,
            "members": project.memberships.select_related("person"),
            "events": events,
            "scope": project.approved_scope,
            "population_lines": scope_population(project),
            "open_change": service.open_change_request(project),
            "may_change": project.responsible_id == request.user.pk
            and can(request.user, Permission.APPLY_FOR_PROJECTS)
            and not project.is_closed,
            "change_form": ChangeRequestForm(),
            "publications": project.publications.select_related("registered_by"),
            "may_close": not project.is_closed
            and (
                can(request.user, Permission.CLOSE_PROJECTS)
                or (
                    project.responsible_id == request.user.pk
                    and can(request.user, Permission.APPLY_FOR_PROJECTS)
                )
            ),
            "may_confirm_deletion": can(request.user, Permission.CLOSE_PROJECTS),
            "may_publish": can(request.user, Permission.WORK_IN_PROJECTS)
            and is_in_project(request.user, project),
            "may_scrutinise": can(request.user, Permission.RECORD_SCRUTINY),
            "close_form": CloseForm(),
            "publication_form": PublicationForm(),
            "scrutiny_form": ScrutinyForm(),
        },
    )


@require_POST
@requires(Permission.APPLY_FOR_PROJECTS)
def start_change(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = ChangeRequestForm(request.POST)
    summary = form.cleaned_data["summary"] if form.is_valid() else ""
    try:
        change = attempt(
            request,
            lambda: service.start_change_request(
                actor=request.user, project=project, summary=summary, request=request
            ),
        )
    except Refused as refused:
        if refused.response is not None:
            return refused.response
        return redirect("projects:project", pk=pk)
    messages.success(request, f"Change request {change.reference} started as a draft.")
    return redirect("projects:wizard", pk=change.pk, step="variables")


@require_POST
@requires(Permission.APPLY_FOR_PROJECTS)
def record_small_change(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(Application, pk=pk)
    try:
        project = attempt(
            request,
            lambda: service.record_small_change(actor=request.user, change=change, request=request),
        )
    except Refused as refused:
        if refused.response is not None:
            return refused.response
        return redirect("projects:wizard", pk=pk, step="submit")
    messages.success(request, "The change was recorded without a decision (it narrows the scope).")
    return redirect("projects:project", pk=project.pk)
