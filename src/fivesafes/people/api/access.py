"""`/my-access`, `/projects/{id}/access`, `/access-report`: who may work where today, and why."""

from dataclasses import dataclass
from typing import Any

from ninja import Query

from fivesafes.api.operations import Op, routes
from fivesafes.people.api.schemas import AccessOut, ReportRowOut
from fivesafes.policy.access_report import ReportRow, access_report
from fivesafes.policy.permissions import Permission as P
from fivesafes.policy.project_access import (
    AccessAnswer,
    check_may_ask_about,
    project_access,
    projects_within_reach,
)
from fivesafes.projects.models import Project
from fivesafes.shared.api import Call, call_service, load


@dataclass(frozen=True)
class AccessRow:
    """One person, one project, and the access rule's answer for them now."""

    person: Any
    project: Any
    answer: AccessAnswer


def _row(call: Call, project: Project) -> AccessRow:
    return AccessRow(call.user, project, project_access(call.user, project, request=call.request))


def _mine(call: Call) -> list[AccessRow]:
    return [_row(call, project) for project in projects_within_reach(call.user)]


def _one(call: Call) -> AccessRow:
    found = Project.objects.select_related("institution")
    return _row(call, load(call.request, found, check_may_ask_about, pk=call.pk))


def _report(call: Call) -> list[ReportRow]:
    asked = call.params
    return call_service(
        lambda: access_report(
            person=asked["person"] or None,
            project=asked["project"] or None,
            institution=asked["institution"] or None,
            register=asked["register_name"] or None,
            only_with_access=asked["only_with_access"],
        )
    )


router = routes(
    __name__,
    [
        Op("GET", "/my-access", list[AccessOut], "My projects: access today and why",
           P.WORK_IN_PROJECTS, _mine, "my_access", paged=True),
        Op("GET", "/projects/{project_id}/access", AccessOut, "May I work in this project now?",
           P.WORK_IN_PROJECTS, _one, "project_access_now"),
        Op("GET", "/access-report", list[ReportRowOut], "Who has access to what today, and why",
           P.VIEW_ACCESS_REPORT, _report, "report", paged=True,
           params={
               "person": (str, ""),
               "project": (str, ""),
               "institution": (str, ""),
               "register_name": (str, Query("", alias="register")),
               "only_with_access": (bool, False),
           },
           description="Filter by person, project, institution or register (a catalogue "
           "short name): a register\nis reached through the projects whose approved scope "
           "holds its variables."),
    ],
)  # fmt: skip
