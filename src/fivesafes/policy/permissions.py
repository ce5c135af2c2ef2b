"""Roles and permissions as data: which role may do what.

Later capabilities add their permissions here; a test checks every permission is granted to
at least one role and every role exists in the table.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fivesafes.shared.labels import Labelled, gettext_noop


class Role(Labelled):
    RESEARCHER = "researcher", gettext_noop("Researcher")
    INSTITUTION_MANAGER = "institution_manager", gettext_noop("Institution manager")
    CASE_HANDLER = "case_handler", gettext_noop("Case handler")
    SECRETARY = "secretary", gettext_noop("Secretary")
    APPROVER = "approver", gettext_noop("Approver")
    OUTPUT_CHECKER = "output_checker", gettext_noop("Output checker")
    AUDITOR = "auditor", gettext_noop("Auditor")
    ADMINISTRATOR = "administrator", gettext_noop("Administrator")


# Roles held by the statistics office's own staff (as opposed to researchers and institutions).
STAFF_ROLES = frozenset(
    {
        Role.CASE_HANDLER,
        Role.SECRETARY,
        Role.APPROVER,
        Role.OUTPUT_CHECKER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    }
)


class Permission(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    MANAGE_OWN_ACCOUNT = "manage_own_account"
    USE_API_TOKENS = "use_api_tokens"
    VIEW_OWN_JOBS = "view_own_jobs"
    VIEW_ALL_JOBS = "view_all_jobs"
    VIEW_AUDIT_LOG = "view_audit_log"
    ADMINISTER_SYSTEM = "administer_system"
    USE_DATA_BASKET = "use_data_basket"
    # Safe people (issue 4)
    APPLY_FOR_AUTHORISATION = "apply_for_authorisation"
    SIGN_FOR_INSTITUTION = "sign_for_institution"
    MANAGE_INSTITUTION_RESEARCHERS = "manage_institution_researchers"
    WORK_IN_PROJECTS = "work_in_projects"
    VIEW_PEOPLE_CASES = "view_people_cases"
    EVALUATE_AUTHORISATIONS = "evaluate_authorisations"
    DECIDE_AUTHORISATIONS = "decide_authorisations"
    REGISTER_AUTHORISATIONS = "register_authorisations"
    EDIT_CERTIFICATION_QUESTIONS = "edit_certification_questions"
    REPORT_BREACHES = "report_breaches"
    DECIDE_SANCTIONS = "decide_sanctions"
    VIEW_ACCESS_REPORT = "view_access_report"
    # Safe projects (issue 5)
    APPLY_FOR_PROJECTS = "apply_for_projects"
    VIEW_PROJECT_APPLICATIONS = "view_project_applications"
    REVIEW_PROJECT_APPLICATIONS = "review_project_applications"
    DECIDE_PROJECT_APPLICATIONS = "decide_project_applications"
    EDIT_PRICE_LIST = "edit_price_list"
    ACCEPT_QUOTES = "accept_quotes"
    CLOSE_PROJECTS = "close_projects"
    RECORD_SCRUTINY = "record_scrutiny"
    ISSUE_INVOICES = "issue_invoices"
    # Safe data: delivery (issue 12)
    DELIVER_DATA = "deliver_data"
    # Safe outputs (issue 14)
    REVIEW_OUTPUTS = "review_outputs"
    VIEW_RELEASE_LOG = "view_release_log"
    # Safe settings: the workspace (issue 13): see every workspace, its sessions, runs and
    # storage, set its limits and stop a session or run
    OVERSEE_WORKSPACES = "oversee_workspaces"


_EVERYONE = frozenset(
    {
        Permission.VIEW_DASHBOARD,
        Permission.MANAGE_OWN_ACCOUNT,
        Permission.USE_API_TOKENS,
        Permission.VIEW_OWN_JOBS,
    }
)

# Staff who read the safe-people cases and the "who has access to what" report.
_PEOPLE_READERS = frozenset({Permission.VIEW_PEOPLE_CASES, Permission.VIEW_ACCESS_REPORT})
# Staff who read project applications, their findings and history (safe projects).
_PROJECT_READERS = frozenset({Permission.VIEW_PROJECT_APPLICATIONS})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RESEARCHER: _EVERYONE
    | {Permission.WORK_IN_PROJECTS, Permission.USE_DATA_BASKET, Permission.APPLY_FOR_PROJECTS},
    Role.INSTITUTION_MANAGER: _EVERYONE
    | {
        Permission.APPLY_FOR_AUTHORISATION,
        Permission.SIGN_FOR_INSTITUTION,
        Permission.MANAGE_INSTITUTION_RESEARCHERS,
        Permission.USE_DATA_BASKET,
        Permission.ACCEPT_QUOTES,
    },
    Role.CASE_HANDLER: _EVERYONE
    | _PEOPLE_READERS
    | _PROJECT_READERS
    | {
        Permission.REVIEW_PROJECT_APPLICATIONS,
        Permission.EDIT_PRICE_LIST,
        Permission.CLOSE_PROJECTS,
        Permission.RECORD_SCRUTINY,
        Permission.DELIVER_DATA,
        Permission.OVERSEE_WORKSPACES,
        Permission.VIEW_ALL_JOBS,
        Permission.EVALUATE_AUTHORISATIONS,
        Permission.EDIT_CERTIFICATION_QUESTIONS,
        Permission.REPORT_BREACHES,
    },
    Role.SECRETARY: _EVERYONE
    | _PEOPLE_READERS
    | _PROJECT_READERS
    | {Permission.REGISTER_AUTHORISATIONS, Permission.EDIT_PRICE_LIST, Permission.ISSUE_INVOICES},
    Role.APPROVER: _EVERYONE
    | _PEOPLE_READERS
    | _PROJECT_READERS
    | {
        Permission.DECIDE_AUTHORISATIONS,
        Permission.DECIDE_SANCTIONS,
        Permission.DECIDE_PROJECT_APPLICATIONS,
    },
    Role.OUTPUT_CHECKER: _EVERYONE
    | {Permission.REPORT_BREACHES, Permission.REVIEW_OUTPUTS, Permission.VIEW_RELEASE_LOG},
    Role.AUDITOR: _EVERYONE
    | _PEOPLE_READERS
    | _PROJECT_READERS
    | {Permission.VIEW_AUDIT_LOG, Permission.VIEW_ALL_JOBS, Permission.VIEW_RELEASE_LOG},
    Role.ADMINISTRATOR: _EVERYONE
    | {Permission.ADMINISTER_SYSTEM, Permission.VIEW_ALL_JOBS, Permission.OVERSEE_WORKSPACES},
}


def permissions_of(roles: frozenset[Role] | set[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def holds(person: Any, permission: Permission) -> bool:
    """Do the person's roles grant `permission`? (Nobody signed in holds none.) The object rules
    ask this of any actor, also outside a request (a service, a daily job)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return permission in permissions_of(person.roles)


def pk_of(person: Any) -> Any:
    """The person's primary key, or None for nobody (an anonymous or system actor)."""
    return getattr(person, "pk", None)
