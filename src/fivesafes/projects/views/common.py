"""What the pages of safe projects share: loading an object through the policy's check
(`loaded`, `application_view`), a POST-only view with its permission (`posts`), the findings
context, and the wizard's steps."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fivesafes.policy import applications as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Application
from fivesafes.projects.rules import Severity
from fivesafes.projects.services import applications as service
from fivesafes.shared.pages import refuse
from fivesafes.shared.refusals import AccessDenied

# The wizard's steps, in order: (slug, title).
WIZARD: tuple[tuple[str, Any], ...] = (
    ("project", _("Project")),
    ("legal", _("Legal basis and DPIA")),
    ("population", _("Population and period")),
    ("variables", _("Variable list")),
    ("people", _("Members and external data")),
    ("submit", _("Findings and submission")),
)
WIZARD_SLUGS = [slug for slug, _title in WIZARD]


V = TypeVar("V", bound=Callable[..., HttpResponse])


def posts(permission: Permission) -> Callable[[V], V]:
    """A view that answers a POST only (a button or a form of a page) and needs `permission`."""

    def decorate(view: V) -> V:
        return require_POST(requires(permission)(view))

    return decorate


def loaded(
    source: type[Model] | QuerySet[Any], check: Callable[[Any, Any], None]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view of one object: the object with the URL's `pk` (404 when there is none), passed
    through the policy's `check(user, obj)`; a refusal shows the refusal page. The view gets
    the object in place of `pk`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            obj = get_object_or_404(source, pk=pk)
            try:
                check(request.user, obj)
            except AccessDenied as denial:
                return refuse(request, denial.reason, denial.status)
            return view(request, obj, **kwargs)

        return wrapper

    return decorate


APPLICATIONS = Application.objects.select_related("institution", "applicant", "project")
application_view = loaded(APPLICATIONS, policy.check_see)


def findings_context(application: Application) -> dict[str, Any]:
    """The findings as of now for an open application (dates, certifications and
    authorisations change without a save), as stored for a decided one."""
    findings = service.current_findings(application)
    return {
        "application": application,
        "findings": findings,
        "blocking_count": sum(1 for f in findings if f.severity == Severity.BLOCKING),
        "justify_count": sum(1 for f in findings if f.severity == Severity.NEEDS_JUSTIFICATION),
    }
