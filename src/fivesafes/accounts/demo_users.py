"""Demo people, one per role, for the embedded demo (never created in production)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from fivesafes.accounts.models import RoleAssignment, User
from fivesafes.accounts.twofactor import new_recovery_codes
from fivesafes.audit.services import record
from fivesafes.policy.permissions import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    roles: tuple[Role, ...]

    @property
    def password(self) -> str:
        return f"demo-{self.username}-2026"


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("researcher", "Rikke Researcher", (Role.RESEARCHER,)),
    DemoUser("manager", "Mads Manager", (Role.INSTITUTION_MANAGER, Role.RESEARCHER)),
    DemoUser("casehandler", "Camilla Case-handler", (Role.CASE_HANDLER,)),
    DemoUser("secretary", "Søren Secretary", (Role.SECRETARY,)),
    DemoUser("approver", "Anna Approver", (Role.APPROVER,)),
    DemoUser("checker", "Karl Checker", (Role.OUTPUT_CHECKER,)),
    DemoUser("checker2", "Kirsten Checker", (Role.OUTPUT_CHECKER,)),
    DemoUser("auditor", "Aksel Auditor", (Role.AUDITOR,)),
    DemoUser("admin", "Ada Administrator", (Role.ADMINISTRATOR,)),
)


@transaction.atomic
def ensure_demo_users() -> list[DemoUser]:
    """Create the demo people with a confirmed authenticator; leaves existing ones alone."""
    created = []
    for demo in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "email": f"{demo.username}@demo.fivesafes.invalid",
                "full_name": demo.full_name,
                "is_staff": Role.ADMINISTRATOR in demo.roles,
                "is_superuser": Role.ADMINISTRATOR in demo.roles,
            },
        )
        if was_created:
            user.set_password(demo.password)
            user.save(update_fields=["password"])
            TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
            new_recovery_codes(user)
            record(
                action="demo.user_created", obj=user, after={"roles": [r.value for r in demo.roles]}
            )
            created.append(demo)
        for role in demo.roles:
            RoleAssignment.objects.get_or_create(user=user, role=role.value)
    return created
