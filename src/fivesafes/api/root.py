"""The NinjaAPI instance; each capability adds its router here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from fivesafes.api.me import router as me_router
from fivesafes.api.security import AUTH
from fivesafes.data.api import router as catalogue_router
from fivesafes.delivery.api import router as delivery_router
from fivesafes.people.api import router as people_router
from fivesafes.projects.api import router as projects_router
from fivesafes.release.api import router as release_router
from fivesafes.shared.api import RuleError, rule_answer, validation_error
from fivesafes.workspace.api import router as workspace_router

api = NinjaAPI(
    title="fivesafes API",
    version="1",
    description="Secure access to register microdata. Authenticate with a personal API token "
    "(`Authorization: Bearer fs_...`) created in a two-factor web session.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/me", me_router, tags=["accounts"])
api.add_router("/catalogue", catalogue_router, tags=["catalogue"])
api.add_router("/people", people_router, tags=["safe people"])
api.add_router("/projects", projects_router, tags=["safe projects"])
api.add_router("/deliveries", delivery_router, tags=["data delivery"])
api.add_router("/release", release_router, tags=["safe outputs"])
api.add_router("/workspace", workspace_router, tags=["safe settings"])


@api.exception_handler(MultiPartParserError)
def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A file upload whose body is not multipart/form-data gets a JSON answer saying so."""
    return api.create_response(
        request,
        {
            "detail": _("The body must be multipart/form-data with the file in a part: %(error)s")
            % {"error": exc}
        },
        status=400,
    )


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A malformed request answers 422 in the one error format, naming each field."""
    return api.create_response(request, validation_error(exc), status=422)


@api.exception_handler(RuleError)
def refused_by_rule(request: HttpRequest, exc: RuleError) -> HttpResponse:
    """A rule's refusal answers 400: the words first, its rule and field also apart."""
    return api.create_response(request, rule_answer(exc), status=exc.status_code)
