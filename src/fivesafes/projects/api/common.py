"""What the safe-projects endpoints share: loading an application or a project through the
policy's check, and answering with the object read afresh in a fixed number of queries."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from fivesafes.policy import applications as applications_policy
from fivesafes.policy import projects as projects_policy
from fivesafes.projects import queries
from fivesafes.projects.models import Application, Project
from fivesafes.shared.api import call_service, caller, load

APPLICATIONS = queries.with_details(Application.objects.all())
PROJECTS = Project.objects.select_related("institution", "responsible").prefetch_related(
    "memberships__person"
)


def application(request: HttpRequest, application_id: int) -> Application:
    """The application (404 when there is none) the asker may see (403 otherwise)."""
    return load(request, APPLICATIONS, applications_policy.check_see, pk=application_id)


def project(request: HttpRequest, project_id: int) -> Project:
    """The project (404 when there is none) the asker may see (403 otherwise)."""
    return load(request, PROJECTS, projects_policy.check_see, pk=project_id)


def afresh(obj: Application) -> Application:
    """The application as it is now, with everything its answer shows."""
    return APPLICATIONS.get(pk=obj.pk)


def change_application(
    request: HttpRequest, application_id: int, service: Callable[[Any, Application], Any]
) -> Application:
    """Load the application through its check, call `service(user, application)` (refusals
    mapped to the one error format) and answer with the application as it is now."""
    found = application(request, application_id)
    call_service(lambda: service(caller(request), found))
    return afresh(found)
