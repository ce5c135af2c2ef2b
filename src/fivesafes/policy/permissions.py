"""Roles and permissions as data: which role may do what.

Later capabilities add their permissions here; a test checks every permission is granted to
at least one role and every role exists in the table.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESEARCHER = "researcher"
    INSTITUTION_MANAGER = "institution_manager"
    CASE_HANDLER = "case_handler"
    SECRETARY = "secretary"
    APPROVER = "approver"
    OUTPUT_CHECKER = "output_checker"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.RESEARCHER: "Researcher",
    Role.INSTITUTION_MANAGER: "Institution manager",
    Role.CASE_HANDLER: "Case handler",
    Role.SECRETARY: "Secretary",
    Role.APPROVER: "Approver",
    Role.OUTPUT_CHECKER: "Output checker",
    Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Administrator",
}

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


_EVERYONE = frozenset(
    {
        Permission.VIEW_DASHBOARD,
        Permission.MANAGE_OWN_ACCOUNT,
        Permission.USE_API_TOKENS,
        Permission.VIEW_OWN_JOBS,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RESEARCHER: _EVERYONE,
    Role.INSTITUTION_MANAGER: _EVERYONE,
    Role.CASE_HANDLER: _EVERYONE | {Permission.VIEW_ALL_JOBS},
    Role.SECRETARY: _EVERYONE,
    Role.APPROVER: _EVERYONE,
    Role.OUTPUT_CHECKER: _EVERYONE,
    Role.AUDITOR: _EVERYONE | {Permission.VIEW_AUDIT_LOG, Permission.VIEW_ALL_JOBS},
    Role.ADMINISTRATOR: _EVERYONE | {Permission.ADMINISTER_SYSTEM, Permission.VIEW_ALL_JOBS},
}


def permissions_of(roles: frozenset[Role] | set[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)
