"""The project page with its timeline (decisions, changes, closure), and change requests (R16)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from fivesafes.policy import projects as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects import queries
from fivesafes.projects.forms import ChangeRequestForm
from fivesafes.projects.models import Application, Project
from fivesafes.projects.services import projects as service
from fivesafes.projects.views.closure import CloseForm, PublicationForm, ScrutinyForm
from fivesafes.projects.views.common import posts
from fivesafes.shared.pages import refuse, run_action
from fivesafes.shared.refusals import AccessDenied


def scope_population(project: Project) -> list[str]:
    """The approved population's criteria in words, with the catalogue's labels."""
    from fivesafes.metadata.population import PopulationError, from_dict
    from fivesafes.projects.services.population import catalogue_entries, describe_all

    try:
        population = project.scope.population
        definition = from_dict({"unit": population.unit, "criteria": list(population.criteria)})
    except PopulationError:
        return []
    return describe_all(definition, catalogue_entries(definition.variables))


# Sections later rooms add to the project page (the delivery room lists the deliveries):
# registered at start-up (`add_panel`), so projects imports none of them. A panel answers the
# section's HTML for this person, or "" when it shows them nothing.
Panel = Callable[[HttpRequest, Project], str]
PANELS: list[Panel] = []


def add_panel(panel: Panel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


@requires(Permission.VIEW_DASHBOARD)
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects the person is responsible for or a member of, or all for staff who read them."""
    state = request.GET.get("state", "")
    found = queries.projects(request.user, state=state)
    return render(request, "projects/project_list.html", {"projects": found[:500], "state": state})


@requires(Permission.VIEW_DASHBOARD)
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("institution", "responsible"), pk=pk)
    try:
        policy.check_see(request.user, project)
    except AccessDenied as denied:
        return refuse(request, denied.reason, denied.status)
    applications = list(project.applications.order_by("created_at"))
    events = service.project_timeline(project)
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
            "may_change": policy.can_change(request.user, project),
            "change_form": ChangeRequestForm(),
            "publications": project.publications.select_related("registered_by"),
            "may_close": policy.can_close(request.user, project),
            "may_confirm_deletion": policy.can_confirm_deletion(request.user, project),
            "may_publish": policy.can_publish(request.user, project),
            "may_scrutinise": policy.can_scrutinise(request.user),
            "close_form": CloseForm(),
            "publication_form": PublicationForm(),
            "scrutiny_form": ScrutinyForm(),
            "panels": [html for panel in PANELS if (html := panel(request, project))],
        },
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def start_change(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = ChangeRequestForm(request.POST)
    summary = form.cleaned_data["summary"] if form.is_valid() else ""
    return run_action(
        request,
        lambda: service.start_change_request(
            actor=request.user, project=project, summary=summary, request=request
        ),
        done=lambda change: redirect("projects:wizard", pk=change.pk, step="variables"),
        failed=lambda: redirect("projects:project", pk=pk),
        success=lambda change: (
            _("Change request %(reference)s started as a draft.") % {"reference": change.reference}
        ),
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def record_small_change(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(Application, pk=pk)
    return run_action(
        request,
        lambda: service.record_small_change(actor=request.user, change=change, request=request),
        done=lambda project: redirect("projects:project", pk=project.pk),
        failed=lambda: redirect("projects:wizard", pk=pk, step="submit"),
        success=_("The change was recorded without a decision (it narrows the scope)."),
    )
