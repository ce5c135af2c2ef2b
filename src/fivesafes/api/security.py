"""API authentication and the per-operation access rule.

Two ways in: a personal API token (`Authorization: Bearer fs_<id>_<secret>`), or the browser's
two-factor session (with its CSRF token). Every operation declares its permission with
`@api_requires(...)`; the route walk test checks none lacks one.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from fivesafes.accounts.models import TOKEN_PREFIX, ApiToken, hash_token
from fivesafes.policy.checks import can, check_permission, check_signed_in, is_two_factor
from fivesafes.policy.decorators import ATTRIBUTE, AccessRule
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import AccessDenied

F = TypeVar("F", bound=Callable[..., Any])


def _audit_refusal(request: HttpRequest, reason: str) -> None:
    """Audit a refused call: the path cut to a bounded length; refusals of anonymous requests
    (a bad token) are recorded one by one only up to a rate per source, then summarised as
    `api.refused_summarised` with their count (`fivesafes.audit.services.record_refusal`)."""
    from fivesafes.audit.services import record_refusal

    record_refusal(audit_action="api.refused", request=request, reason=reason)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            _audit_refusal(request, "malformed API token")
            return None
        stored = ApiToken.objects.select_related("user").filter(key_id=parts[1]).first()
        if stored is None or not hmac.compare_digest(stored.secret_hash, hash_token(parts[2])):
            _audit_refusal(request, "unknown API token")
            return None
        if stored.state != "active" or not stored.user.is_active:
            _audit_refusal(request, f"API token {stored.key_id} is {stored.state}")
            return None
        ApiToken.objects.filter(pk=stored.pk).update(last_used_at=timezone.now())
        user = stored.user
        user.is_verified = lambda: True  # a token can only be created in a two-factor session
        request.user = user
        request.api_token = stored
        return user


class TwoFactorSessionAuth(APIKeyCookie):
    """The browser session, accepted only when it passed two-factor login."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_two_factor(user) and user.is_active:
            return user
        return None


def api_requires(*permissions: Permission, any_of: tuple[Permission, ...] = ()) -> Callable[[F], F]:
    """Declare and enforce the permissions an API operation needs: all of `permissions`, and
    at least one of `any_of` when given. The declaration is what the OpenAPI document shows."""
    rule = AccessRule(public=False, permissions=permissions, any_of=any_of)

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                for permission in permissions:
                    check_permission(request.auth, permission)
                if any_of and not any(can(request.auth, p) for p in any_of):
                    check_signed_in(request.auth)  # not signed in: that is the reason
                    names = ", ".join(f"'{p.value}'" for p in any_of)
                    raise AccessDenied(
                        _(
                            "Your roles include none of the permissions %(names)s; this "
                            "operation needs one of them."
                        )
                        % {"names": names}
                    )
            except AccessDenied as denial:
                _audit_refusal(request, denial.reason)
                raise HttpError(403, denial.reason) from None
            return func(request, *args, **kwargs)

        setattr(wrapper, ATTRIBUTE, rule)
        return wrapper  # type: ignore[return-value]

    return decorate


def api_public(func: F) -> F:
    setattr(func, ATTRIBUTE, AccessRule(public=True))
    return func


AUTH = [TokenAuth(), TwoFactorSessionAuth()]
