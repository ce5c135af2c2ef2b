"""Navigation per role, as data: each entry names the permission that shows it."""

from __future__ import annotations

from dataclasses import dataclass

from fivesafes.policy.permissions import Permission


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: Permission | None  # None: everyone, signed in or not


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("Dashboard", "web:dashboard", Permission.VIEW_DASHBOARD),
    NavEntry("Catalogue", "data:catalogue", None),
    NavEntry("Data basket", "data:basket", Permission.USE_DATA_BASKET),
    NavEntry("My access", "people:my_access", Permission.WORK_IN_PROJECTS),
    NavEntry("Institution", "people:my_institutions", Permission.MANAGE_INSTITUTION_RESEARCHERS),
    NavEntry("Projects", "projects:projects", Permission.VIEW_DASHBOARD),
    NavEntry("Applications", "projects:my_applications", Permission.APPLY_FOR_PROJECTS),
    NavEntry("Outputs", "release:my_requests", Permission.WORK_IN_PROJECTS),
    NavEntry("Output checking", "release:queue", Permission.REVIEW_OUTPUTS),
    NavEntry("Release log", "release:log", Permission.VIEW_RELEASE_LOG),
    NavEntry("Cases", "people:cases", Permission.VIEW_PEOPLE_CASES),
    NavEntry("Project applications", "projects:review", Permission.VIEW_PROJECT_APPLICATIONS),
    NavEntry("Price list", "projects:prices", Permission.EDIT_PRICE_LIST),
    NavEntry("Scrutiny", "projects:scrutiny_queue", Permission.RECORD_SCRUTINY),
    NavEntry("Data delivery", "delivery:queue", Permission.DELIVER_DATA),
    NavEntry("Workspaces", "workspace:staff", Permission.OVERSEE_WORKSPACES),
    NavEntry("Breaches", "people:breaches", Permission.VIEW_PEOPLE_CASES),
    NavEntry("Report a breach", "people:report_breach", Permission.REPORT_BREACHES),
    NavEntry("Access report", "people:access_report", Permission.VIEW_ACCESS_REPORT),
    NavEntry("Question bank", "people:question_bank", Permission.EDIT_CERTIFICATION_QUESTIONS),
    NavEntry("Jobs", "jobs:list", Permission.VIEW_OWN_JOBS),
    NavEntry("Audit log", "audit:list", Permission.VIEW_AUDIT_LOG),
    NavEntry("Account", "accounts:account", Permission.MANAGE_OWN_ACCOUNT),
    NavEntry("Administration", "admin:index", Permission.ADMINISTER_SYSTEM),
)
