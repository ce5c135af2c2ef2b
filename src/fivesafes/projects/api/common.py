"""What the safe-projects endpoints share: loading an application or a project through the
policy's check, calling a service on it, and answering with the object read afresh in a fixed
number of queries."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest

from fivesafes.policy import applications as applications_policy
from fivesafes.policy import projects as projects_policy
from fivesafes.projects import queries
from fivesafes.projects.models import Application, Project
from fivesafes.shared.api import act, load

T = TypeVar("T")

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


def on_application(
    request: HttpRequest, application_id: int, service: Callable[[Any, Application], T]
) -> T:
    """Load the application through its check and call `service(user, application)`, refusals
    mapped to the one error format; answers what the service returns."""
    return act(request, APPLICATIONS, application_id, service, check=applications_policy.check_see)


def on_project(request: HttpRequest, project_id: int, service: Callable[[Any, Project], T]) -> T:
    """As `on_application`, for a project."""
    return act(request, PROJECTS, project_id, service, check=projects_policy.check_see)


def change_application(
    request: HttpRequest, application_id: int, service: Callable[[Any, Application], Any]
) -> Application:
    """`on_application`, answering with the application as it is now."""

    def changed(user: Any, found: Application) -> Application:
        service(user, found)
        return found

    return afresh(on_application(request, application_id, changed))


def change_part(
    request: HttpRequest,
    application_id: int,
    part: Callable[[Application], Any],
    service: Callable[[Any, Any], Any],
) -> Application:
    """As `change_application`, for one part of the application (a variable line, a member, a
    source of external data): `part(application)` finds it (404 when there is none), then
    `service(user, part)` runs."""
    return change_application(
        request, application_id, lambda user, found: service(user, part(found))
    )
