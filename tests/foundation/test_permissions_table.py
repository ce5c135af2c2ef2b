"""The role/permission table is complete and roles do not silently gain staff powers."""

from __future__ import annotations

from fivesafes.policy.permissions import (
    ROLE_PERMISSIONS,
    STAFF_ROLES,
    Permission,
    Role,
    permissions_of,
)


def test_every_role_has_a_label_and_a_row() -> None:
    assert all(role.label for role in Role)
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_every_permission_is_granted_to_some_role() -> None:
    granted = set().union(*ROLE_PERMISSIONS.values())
    assert granted == set(Permission)


def test_researchers_cannot_read_the_audit_log_or_administer() -> None:
    powers = permissions_of({Role.RESEARCHER, Role.INSTITUTION_MANAGER})
    assert Permission.VIEW_AUDIT_LOG not in powers
    assert Permission.ADMINISTER_SYSTEM not in powers
    assert Role.RESEARCHER not in STAFF_ROLES
