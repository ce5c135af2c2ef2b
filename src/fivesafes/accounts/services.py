"""The only code that changes a person's account: API tokens, the authenticator's enrolment and
the recovery codes (R10). Each change is one transaction with its audit event in it.

The sign-in steps themselves (password, code, sign-out) change no stored account data: the
sign-in views audit them as they happen.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fivesafes.accounts import twofactor
from fivesafes.accounts.models import ApiToken, User
from fivesafes.audit.services import record
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import AccessDenied
from fivesafes.shared.services import require


def create_token(*, actor: User, name: str, days: int, request: Any = None) -> tuple[ApiToken, str]:
    """A personal API token for the actor: the stored token and its secret, shown once."""
    require(actor, Permission.USE_API_TOKENS)
    with transaction.atomic():
        token, plain = ApiToken.issue(user=actor, name=name, days=days)
        record(
            action="api_token.created",
            actor=actor,
            obj=token,
            request=request,
            after={
                "name": token.name,
                "key_id": token.key_id,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return token, plain


def revoke_token(*, actor: User, token: ApiToken, request: Any = None) -> bool:
    """Revoke one of the actor's own tokens; False when it was revoked already (no change)."""
    require(actor, Permission.USE_API_TOKENS)
    if token.user_id != actor.pk:
        raise AccessDenied("You may revoke only your own API tokens.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(
            action="api_token.revoked",
            actor=actor,
            obj=locked,
            request=request,
            before={"state": "active"},
            after={"state": "revoked"},
        )
    token.revoked_at = locked.revoked_at
    return True


def renew_recovery_codes(*, actor: User, request: Any = None) -> list[str]:
    """A new set of one-time recovery codes; the old set stops working. Returns the codes."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    with transaction.atomic():
        codes = twofactor.new_recovery_codes(actor)
        record(action="two_factor.recovery_codes_renewed", actor=actor, request=request)
    return codes


def confirm_authenticator(*, person: User, device: TOTPDevice, request: Any = None) -> list[str]:
    """Enrolment (R10): the device whose code the person just entered becomes their second
    factor, with a first set of recovery codes (returned, to be shown once)."""
    if device.user_id != person.pk:
        raise AccessDenied("An authenticator is confirmed only by the person enrolling it.")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = twofactor.new_recovery_codes(person)
        record(action="two_factor.enrolled", actor=person, request=request)
    return codes
