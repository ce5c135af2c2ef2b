"""What the safe-projects operations share: the application and the project read with all
their answer shows (in a fixed number of queries), loaded through the policy's check, and the
makers of the operations that change them."""

from collections.abc import Callable
from typing import Any

from fivesafes.policy import applications as applications_policy
from fivesafes.policy import projects as projects_policy
from fivesafes.projects import queries
from fivesafes.projects.models import Application, Project
from fivesafes.shared.api import Answer, Call, Fields, Run, act, body, on

APPLICATIONS = queries.with_details(Application.objects.all())
PROJECTS = Project.objects.select_related("institution", "responsible").prefetch_related(
    "memberships__person"
)


def afresh(obj: Application) -> Application:
    """The application as it is now, with everything its answer shows."""
    return APPLICATIONS.get(pk=obj.pk)


def on_application(
    service: Callable[..., Any],
    keyword: str = "application",
    fields: Fields = body,
    answer: Answer | None = None,
) -> Run:
    """Run `service` on the application at the path's id, loaded for someone who may see it."""
    check = applications_policy.check_see
    return on(APPLICATIONS, keyword, service, check=check, fields=fields, answer=answer)


def on_project(
    service: Callable[..., Any], fields: Fields = body, answer: Answer | None = None
) -> Run:
    """As `on_application`, for a project."""
    check = projects_policy.check_see
    return on(PROJECTS, "project", service, check=check, fields=fields, answer=answer)


def project_now(call: Call, _done: Any) -> Project:
    """The project at the path's id as it is now (the answer of a change to it)."""
    return PROJECTS.get(pk=call.pk)


def change(
    service: Callable[..., Any],
    keyword: str = "application",
    part: Callable[[Call, Application], Any] | None = None,
    fields: Fields = body,
) -> Run:
    """Change the application at the path's id, or with `part` one piece of it (a variable
    line, a member, a source of external data: `part(call, application)` finds it, 404 when
    there is none), by `service(actor=, request=, <keyword>=it, **fields(call))`; answer with
    the application as it is now."""

    def run(call: Call) -> Application:
        values = fields(call)

        def changed(user: Any, found: Application) -> Application:
            target = found if part is None else part(call, found)
            service(actor=user, request=call.request, **{keyword: target}, **values)
            return found

        check = applications_policy.check_see
        return afresh(act(call.request, APPLICATIONS, call.pk, changed, check=check))

    return run
