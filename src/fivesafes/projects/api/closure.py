"""Closing a project, recording the deletion of its data (R25), and registering its
publications for scrutiny (R23)."""

from fivesafes.api.operations import Op, routes
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.api.common import on_project, project_now
from fivesafes.projects.api.schemas import (
    CloseIn,
    DeletedIn,
    ProjectOut,
    PublicationIn,
    PublicationOut,
)
from fivesafes.projects.services import closure

CLOSERS = (
    f"Needs '{P.CLOSE_PROJECTS.value}', or '{P.APPLY_FOR_PROJECTS.value}' as the project's "
    "responsible researcher (either suffices; checked by `fivesafes.policy.projects.check_close`)."
)

router = routes(
    __name__,
    [
        Op("POST", "/{project_id}/close", ProjectOut, "Close the project now (R25)",
           (), on_project(closure.close, answer=project_now), "close_project", body=CloseIn,
           any_of=(P.CLOSE_PROJECTS, P.APPLY_FOR_PROJECTS), description=CLOSERS),
        Op("POST", "/{project_id}/data-deleted", ProjectOut,
           "Record that a closed project's data were deleted (R25)", P.CLOSE_PROJECTS,
           on_project(closure.confirm_deletion, answer=project_now), "confirm_deletion",
           body=DeletedIn),
        Op("POST", "/{project_id}/publications", PublicationOut,
           "Register a publication from the project for scrutiny (R23)", P.WORK_IN_PROJECTS,
           on_project(closure.register_publication), "register_publication",
           body=PublicationIn, status=201),
    ],
)  # fmt: skip
