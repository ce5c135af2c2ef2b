"""What each role sees first: a dashboard panel per role, as data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from fivesafes.policy.permissions import Role
from fivesafes.shared.charts import Chart
from fivesafes.web import panel_charts, panel_figures, panel_rooms
from fivesafes.web.panel_figures import Figure


@dataclass(frozen=True)
class Panel:
    title: Any  # a lazily translated text
    text: Any
    figures: Callable[[Any], list[Figure]] | None = None  # takes the request
    charts: Callable[[Any], list[Chart]] | None = None  # takes the request


# Each role's name in the person's language (the dashboard's headings, the header's roles).
ROLE_NAMES: dict[Role, Any] = {
    Role.RESEARCHER: _("Researcher"),
    Role.INSTITUTION_MANAGER: _("Institution manager"),
    Role.CASE_HANDLER: _("Case handler"),
    Role.SECRETARY: _("Secretary"),
    Role.APPROVER: _("Approver"),
    Role.OUTPUT_CHECKER: _("Output checker"),
    Role.AUDITOR: _("Auditor"),
    Role.ADMINISTRATOR: _("Administrator"),
}

PANELS: dict[Role, tuple[Panel, ...]] = {
    Role.RESEARCHER: (
        Panel(
            _("Your projects"),
            _("Projects you are a member of, with your access and its conditions: see My access."),
            panel_figures.projects_of_researcher,
        ),
        Panel(
            _("Certification"),
            _("Your data-security certification and when it must be renewed (yearly, R9)."),
            panel_figures.certification_of_researcher,
        ),
        Panel(
            _("Output releases"),
            _("Tables and results you asked to take out, and their checks."),
            panel_rooms.releases_of_researcher,
        ),
        Panel(
            _("Applications"),
            _(
                "Your project applications with their findings, drafts and change requests: see "
                "Applications."
            ),
            panel_figures.applications_of_applicant,
            panel_charts.applications_of_applicant,
        ),
    ),
    Role.INSTITUTION_MANAGER: (
        Panel(
            _("Your institution"),
            _("Its authorisation, agreements and the researchers attached: see Institution."),
            panel_figures.institution_to_do,
            panel_charts.certifications_expiring_at_institution,
        ),
        Panel(
            _("Affiliations"), _("Foreign researchers your institution takes responsibility for.")
        ),
        Panel(
            _("Quotes"),
            _("Price quotes for your institution's approved projects, to accept (R18)."),
            panel_figures.quotes_to_accept,
        ),
    ),
    Role.CASE_HANDLER: (
        Panel(
            _("Authorisation cases"),
            _("Institutions applying for authorisation, by due date: see Cases."),
            panel_figures.authorisation_cases,
        ),
        Panel(
            _("Project applications"),
            _(
                "Submitted applications with their findings, to review and recommend; quotes, "
                "closures and publications for scrutiny."
            ),
            panel_figures.applications_to_handle,
            panel_charts.applications_open,
        ),
        Panel(
            _("Questions"),
            _("Clarifying questions sent and not yet answered."),
            panel_figures.questions_unanswered,
        ),
        Panel(
            _("Data deliveries"),
            _("Approved projects waiting for their data, plans to review and failed runs."),
            panel_rooms.deliveries_to_handle,
        ),
        Panel(
            _("Certifications"),
            _("Researchers whose yearly data-security certification expires soon (R9)."),
            charts=panel_charts.certifications_expiring,
        ),
    ),
    Role.SECRETARY: (
        Panel(
            _("To register"),
            _("Approved agreements to send, signed ones to register: see Cases."),
            panel_figures.agreements_to_register,
        ),
    ),
    Role.APPROVER: (
        Panel(
            _("Awaiting decision"),
            _("Recommendations that need a second person's decision."),
            panel_figures.decisions_awaited,
            panel_charts.time_to_decision,
        ),
        Panel(
            _("Breaches"),
            _("Breach cases waiting for a sanction decision (R24): see Breaches."),
            panel_figures.breaches_to_decide,
        ),
    ),
    Role.OUTPUT_CHECKER: (
        Panel(
            _("Release requests"),
            _("Outputs flagged by the automatic checks, waiting for two reviews."),
            panel_rooms.releases_to_check,
        ),
    ),
    Role.AUDITOR: (
        Panel(
            _("Audit log"),
            _("Every state change, hash-chained; filter by person, action or object."),
        ),
    ),
    Role.ADMINISTRATOR: (
        Panel(_("System"), _("Users, roles and jobs; the administration pages.")),
    ),
}
