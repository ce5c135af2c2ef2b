"""Navigation per role, as data: each entry names the permission that shows it."""

from __future__ import annotations

from dataclasses import dataclass

from fivesafes.policy.permissions import Permission


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: Permission


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("Dashboard", "web:dashboard", Permission.VIEW_DASHBOARD),
    NavEntry("Jobs", "jobs:list", Permission.VIEW_OWN_JOBS),
    NavEntry("Audit log", "audit:list", Permission.VIEW_AUDIT_LOG),
    NavEntry("Account", "accounts:account", Permission.MANAGE_OWN_ACCOUNT),
    NavEntry("Administration", "admin:index", Permission.ADMINISTER_SYSTEM),
)
