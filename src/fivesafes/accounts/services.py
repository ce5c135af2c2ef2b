"""The only code that changes a person's account: API tokens, the authenticator's enrolment and
the recovery codes (R10). Each change is one transaction with its audit event in it.

The sign-in steps themselves (password, code, sign-out) change no stored account data: the
sign-in views audit them as they happen.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
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
        raise AccessDenied(_("You may revoke only your own API tokens."))
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
        raise AccessDenied(_("An authenticator is confirmed only by the person enrolling it."))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = twofactor.new_recovery_codes(person)
        record(action="two_factor.enrolled", actor=person, request=request)
    return codes


def create_administrator(*, username: str, email: str, full_name: str) -> tuple[User, str]:
    """The bootstrap of a new installation: a person with the administrator role and a one-time
    password (returned, to be shown once), who must enrol an authenticator at the first sign-in
    (no second factor exists yet, so sign-in leads to enrolment). Refused while an active
    administrator exists: later administrators are appointed by one in the administration."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from fivesafes.accounts.models import RoleAssignment
    from fivesafes.policy.permissions import Role
    from fivesafes.shared.refusals import RuleViolation

    username, email, full_name = username.strip(), email.strip(), full_name.strip()
    if not username or len(username) > 150:
        raise RuleViolation("R10", "username", _("Give a user name of 1 to 150 characters."))
    try:
        validate_email(email)
    except ValidationError:
        raise RuleViolation(
            "R10", "email", _("'%(email)s' is not an e-mail address.") % {"email": email}
        ) from None
    if not full_name:
        raise RuleViolation("R10", "full_name", _("Give the administrator's full name."))
    with transaction.atomic():
        if RoleAssignment.objects.filter(
            role=Role.ADMINISTRATOR.value, user__is_active=True
        ).exists():
            raise RuleViolation(
                "R10",
                "username",
                _(
                    "An administrator exists already; further administrators are appointed by "
                    "one of them in the administration pages."
                ),
            )
        if User.objects.filter(username__iexact=username).exists():
            raise RuleViolation(
                "R10",
                "username",
                _("The user name '%(username)s' is taken.") % {"username": username},
            )
        if User.objects.filter(email__iexact=email).exists():
            raise RuleViolation(
                "R10", "email", _("The e-mail address '%(email)s' is in use.") % {"email": email}
            )
        password = secrets.token_urlsafe(18)
        user = User.objects.create_user(
            username=username,
            email=email,
            full_name=full_name,
            password=password,
            is_staff=True,
            is_superuser=True,
        )
        RoleAssignment.objects.create(user=user, role=Role.ADMINISTRATOR.value)
        record(
            action="account.administrator_created",
            obj=user,
            after={"username": username, "roles": [Role.ADMINISTRATOR.value]},
        )
    return user, password


def choose_language(*, actor: User, language: str, request: Any = None) -> bool:
    """Keep the interface language the actor chose ("" for the browser's); False: no change.

    The caller checks that `language` is one of settings.LANGUAGES (or empty)."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=actor.pk)
        if locked.language == language:
            return False
        before = locked.language
        locked.language = language
        locked.save(update_fields=["language"])
        record(
            action="account.language_chosen",
            actor=actor,
            obj=locked,
            request=request,
            before={"language": before},
            after={"language": language},
        )
    actor.language = language
    return True
