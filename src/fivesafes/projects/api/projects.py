"""`/projects`: the list and one project with its approved scope and timeline, and change
requests against it (R16). Its operations on `/{project_id}` come last in the package's
router, so that named paths (`/prices`, `/publications`) match first."""

from fivesafes.api.operations import Op, routes
from fivesafes.policy import projects as projects_policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects import queries
from fivesafes.projects.api.common import PROJECTS, afresh, on_project
from fivesafes.projects.api.schemas import ApplicationOut, ProjectDetailOut, ProjectOut
from fivesafes.projects.services import projects as project_service
from fivesafes.shared.api import TextIn, read

# The list lives on the package's root router (`list_router`): a topic router mounted at ""
# would answer it at "/" instead of at `/api/v1/projects`.
list_router = routes(
    __name__,
    [
        Op("GET", "", list[ProjectOut],
           "My projects (responsible, member, manager); all for staff who read applications",
           P.VIEW_DASHBOARD, lambda call: queries.projects(call.user, **call.params),
           "project_list", params={"state": (str, "")}, paged=True,
           description="An unknown `state` is no filter; ordered by project number."),
    ],
)  # fmt: skip
router = routes(
    __name__,
    [
        Op("GET", "/{project_id}", ProjectDetailOut, "A project with its approved scope",
           P.VIEW_DASHBOARD, read(PROJECTS, projects_policy.check_see), "project_detail"),
        Op("POST", "/{project_id}/change-requests", ApplicationOut,
           "Start a change request (R16) as a draft copy of the approved scope",
           P.APPLY_FOR_PROJECTS,
           on_project(project_service.start_change_request,
                      fields=lambda call: {"summary": call.payload.text},
                      answer=lambda call, change: afresh(change)),
           "start_change", body=TextIn, status=201),
    ],
)  # fmt: skip
