"""What the pages of safe projects share: fetching an application the person may see, the
findings context, and the wizard's steps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from fivesafes.policy import applications as policy
from fivesafes.projects.models import Application
from fivesafes.projects.rules import Severity
from fivesafes.projects.services import applications as service

# The wizard's steps, in order: (slug, title).
WIZARD: tuple[tuple[str, str], ...] = (
    ("project", "Project"),
    ("legal", "Legal basis and DPIA"),
    ("population", "Population and period"),
    ("variables", "Variable list"),
    ("people", "Members and external data"),
    ("submit", "Findings and submission"),
)
WIZARD_SLUGS = [slug for slug, _ in WIZARD]


def get_application(request: HttpRequest, pk: int) -> Application:
    """The application, or 404; AccessDenied when the person may not see it."""
    application = get_object_or_404(
        Application.objects.select_related("institution", "applicant", "project"), pk=pk
    )
    policy.check_see(request.user, application)
    return application


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
