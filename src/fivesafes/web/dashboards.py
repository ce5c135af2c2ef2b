"""What each role sees first: a dashboard panel per role, as data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fivesafes.policy.permissions import Role
from fivesafes.shared.charts import Chart
from fivesafes.web import panel_charts, panel_figures
from fivesafes.web.panel_figures import Figure


@dataclass(frozen=True)
class Panel:
    title: str
    text: str
    figures: Callable[[Any], list[Figure]] | None = None  # takes the request
    charts: Callable[[Any], list[Chart]] | None = None  # takes the request


PANELS: dict[Role, tuple[Panel, ...]] = {
    Role.RESEARCHER: (
        Panel(
            "Your projects",
            "Projects you are a member of, with your access and its conditions: see My access.",
            panel_figures.projects_of_researcher,
        ),
        Panel(
            "Certification",
            "Your data-security certification and when it must be renewed (yearly, R9).",
            panel_figures.certification_of_researcher,
        ),
        Panel("Output releases", "Tables and results you asked to take out, and their checks."),
        Panel(
            "Applications",
            "Your project applications with their findings, drafts and change requests: see "
            "Applications.",
            panel_figures.applications_of_applicant,
            panel_charts.applications_of_applicant,
        ),
    ),
    Role.INSTITUTION_MANAGER: (
        Panel(
            "Your institution",
            "Its authorisation, agreements and the researchers attached: see Institution.",
            panel_figures.institution_to_do,
            panel_charts.certifications_expiring_at_institution,
        ),
        Panel("Affiliations", "Foreign researchers your institution takes responsibility for."),
        Panel(
            "Quotes",
            "Price quotes for your institution's approved projects, to accept (R18).",
            panel_figures.quotes_to_accept,
        ),
    ),
    Role.CASE_HANDLER: (
        Panel(
            "Authorisation cases",
            "Institutions applying for authorisation, by due date: see Cases.",
            panel_figures.authorisation_cases,
        ),
        Panel(
            "Project applications",
            "Submitted applications with their findings, to review and recommend; quotes, "
            "closures and publications for scrutiny.",
            panel_figures.applications_to_handle,
            panel_charts.applications_open,
        ),
        Panel(
            "Questions",
            "Clarifying questions sent and not yet answered.",
            panel_figures.questions_unanswered,
        ),
        Panel(
            "Certifications",
            "Researchers whose yearly data-security certification expires soon (R9).",
            charts=panel_charts.certifications_expiring,
        ),
    ),
    Role.SECRETARY: (
        Panel(
            "To register",
            "Approved agreements to send, signed ones to register: see Cases.",
            panel_figures.agreements_to_register,
        ),
    ),
    Role.APPROVER: (
        Panel(
            "Awaiting decision",
            "Recommendations that need a second person's decision.",
            panel_figures.decisions_awaited,
            panel_charts.time_to_decision,
        ),
        Panel(
            "Breaches",
            "Breach cases waiting for a sanction decision (R24): see Breaches.",
            panel_figures.breaches_to_decide,
        ),
    ),
    Role.OUTPUT_CHECKER: (
        Panel(
            "Release requests", "Outputs flagged by the automatic checks, waiting for two reviews."
        ),
    ),
    Role.AUDITOR: (
        Panel("Audit log", "Every state change, hash-chained; filter by person, action or object."),
    ),
    Role.ADMINISTRATOR: (Panel("System", "Users, roles and jobs; the administration pages."),),
}
