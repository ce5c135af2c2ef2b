"""Publications waiting for the office's scrutiny, and recording its result (R23)."""

from fivesafes.api.operations import Op, routes
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects import queries
from fivesafes.projects.api.schemas import PublicationOut, ScrutinyIn
from fivesafes.projects.models import Publication
from fivesafes.projects.services import closure
from fivesafes.shared.api import on

router = routes(
    __name__,
    [
        Op("GET", "/publications", list[PublicationOut], "Publications waiting for scrutiny",
           P.RECORD_SCRUTINY, lambda call: queries.scrutiny_queue(), "scrutiny_queue",
           paged=True),
        Op("POST", "/publications/{publication_id}/scrutiny", PublicationOut,
           "Record the scrutiny result of a publication (R23)", P.RECORD_SCRUTINY,
           on(Publication, "publication", closure.record_scrutiny), "record_scrutiny",
           body=ScrutinyIn),
    ],
)  # fmt: skip
